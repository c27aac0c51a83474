/**
 * The package's root directory, where build/*.wasm and dist/html/ live.
 *
 * Modules here run either as source (src/node/*.ts, under vitest in the
 * repository) or compiled (dist/src/node/*.js, from the CLI or an installed
 * package in node_modules/tricolor/). Either way the root is a fixed number
 * of directories up; this says which, from where this very file is.
 */
import { basename, dirname } from "node:path";
import { fileURLToPath } from "node:url";

/** The root of the tricolor package this module belongs to. */
export function packageRoot(): string {
  const file = fileURLToPath(import.meta.url);
  const srcDir = dirname(dirname(file)); // …/src
  const above = dirname(srcDir); // the root, or …/dist when compiled
  const compiled = file.endsWith(".js") && basename(above) === "dist";
  return compiled ? dirname(above) : above;
}
