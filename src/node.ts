/**
 * Node-only entry: loads the compiled core from build/ next to this package.
 * Everything else in src/ is browser-safe; only this file touches node:fs.
 */
import { readFile } from "node:fs/promises";
import { Engine, type EngineOptions } from "./engine.js";

export type Build = "debug" | "release";

const cache = new Map<Build, Promise<WebAssembly.Module>>();

/** The compiled core for `build`, compiled once per process. */
export function coreModule(build: Build): Promise<WebAssembly.Module> {
  let m = cache.get(build);
  if (!m) {
    // This file runs as src/node.ts (tests) or dist/src/node.js (CLI): build/ is at the package root.
    const root = import.meta.url.includes("/dist/src/") ? "../../" : "../";
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

export { renderHtml } from "./html.js";
export { loadScenarioFile } from "./load-scenario.js";
