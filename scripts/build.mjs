#!/usr/bin/env node
/**
 * `npm run build`: the build steps, each skipped when its outputs were
 * made from exactly the inputs there are now.
 *
 *   core     assembly/ → build/debug.wasm (assertions on), build/release.wasm (-O3)
 *   ts       src/, contract/, bench/ → dist/ (tsc -p tsconfig.json)
 *   page     src/report/html/page.ts → dist/html/page.js, bundled with Chart.js
 *            by esbuild after tsc -p tsconfig.page.json type-checks it against
 *            the DOM; report.css → dist/html/report.css
 *   browser  src/index.ts → dist/browser/tricolor.js: the browser entry as one
 *            ESM file with its dependencies bundled (esbuild), so a page
 *            imports it with no import map; the wasm stays a file beside it
 *   web      src/web/ → dist/web/: the page `tricolor serve` serves, type-checked
 *            (tsconfig.web.json, tsconfig.worker.json) and built by Vite with
 *            the release core copied in. After core, whose output it copies.
 *            In `npm run build`, not only `build:web`, because the package
 *            ships dist/web: `npx tricolor serve` works from an install.
 *
 * Why a skip: `npm ci` and `npm install` build (the "prepare" script), and
 * `npm test` builds again so that it always tests the sources as they are;
 * on a fresh checkout the second build would redo ~20 s of work for nothing.
 * A step is up to date when a stamp (build/.stamps/STEP.json) holds the hash
 * of its inputs' paths and contents, the versions of its tools and this
 * script, and all its outputs exist. Hashes rather than mtimes: a checkout,
 * a copy or an `npm install` that rewrites package-lock.json changes mtimes
 * without changing what a step would produce, and a deleted source changes
 * the hash (its path is gone) where no mtime would move.
 *
 *   node scripts/build.mjs [STEP…] [--force]
 *
 * Steps run concurrently (the machines here have two cores). A step that
 * fails writes no stamp, so the next build runs it again.
 */
import { spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const STAMPS = join(ROOT, "build", ".stamps");

/** @typedef {{ name: string, inputs: string[], tools: string[], outputs: string[], clean: string[], after?: string[], run: () => Promise<void> }} Step */

/** @type {Step[]} */
const STEPS = [
  {
    name: "core",
    inputs: ["assembly", "contract", "asconfig.json"],
    tools: ["assemblyscript", "binaryen"],
    outputs: ["build/debug.wasm", "build/debug.wat", "build/release.wasm"],
    clean: [],
    run: async () => {
      await tool("assemblyscript", "asc", ["assembly/index.ts", "--target", "debug"]);
      await tool("assemblyscript", "asc", ["assembly/index.ts", "--target", "release"]);
    },
  },
  {
    name: "ts",
    inputs: ["src", "contract", "bench", "tsconfig.json"],
    tools: ["typescript"],
    outputs: ["dist/src/index.js", "dist/src/node/index.js", "dist/src/cli/main.js", "dist/bench/run.js"],
    // A whole rebuild: a source that was deleted or moved leaves no stale output behind.
    // tsc -p is incremental (composite, for the tests project reference): drop its build info with the outputs.
    clean: ["dist/src", "dist/contract", "dist/bench", "dist/tsconfig.tsbuildinfo"],
    run: () => tool("typescript", "tsc", ["-p", "tsconfig.json"]),
  },
  {
    name: "page",
    // The whole folder: whatever page.ts comes to import from beside it is an input.
    inputs: ["src/report/html", "tsconfig.page.json"],
    tools: ["typescript", "esbuild", "chart.js", "@kurkle/color"],
    outputs: ["dist/html/page.js", "dist/html/report.css"],
    clean: ["dist/html"],
    run: async () => {
      await tool("typescript", "tsc", ["-p", "tsconfig.page.json"]);
      await bundlePage();
    },
  },
  {
    name: "browser",
    inputs: ["src", "contract"],
    tools: ["esbuild", "@assemblyscript/loader", "hdr-histogram-js"],
    outputs: ["dist/browser/tricolor.js"],
    clean: ["dist/browser"],
    run: bundleBrowserEntry,
  },
  {
    name: "web",
    after: ["core"],
    inputs: ["src", "contract", "build/release.wasm", "vite.web.config.mjs", "tsconfig.web.json", "tsconfig.worker.json"],
    tools: ["typescript", "vite", "rolldown"],
    outputs: ["dist/web/index.html"],
    clean: ["dist/web"],
    run: async () => {
      await tool("typescript", "tsc", ["-p", "tsconfig.web.json"]);
      await tool("typescript", "tsc", ["-p", "tsconfig.worker.json"]);
      await tool("vite", "vite", ["build", "--config", "vite.web.config.mjs"]);
    },
  },
];

// ─── running tools ─────────────────────────────────────────────────────────

/** Runs package `pkg`'s bin `name` under this Node, output passed through; rejects on a non-zero exit. */
function tool(pkg, name, args) {
  const dir = join(ROOT, "node_modules", pkg);
  const { bin } = JSON.parse(readFileSync(join(dir, "package.json"), "utf8"));
  const script = join(dir, typeof bin === "string" ? bin : bin[name]);
  return new Promise((ok, fail) => {
    const child = spawn(process.execPath, [script, ...args], { cwd: ROOT, stdio: "inherit" });
    child.on("error", fail);
    child.on("exit", (code, signal) => (code === 0 ? ok() : fail(new Error(`${name} ${args.join(" ")} exited with ${signal ?? code}`))));
  });
}

/**
 * The page script as one browser IIFE with the parts of Chart.js it imports
 * (and its licence comments, kept at the end), and the stylesheet minified.
 */
async function bundlePage() {
  const esbuild = await import("esbuild");
  const common = { bundle: true, minify: true, charset: "utf8", logLevel: "warning", absWorkingDir: ROOT };
  await esbuild.build({ ...common, entryPoints: ["src/report/html/page.ts"], outfile: "dist/html/page.js", format: "iife", platform: "browser", target: "es2020", legalComments: "eof" });
  await esbuild.build({ ...common, entryPoints: ["src/report/html/report.css"], outfile: "dist/html/report.css", legalComments: "none" });
}

/**
 * The browser entry with @assemblyscript/loader and hdr-histogram-js inside:
 * no bare import is left, so `<script type="module">` can load it directly.
 * Its `new URL("../../build/…wasm", import.meta.url)` is kept as written (two
 * folders up from dist/browser/ is the package root, as from dist/src/).
 */
async function bundleBrowserEntry() {
  const esbuild = await import("esbuild");
  await esbuild.build({
    absWorkingDir: ROOT, entryPoints: ["src/index.ts"], outfile: "dist/browser/tricolor.js", bundle: true, format: "esm",
    platform: "browser", target: "es2022", charset: "utf8", logLevel: "warning", legalComments: "eof",
  });
}

// ─── stamps ────────────────────────────────────────────────────────────────

/** Every file under `path` (a file or a directory), sorted, as paths relative to the root. */
function filesUnder(path) {
  const abs = join(ROOT, path);
  if (!existsSync(abs)) return [];
  if (!statSync(abs).isDirectory()) return [path];
  return readdirSync(abs)
    .sort()
    .flatMap((name) => filesUnder(join(path, name)));
}

/** A tool's version, from its installed package.json. */
const versionOf = (pkg) => JSON.parse(readFileSync(join(ROOT, "node_modules", pkg, "package.json"), "utf8")).version;

/** The hash of everything a step's outputs depend on. */
function inputHash(step) {
  const h = createHash("sha256");
  h.update(readFileSync(fileURLToPath(import.meta.url)));
  for (const pkg of step.tools) h.update(`\0tool ${pkg}@${versionOf(pkg)}`);
  for (const file of step.inputs.flatMap(filesUnder)) {
    h.update(`\0file ${file}\0`);
    h.update(readFileSync(join(ROOT, file)));
  }
  return h.digest("hex");
}

const stampFile = (step) => join(STAMPS, `${step.name}.json`);

function upToDate(step, hash) {
  if (!step.outputs.every((o) => existsSync(join(ROOT, o)))) return false;
  try {
    return JSON.parse(readFileSync(stampFile(step), "utf8")).hash === hash;
  } catch {
    return false;
  }
}

// ─── main ──────────────────────────────────────────────────────────────────

async function runStep(step, force, running) {
  // A step that uses another's outputs hashes them once that step is done.
  await Promise.all((step.after ?? []).map((name) => running.get(name)).filter(Boolean));
  const hash = inputHash(step);
  if (!force && upToDate(step, hash)) {
    console.log(`build: ${step.name} up to date`);
    return;
  }
  const t0 = performance.now();
  rmSync(stampFile(step), { force: true });
  for (const dir of step.clean) rmSync(join(ROOT, dir), { recursive: true, force: true });
  await step.run();
  mkdirSync(STAMPS, { recursive: true });
  writeFileSync(stampFile(step), `${JSON.stringify({ hash, outputs: step.outputs })}\n`);
  console.log(`build: ${step.name} built in ${((performance.now() - t0) / 1000).toFixed(1)} s (${step.outputs.join(", ")})`);
}

async function main() {
  const args = process.argv.slice(2);
  const force = args.includes("--force") || process.env.TRICOLOR_BUILD_FORCE === "1";
  const names = args.filter((a) => a !== "--force");
  const unknown = names.filter((n) => !STEPS.some((s) => s.name === n));
  if (unknown.length) throw new Error(`unknown build step ${unknown.join(", ")}; steps: ${STEPS.map((s) => s.name).join(", ")}`);
  const steps = names.length ? STEPS.filter((s) => names.includes(s.name)) : STEPS;
  const running = new Map();
  for (const s of steps) running.set(s.name, runStep(s, force, running));
  const results = await Promise.allSettled([...running.values()]);
  const failed = results.flatMap((r, i) => (r.status === "rejected" ? [`${steps[i].name}: ${r.reason.message}`] : []));
  if (failed.length) throw new Error(`build failed — ${failed.join("; ")}`);
}

main().catch((err) => {
  console.error(`build: ${err.message}`);
  process.exit(1);
});
