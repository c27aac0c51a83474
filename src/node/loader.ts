/**
 * Loads the compiled core (build/*.wasm next to this package) in Node. The
 * browser loads the same bytes with loadEngineInBrowser (src/browser-loader.ts).
 */
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { setFlagsFromString } from "node:v8";
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
    m = readFile(file).then((bytes) => compileEagerly(bytes));
    cache.set(build, m);
  }
  return m;
}

/**
 * Compiles every function of the core now. V8 compiles wasm lazily, each
 * function on its first call, and the first call of most of the collector's
 * phase code happens inside its first stop-the-world pauses: the first mark
 * termination measured ~280 µs instead of ~5 µs (binary-trees, hybrid), the
 * longest pause of a whole run, and the compiler's time, not the
 * collector's. Lazy compilation is turned off for this one compile (a few ms
 * for the whole module) and back on for any other module the process loads.
 */
async function compileEagerly(bytes: BufferSource): Promise<WebAssembly.Module> {
  setFlagsFromString("--no-wasm-lazy-compilation");
  try {
    return await WebAssembly.compile(bytes);
  } finally {
    setFlagsFromString("--wasm-lazy-compilation");
  }
}

/** A fresh engine (its own heap) on the debug (assertions on) or release (-O3) core. */
export async function loadEngine(options: EngineOptions & { build?: Build } = {}): Promise<Engine> {
  const { build = "release", ...rest } = options;
  return Engine.create(await coreModule(build), rest);
}

