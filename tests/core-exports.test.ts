/**
 * The host's view of the core (src/engine/core.ts) against the compiled wasm:
 * the same export names, and each function's parameter count equal to the
 * interface's (CORE_ARITY is checked against the interface by the compiler).
 * A new export, a removed one or a changed signature fails here until the
 * interface follows.
 */
import { describe, expect, it } from "vitest";
import { CORE_ARITY } from "../src/engine/core.js";
import { coreModule } from "../src/node/loader.js";

describe.each(["debug", "release"] as const)("the %s core's exports", (build) => {
  it("are exactly the Core interface's, with its parameter counts", async () => {
    const imports = { env: { nowNs: () => 0, memoryGrown: () => {}, gcEvent: () => {}, abort: () => {} } };
    const instance = await WebAssembly.instantiate(await coreModule(build), imports);
    const exports = instance.exports as Record<string, unknown>;
    expect(exports.memory).toBeInstanceOf(WebAssembly.Memory);
    const functions = Object.entries(exports).filter(([, v]) => typeof v === "function");
    const arity = Object.fromEntries(functions.map(([k, v]) => [k, (v as (...a: unknown[]) => unknown).length]));
    expect(arity).toEqual(CORE_ARITY);
    expect(Object.keys(exports).sort()).toEqual([...Object.keys(CORE_ARITY), "memory"].sort());
  });
});
