/**
 * The core in a browser: where its .wasm is, and an engine from it.
 *
 * The wasm is located as `new URL("../../build/<build>.wasm", import.meta.url)`,
 * written out literally so that bundlers see it: Vite, webpack 5, Parcel and
 * Rollup's asset plugins copy the file into the app's build and rewrite the
 * URL. Two directories up is the package root from both places this module
 * is published in — dist/src/ (tsc's output) and dist/browser/ (the bundled
 * ESM build, tricolor.js) — and the package ships build/*.wasm there. A plain
 * `<script type="module">` that imports dist/browser/tricolor.js needs no
 * bundler at all: the URL then resolves against the script's own.
 *
 * In Node, use loadEngine from "tricolor/node" (it reads the file from disk;
 * Node's fetch has no file: URLs).
 */
import { Engine, type EngineOptions } from "./engine/engine.js";

export type CoreBuild = "release" | "debug";

/** Where the core of `build` is, next to this package's build/ folder. */
export function coreUrl(build: CoreBuild = "release"): URL {
  // Two literal expressions, not one template: bundlers only follow literal paths.
  return build === "debug" ? new URL("../../build/debug.wasm", import.meta.url) : new URL("../../build/release.wasm", import.meta.url);
}

const compiled = new Map<string, Promise<WebAssembly.Module>>();

/**
 * The compiled core from `url` (default: this package's release core),
 * compiled once per URL. Bytes, not streaming compilation, so a server that
 * sends .wasm without `application/wasm` still works.
 */
export function compileCore(url: string | URL = coreUrl()): Promise<WebAssembly.Module> {
  const key = String(url);
  let m = compiled.get(key);
  if (!m) {
    if (key.startsWith("file:")) throw new Error(`loadEngineInBrowser fetches the core over http(s), not ${key}; in Node, use loadEngine from "tricolor/node"`);
    m = fetch(url).then(async (r) => {
      if (!r.ok) throw new Error(`cannot fetch the tricolor core ${key}: HTTP ${r.status}`);
      return WebAssembly.compile(await r.arrayBuffer());
    });
    m.catch(() => compiled.delete(key));
    compiled.set(key, m);
  }
  return m;
}

/** A fresh engine (its own heap) on the core this package ships, or on the one at `url`. */
export async function loadEngineInBrowser(options: EngineOptions & { build?: CoreBuild; url?: string | URL } = {}): Promise<Engine> {
  const { build = "release", url, ...rest } = options;
  return Engine.create(await compileCore(url ?? coreUrl(build)), rest);
}
