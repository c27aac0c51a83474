/**
 * The browser entry (src/index.ts) must not reach Node: walk its static
 * import graph and refuse any `node:` module or Node-only file.
 */
import { readFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { describe, expect, it } from "vitest";

const SRC = new URL("../src/", import.meta.url).pathname;

function importsOf(file: string): string[] {
  const text = readFileSync(file, "utf8");
  return [...text.matchAll(/^\s*(?:import|export)\s[^;]*?from\s+"([^"]+)"/gm)].map((m) => m[1]);
}

describe("browser-safe entry", () => {
  it("src/index.ts imports nothing from node: and no Node-only module, transitively", () => {
    const seen = new Set<string>();
    const bad: string[] = [];
    const walk = (file: string) => {
      if (seen.has(file)) return;
      seen.add(file);
      for (const spec of importsOf(file)) {
        if (spec.startsWith("node:")) bad.push(`${file} → ${spec}`);
        if (!spec.startsWith(".")) continue;
        walk(resolve(dirname(file), spec.replace(/\.js$/, ".ts")));
      }
    };
    walk(resolve(SRC, "index.ts"));
    expect(bad).toEqual([]);
    expect([...seen].map((f) => f.slice(SRC.length))).toEqual(expect.arrayContaining(["engine.ts", "run.ts", "mmu.ts", "trace.ts"]));
    for (const nodeOnly of ["node.ts", "html.ts", "cli.ts", "pool.ts", "worker.ts", "load-scenario.ts"]) expect(seen.has(resolve(SRC, nodeOnly))).toBe(false);
  });
});
