/**
 * The layer rule of docs/architecture.md, enforced on every source file.
 *
 * Folders, lowest first: contract → metrics → engine → scenario → scenarios →
 * run → analysis → report → node → cli, and web beside node and cli. A file
 * may import its own folder and folders below it, never above: web never
 * imports node or cli, cli never imports web. The browser-safe folders —
 * everything but node and cli — import no Node built-in, with or without
 * the `node:` prefix; the browser entry src/index.ts imports only
 * browser-safe folders. Every import form counts: `import … from "x"`,
 * `export … from "x"`, a bare `import "x"` and a dynamic `import("x")`.
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import { builtinModules } from "node:module";
import { dirname, join, relative, resolve, sep } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");

/** Layers, lowest first; a folder may import only folders at a lower or equal rank. */
const RANK: Record<string, number> = { contract: 0, metrics: 1, engine: 2, scenario: 3, scenarios: 4, run: 5, analysis: 6, report: 7, node: 8, cli: 9, web: 8 };
/** Pairs that share a rank or sit side by side and still may not meet. */
const FORBIDDEN: [string, string][] = [["web", "node"], ["web", "cli"], ["cli", "web"], ["node", "web"]];
const NODE_ONLY = new Set(["node", "cli"]);

/** Every import specifier in `text`: static, re-export, bare and dynamic. */
export function importSpecifiers(text: string): string[] {
  const code = text.replace(/\/\*[\s\S]*?\*\//g, "").replace(/(^|[^:"'`])\/\/.*$/gm, "$1");
  const forms = [
    /\b(?:import|export)\s[^;"'`]*?\bfrom\s*["']([^"']+)["']/g, // import x from "y", export { x } from "y"
    /\bimport\s*["']([^"']+)["']/g, // import "y"
    /\bimport\s*\(\s*["']([^"']+)["']\s*\)/g, // import("y")
  ];
  return forms.flatMap((re) => [...code.matchAll(re)].map((m) => m[1] ?? "")); // every form has its one group
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) return sourceFiles(p);
    return p.endsWith(".ts") ? [p] : [];
  });
}

/** The layer a file belongs to: its folder under src/ (contract/ at the root); "entry" for src/index.ts. */
function layerOf(file: string): string {
  const rel = relative(ROOT, file).split(sep);
  if (rel[0] === "contract") return "contract";
  if (rel[0] === "src" && rel.length === 2) return "entry";
  return rel[1] ?? "";
}

const isBuiltin = (spec: string) => spec.startsWith("node:") || builtinModules.includes(spec.split("/")[0] ?? spec);

const files = [...sourceFiles(join(ROOT, "contract")), ...sourceFiles(join(ROOT, "src"))];

describe("the import forms the rule sees", () => {
  it("static, re-exports, bare and dynamic imports are all found; comments are not", () => {
    const text = `import a from "./a.js";\nexport { b } from '../b.js';\nimport "./c.js";\nconst d = await import("./d.js");\n// import "./commented.js"\n/* import("./block.js") */`;
    expect(importSpecifiers(text).sort()).toEqual(["../b.js", "./a.js", "./c.js", "./d.js"]);
  });
});

describe("layers", () => {
  it("every folder has a rank, and src/ has nothing but the entry and those folders", () => {
    for (const f of files) {
      const layer = layerOf(f);
      expect(layer === "entry" || layer in RANK, relative(ROOT, f)).toBe(true);
    }
  });

  it("no file imports a folder above its own (or one beside it that it must not meet)", () => {
    const bad: string[] = [];
    for (const f of files) {
      const from = layerOf(f);
      for (const spec of importSpecifiers(readFileSync(f, "utf8"))) {
        if (!spec.startsWith(".")) continue;
        const to = layerOf(resolve(dirname(f), spec));
        if (from === "entry") {
          if (NODE_ONLY.has(to) || to === "web") bad.push(`${relative(ROOT, f)} → ${spec} (the browser entry imports only browser-safe layers)`);
          continue;
        }
        if (to === "entry" && from !== "node") bad.push(`${relative(ROOT, f)} → ${spec} (only the node entry re-exports the browser entry)`);
        if (to === "entry") continue;
        // A target with no rank (outside contract/ and src/'s folders) counts as above every layer.
        if ((RANK[to] ?? Infinity) > (RANK[from] ?? -Infinity) || FORBIDDEN.some(([a, b]) => a === from && b === to)) bad.push(`${relative(ROOT, f)} (${from}) → ${spec} (${to})`);
      }
    }
    expect(bad).toEqual([]);
  });

  it("browser-safe folders and the browser entry import no Node built-in", () => {
    const bad: string[] = [];
    for (const f of files) {
      if (NODE_ONLY.has(layerOf(f))) continue;
      for (const spec of importSpecifiers(readFileSync(f, "utf8"))) if (isBuiltin(spec)) bad.push(`${relative(ROOT, f)} → ${spec}`);
    }
    expect(bad).toEqual([]);
    // The rule has teeth: the node-only folders do use Node.
    const nodeImports = files.filter((f) => NODE_ONLY.has(layerOf(f))).flatMap((f) => importSpecifiers(readFileSync(f, "utf8"))).filter(isBuiltin);
    expect(nodeImports.length).toBeGreaterThan(0);
  });

  it("the core imports the contract, never the host", () => {
    const bad: string[] = [];
    for (const f of sourceFiles(join(ROOT, "assembly"))) {
      for (const spec of importSpecifiers(readFileSync(f, "utf8"))) {
        const target = relative(ROOT, resolve(dirname(f), spec));
        if (spec.startsWith(".") && !target.startsWith("assembly") && !target.startsWith("contract")) bad.push(`${relative(ROOT, f)} → ${spec}`);
      }
    }
    expect(bad).toEqual([]);
  });
});
