// What the core asks of its host: a clock and two notifications. The host
// supplies these as the `env` imports (src/engine.ts); nothing else crosses
// the boundary from wasm to JS.

/** High-resolution wall clock in nanoseconds (performance.now() × 1e6). */
// @ts-ignore: decorator
@external("env", "nowNs")
export declare function nowNs(): f64;

/** Called after memory.grow, so the host can refresh its views of memory. */
// @ts-ignore: decorator
@external("env", "memoryGrown")
export declare function memoryGrown(): void;

/** One GC event (see EV_* in src/abi.ts): kind, cycle, start and end ns, three work counters. */
// @ts-ignore: decorator
@external("env", "gcEvent")
export declare function gcEvent(kind: i32, cycle: i32, t0: f64, t1: f64, a: f64, b: f64, c: f64): void;
