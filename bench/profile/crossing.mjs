#!/usr/bin/env node
/**
 * What one binary-trees node costs on the host side, split into the JS
 * recursion, the JS→wasm crossing, and the core's allocPush. Builds `trees`
 * trees of `depth` (2^(depth+1) − 1 nodes each) with the same recursion as
 * src/scenarios/trees.ts bottomUpTree, calling one of:
 *
 *   js      a plain JS method with allocPush's signature (no wasm at all)
 *   empty   the Engine-style method over an empty 5-argument wasm export
 *           (returns its first argument; same arity as allocPush): the crossing
 *   raw     the core's allocPush export, called directly (no Engine method)
 *   engine  Engine.allocPush, what the scenario calls (then e.pop per tree)
 *
 *   node bench/profile/crossing.mjs VARIANT DEPTH TREES [barrier]
 *
 * Prints ns per node (wall, noisy). For deterministic counts run it under
 * callgrind twice, with TREES and with 0, and divide the difference in Ir by
 * the nodes built (bench/PROFILE.md).
 */
import { loadEngine } from "../../dist/src/node/index.js";

const [variant = "engine", depthArg = "16", treesArg = "64", barrier = "hybrid"] = process.argv.slice(2);
const depth = Number(depthArg);
const trees = Number(treesArg);

// A wasm module with one export: (func (param i32 i32 i32 i32 i32) (result i32) local.get 0).
const EMPTY = new Uint8Array([
  0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, // magic, version
  0x01, 0x0a, 0x01, 0x60, 0x05, 0x7f, 0x7f, 0x7f, 0x7f, 0x7f, 0x01, 0x7f, // type: (i32 x5) -> i32
  0x03, 0x02, 0x01, 0x00, // function 0 has type 0
  0x07, 0x05, 0x01, 0x01, 0x66, 0x00, 0x00, // export "f" = func 0
  0x0a, 0x06, 0x01, 0x04, 0x00, 0x20, 0x00, 0x0b, // code: local.get 0, end
]);

const MIN_VALID = 4096; // below it a returned value would be an error code (as Engine.made checks)
class JsHost {
  allocPush(g, pointers, scalarBytes, pop, site) { const v = (g + pointers + scalarBytes + pop + site) >>> 0; if (v > 1 << 30) throw new Error("x"); return v; }
  pop() { return 0; }
}
class EmptyHost {
  constructor(core) { this.core = core; }
  allocPush(g, pointers, scalarBytes, pop, site) { return this.made(this.core.f(g, site, pointers, scalarBytes, pop), "allocPush"); }
  made(v, what) { const p = v >>> 0; if (p < MIN_VALID && p !== 0 && p !== 1) throw new Error(what); return p; }
  pop() { return 0; }
}
class RawHost {
  constructor(e) { this.core = e.raw; this.e = e; }
  allocPush(g, pointers, scalarBytes, pop, site) { return this.core.allocPush(g, site, pointers, scalarBytes, pop) >>> 0; }
  pop(g) { return this.core.pop(g); }
}

function bottomUpTree(e, g, d, site) {
  if (d <= 0) {
    e.allocPush(g, 2, 0, 0, site);
    return;
  }
  bottomUpTree(e, g, d - 1, site);
  bottomUpTree(e, g, d - 1, site);
  e.allocPush(g, 2, 0, 2, site);
}

let host, g = 1, site = 1;
if (variant === "js") host = new JsHost();
else if (variant === "empty") host = new EmptyHost((await WebAssembly.instantiate(EMPTY)).instance.exports);
else {
  const e = await loadEngine({ barrier });
  g = e.spawn();
  site = e.site("crossing.node");
  host = variant === "raw" ? new RawHost(e) : e;
}
if (!host) throw new Error(`unknown variant ${variant}`);

const t0 = performance.now();
for (let i = 0; i < trees; i++) {
  bottomUpTree(host, g, depth, site);
  host.pop(g);
}
const ms = performance.now() - t0;
const nodes = trees * (2 ** (depth + 1) - 1);
console.log(`${variant} depth ${depth} × ${trees}: ${nodes} nodes, ${ms.toFixed(1)} ms, ${((ms * 1e6) / Math.max(1, nodes)).toFixed(2)} ns/node`);
