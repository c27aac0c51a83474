/**
 * Loads the compiled core (build/*.wasm next to this package) in Node. The
 * browser loads the same bytes with Engine.fromUrl.
 */
import { readFile } from "node:fs/promises";
import { Engine, type EngineOptions } from "../engine/engine.js";

export type Build = "debug" | "release";

const cache = new Map<Build, Promise<WebAssembly.Module>>();

/** The compiled core for `build`, compiled once per process. */
export function coreModule(build: Build): Promise<WebAssembly.Module> {
  let m = cache.get(build);
  if (!m) {
    // This file runs as src/node/loader.ts (tests) or dist/src/node/loader.js (CLI): build/ is at the package root.
    const root = import.meta.url.includes("/dist/src/") ? "../../../" : "../../";
    const url = new URL(`${root}build/${build}.wasm`, import.meta.url);
    m = readFile(url).then((bytes) => WebAssembly.compile(bytes));
    cache.set(build, m);
  }
  return m;
}

/** A fresh engine (its own heap) on the debug (assertions on) or release (-O3) core. */
export async function loadEngine(options: EngineOptions & { build?: Build } = {}): Promise<Engine> {
  const { build = "release", ...rest } = options;
  return Engine.create(await coreModule(build), rest);
}

