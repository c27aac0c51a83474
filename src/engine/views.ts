/**
 * Typed views of the core's memory for the engine's readers of its tables
 * (analysis, goroutines, escapes, fragmentation). A view is taken fresh
 * for each read: a call into the core may grow memory, which detaches the
 * old buffer.
 */
import type { Core } from "./core.js";

export function u32s(core: Readonly<Core>): Uint32Array { return new Uint32Array(core.memory.buffer); }
export function f64s(core: Readonly<Core>): Float64Array { return new Float64Array(core.memory.buffer); }
/** A u64 counter read as two u32 halves (exact below 2^53). */
export function u64At(w: Uint32Array, byteAddr: number): number { return w[byteAddr >>> 2] + w[(byteAddr >>> 2) + 1] * 2 ** 32; }
