/**
 * Loads the compiled core (build/*.wasm next to this package) in Node. The
 * browser loads the same bytes with loadEngineInBrowser (src/browser-loader.ts).
 */
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { Engine, type EngineOptions } from "../engine/engine.js";
import { packageRoot } from "./package-root.js";

export type Build = "debug" | "release";

const cache = new Map<Build, Promise<WebAssembly.Module>>();

/** The compiled core for `build`, compiled once per process. */
export function coreModule(build: Build): Promise<WebAssembly.Module> {
  let m = cache.get(build);
  if (!m) {
    // build/ is at the package root, in the repository and in an installed package alike.
    const file = join(packageRoot(), "build", `${build}.wasm`);
    m = readFile(file).then((bytes) => WebAssembly.compile(bytes));
    cache.set(build, m);
  }
  return m;
}

/** A fresh engine (its own heap) on the debug (assertions on) or release (-O3) core. */
export async function loadEngine(options: EngineOptions & { build?: Build } = {}): Promise<Engine> {
  const { build = "release", ...rest } = options;
  return Engine.create(await coreModule(build), rest);
}

