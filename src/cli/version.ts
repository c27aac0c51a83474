/**
 * `tricolor --version`: the version in the package's own package.json, read
 * when asked, so a release never prints a stale hard-coded string. The file
 * is found by walking up from this module (src/cli/ when run from source,
 * dist/src/cli/ when built), so both layouts work.
 */
import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

/** The package.json nearest above `from` whose name is "tricolor"; null if there is none. */
export function findPackageJson(from: string): string | null {
  for (let dir = from; ; dir = dirname(dir)) {
    const file = join(dir, "package.json");
    if (existsSync(file) && (JSON.parse(readFileSync(file, "utf8")) as { name?: string }).name === "tricolor") return file;
    if (dirname(dir) === dir) return null;
  }
}

/** The package's version, e.g. "0.1.0". */
export function packageVersion(): string {
  const file = findPackageJson(dirname(fileURLToPath(import.meta.url)));
  if (!file) throw new Error("cannot find tricolor's package.json");
  return (JSON.parse(readFileSync(file, "utf8")) as { version: string }).version;
}
