/**
 * The published package as a user gets it: `npm pack` of this checkout,
 * installed into a fresh temporary project without the network, then its
 * `tricolor` command and its "tricolor/node" entry run there — and in a
 * browser: a Vite app built against it, and a plain <script type="module">
 * with no import map, each load the engine from the package's ESM build
 * (dist/browser/tricolor.js, the "browser" condition) and its wasm, then
 * allocate, collect and show stats in Debian's Chromium.
 *
 * The build must exist (npm test builds first); packing skips the "prepare"
 * build so that this test never rewrites dist/ under the other test files.
 *
 * Offline: the npm cache holds the dependencies' tarballs (the project's own
 * install put them there) but no registry metadata, which `npm install
 * --offline` needs to resolve version ranges — it fails with ENOTCACHED. So
 * the temporary project gets a package-lock.json cut from this project's:
 * the entries of tricolor's runtime dependencies (and of vite, the temporary
 * project's one devDependency, pinned in tricolor's so the cache has it), at
 * the same node_modules paths, plus one for the tarball; `npm ci --offline`
 * then reads nothing but the cache.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import ts from "typescript";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { binaryTreesLines } from "./binary-trees-spec.js";
import { launchChromium } from "./browser.js";
import { serveDirectory, serverUrl } from "../src/cli/serve.js";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..");
const NPM = process.platform === "win32" ? "npm.cmd" : "npm";
const NPX = process.platform === "win32" ? "npx.cmd" : "npx";

interface LockEntry {
  version?: string;
  resolved?: string;
  integrity?: string;
  dependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
  [k: string]: unknown;
}
interface PackResult {
  filename: string;
  integrity: string;
  files: { path: string }[];
}

const pkg = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as { name: string; version: string; dependencies: Record<string, string>; devDependencies: Record<string, string>; bin: Record<string, string>; engines: Record<string, string>; license: string };
/** The bundler the browser test builds its app with: tricolor's own pinned devDependency. */
const VITE = { vite: pkg.devDependencies.vite! };
const lock = JSON.parse(readFileSync(join(ROOT, "package-lock.json"), "utf8")) as { packages: Record<string, LockEntry> };

/** Where Node would find `dep` required from the package at lock path `from` ("" = the root). */
function resolveIn(from: string, dep: string): string | undefined {
  for (let dir = from; ; ) {
    const path = `${dir ? `${dir}/` : ""}node_modules/${dep}`;
    if (lock.packages[path]) return path;
    if (!dir) return undefined;
    const i = dir.lastIndexOf("/node_modules/");
    dir = i < 0 ? "" : dir.slice(0, i);
  }
}

/** This project's lock entries for `roots` (tricolor's runtime dependencies, and vite) and theirs, dev flags dropped. */
function lockEntries(roots: Record<string, string>): Record<string, LockEntry> {
  const out: Record<string, LockEntry> = {};
  const visit = (from: string, deps: Record<string, string>) => {
    for (const dep of Object.keys(deps)) {
      const path = resolveIn(from, dep);
      if (path === undefined) throw new Error(`${dep} (needed by ${from || "tricolor"}) is not in package-lock.json`);
      if (out[path]) continue;
      const { dev: _dev, devOptional: _devOptional, peer: _peer, ...entry } = lock.packages[path]!;
      out[path] = entry;
      visit(path, { ...entry.dependencies, ...entry.optionalDependencies });
    }
  };
  visit("", roots);
  return out;
}

let tmp: string;
let app: string;
let packed: PackResult;
let installSeconds: number;

beforeAll(() => {
  tmp = mkdtempSync(join(tmpdir(), "tricolor-pack-"));
  packed = (JSON.parse(execFileSync(NPM, ["pack", "--ignore-scripts", "--json", "--pack-destination", tmp], { cwd: ROOT, encoding: "utf8" })) as PackResult[])[0]!;
  app = join(tmp, "app");
  mkdirSync(app);
  const spec = `file:../${packed.filename}`;
  writeFileSync(join(app, "package.json"), JSON.stringify({ name: "tricolor-user", private: true, type: "module", dependencies: { [pkg.name]: spec }, devDependencies: VITE }, null, 2));
  const tarballEntry = { version: pkg.version, resolved: spec, integrity: packed.integrity, license: pkg.license, dependencies: pkg.dependencies, bin: pkg.bin, engines: pkg.engines };
  const appLock = {
    name: "tricolor-user",
    lockfileVersion: 3,
    requires: true,
    packages: {
      "": { name: "tricolor-user", dependencies: { [pkg.name]: spec }, devDependencies: VITE },
      [`node_modules/${pkg.name}`]: tarballEntry,
      ...lockEntries({ ...pkg.dependencies, ...VITE }),
    },
  };
  writeFileSync(join(app, "package-lock.json"), JSON.stringify(appLock, null, 2));
  const t0 = performance.now();
  execFileSync(NPM, ["ci", "--offline", "--no-audit", "--no-fund", "--loglevel=error"], { cwd: app, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
  installSeconds = (performance.now() - t0) / 1000;
});

afterAll(() => {
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

/** Runs a command in the installed project; npm may not go to the network. */
function inApp(cmd: string, args: string[]) {
  return spawnSync(cmd, args, { cwd: app, encoding: "utf8", env: { ...process.env, npm_config_offline: "true", NO_COLOR: "1" }, timeout: 60_000 });
}

describe("the npm package", () => {
  it("ships the runtime — dist/, both cores, the CLI, docs — and no tests, bench or sources", () => {
    const files = packed.files.map((f) => f.path);
    for (const f of ["package.json", "README.md", "bin/tricolor.js", "build/release.wasm", "build/debug.wasm", "dist/src/index.js", "dist/src/index.d.ts", "dist/src/node/index.js", "dist/src/node/index.d.ts", "dist/src/cli/main.js", "dist/contract/abi.js", "dist/html/page.js", "dist/html/report.css", "dist/browser/tricolor.js", "dist/web/index.html", "docs/json.md", "examples/sessions.js"]) {
      expect(files, f).toContain(f);
    }
    const unwanted = files.filter((f) => /^(tests|bench|src|assembly|scripts|contract|dist\/bench|\.ci)\//.test(f) || f.endsWith(".wat") || f.includes(".stamps"));
    expect(unwanted).toEqual([]);
    // tinybench (bench/) and chart.js (bundled into dist/html/page.js) are build-time only.
    expect(Object.keys(pkg.dependencies)).not.toContain("tinybench");
    expect(Object.keys(pkg.dependencies)).not.toContain("chart.js");
    // The page's worker and its core are in the built page.
    expect(files.some((f) => /^dist\/web\/assets\/worker-[\w-]+\.js$/.test(f))).toBe(true);
    expect(files.some((f) => /^dist\/web\/assets\/release-[\w-]+\.wasm$/.test(f))).toBe(true);
  });

  it("installs offline from the tarball, and `npx tricolor run binary-trees` works there (with --html)", () => {
    expect(installSeconds).toBeLessThan(60);
    const r = inApp(NPX, ["--no-install", "tricolor", "run", "binary-trees", "--depth", "10", "--html", "report.html"]);
    expect(r.status, r.stderr).toBe(0);
    // stderr has the CLI's note of the file it wrote, and no error or warning.
    expect(r.stderr).not.toMatch(/error|warn/i);
    const out = r.stdout.split("\n");
    for (const line of binaryTreesLines(10)) expect(out).toContain(line);
    // The page script and CSS were found in the installed dist/html/.
    expect(readFileSync(join(app, "report.html"), "utf8")).toMatch(/Chart\.js v4/);
  });

  it("`npx tricolor compare` runs its strategies on worker threads from the installed dist/", () => {
    const r = inApp(NPX, ["--no-install", "tricolor", "compare", "binary-trees", "--depth", "6"]);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toContain("── tricolor compare · binary-trees");
  });

  it('`import { loadEngine } from "tricolor/node"` loads the core: allocate, collect, stats', () => {
    const script = `
      import { loadEngine, STRATEGIES } from "tricolor/node";
      const e = await loadEngine({ barrier: "hybrid" });
      const g = e.spawn();
      e.allocPush(g, 1, 16, 0);                         // one object kept on the stack
      for (let i = 0; i < 10000; i++) { e.allocPush(g, 0, 64, 0); e.drop(g); }
      e.collect();
      const s = e.stats();
      console.log(JSON.stringify({ cycles: s.cycles, objectsAllocated: s.objectsAllocated, objectsFreed: s.objectsFreed, strategies: Object.keys(STRATEGIES).length }));
    `;
    writeFileSync(join(app, "use.mjs"), script);
    const r = inApp(process.execPath, ["use.mjs"]);
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
    const stats = JSON.parse(r.stdout) as { cycles: number; objectsAllocated: number; objectsFreed: number; strategies: number };
    expect(stats.cycles).toBeGreaterThanOrEqual(1);
    expect(stats.objectsAllocated).toBe(10001);
    expect(stats.objectsFreed).toBeGreaterThanOrEqual(9000);
    expect(stats.strategies).toBe(5);
  });

  it("its types resolve: the same script as TypeScript type-checks against the installed package", () => {
    const source = `import { loadEngine, type HeapStats } from "tricolor/node";
const e = await loadEngine({ barrier: "hybrid" });
e.collect();
const s: HeapStats = e.stats();
export const cycles: number = s.cycles;
// @ts-expect-error -- real types, not any: a count is no string (an unresolved type would make this line pass)
export const wrong: string = s.cycles;
`;
    writeFileSync(join(app, "use.ts"), source);
    // A TypeScript user of tricolor/node has Node's types: take this project's @types/node.
    const program = ts.createProgram([join(app, "use.ts")], {
      module: ts.ModuleKind.NodeNext, moduleResolution: ts.ModuleResolutionKind.NodeNext, target: ts.ScriptTarget.ES2022,
      strict: true, noEmit: true, skipLibCheck: true, types: ["node"], typeRoots: [join(ROOT, "node_modules/@types")],
    });
    const diagnostics = ts.getPreEmitDiagnostics(program).map((d) => `${d.file?.fileName ?? ""}: ${ts.flattenDiagnosticMessageText(d.messageText, "\n")}`);
    expect(diagnostics).toEqual([]);
    expect(program.getSourceFiles().some((f) => f.fileName.endsWith("node_modules/tricolor/dist/src/node/index.d.ts"))).toBe(true);
  });
});

/** The page a test app shows: the engine allocates, collects and writes its stats into #out. */
const USE_ENGINE = `
  async function useEngine() {
    const e = await loadEngineInBrowser({ barrier: "hybrid" });
    // The class itself, on the same core: Engine.fromUrl with the URL the package resolves.
    const e2 = await Engine.fromUrl(coreUrl(), { barrier: "stw" });
    e2.collect();
    const g = e.spawn();
    e.allocPush(g, 1, 16, 0);
    for (let i = 0; i < 10000; i++) { e.allocPush(g, 0, 64, 0); e.drop(g); }
    e.collect();
    const s = e.stats();
    return { cycles: s.cycles, objectsAllocated: s.objectsAllocated, objectsFreed: s.objectsFreed, strategies: Object.keys(STRATEGIES).length,
      engines: e instanceof Engine && e2 instanceof Engine && e2.stats().cycles === 1 };
  }
`;
const USE_IN_PAGE = `${USE_ENGINE}
  document.getElementById("out").textContent = JSON.stringify(await useEngine());
`;
/** The same in a module Worker the page starts (what the page does with its engine): the worker posts the stats. */
const USE_IN_WORKER = `${USE_ENGINE}
  useEngine().then((s) => self.postMessage(s), (err) => { throw err; });
`;
const IMPORTS = "Engine, coreUrl, loadEngineInBrowser, STRATEGIES";
const PAGE = (script: string) => `<!doctype html><html><head><meta charset="utf-8"><link rel="icon" href="data:,"></head><body><pre id="out">running</pre>${script}</body></html>`;

interface EngineRan { cycles: number; objectsAllocated: number; objectsFreed: number; strategies: number; engines: boolean; worker?: EngineRan }

/** Opens `url` in Chromium and returns what the page wrote into #out, with any request that was not served and any error. */
async function statsFromPage(url: string): Promise<{ stats: EngineRan; failed: string[]; errors: string[] }> {
  const browser = await launchChromium();
  try {
    const page = await browser.newPage();
    const failed: string[] = [];
    const errors: string[] = [];
    page.on("response", (r) => r.status() >= 400 && failed.push(`${r.status()} ${r.url()}`));
    page.on("requestfailed", (r) => failed.push(`failed ${r.url()}`));
    page.on("console", (m) => m.type() === "error" && errors.push(m.text()));
    page.on("pageerror", (e) => errors.push(e.message));
    await page.goto(url);
    await page.waitForFunction(() => document.getElementById("out")?.textContent !== "running", null, { timeout: 30_000 });
    const stats = JSON.parse((await page.textContent("#out"))!) as EngineRan;
    return { stats, failed, errors };
  } finally {
    await browser.close();
  }
}

function expectStats(s: EngineRan): void {
  expect(s.cycles).toBeGreaterThanOrEqual(1);
  expect(s.objectsAllocated).toBe(10001);
  expect(s.objectsFreed).toBeGreaterThanOrEqual(9000);
  expect(s.strategies).toBe(5);
  expect(s.engines).toBe(true);
}

function expectEngineRan(r: Awaited<ReturnType<typeof statsFromPage>>): void {
  expect(r.failed).toEqual([]);
  expect(r.errors).toEqual([]);
  expectStats(r.stats);
}

describe("the npm package in a browser", () => {
  it('a Vite app built against it runs the engine, on the page and in a module Worker: `import { Engine, loadEngineInBrowser } from "tricolor"`, the wasm copied by Vite', async () => {
    const web = join(app, "vite-app");
    mkdirSync(web);
    writeFileSync(join(web, "index.html"), PAGE(`<script type="module" src="./main.js"></script>`));
    writeFileSync(join(web, "main.js"), `import { ${IMPORTS} } from "tricolor";\n${USE_ENGINE}
      const inWorker = new Promise((ok, fail) => {
        const w = new Worker(new URL("./gc-worker.js", import.meta.url), { type: "module" });
        w.onmessage = (ev) => ok(ev.data);
        w.onerror = (ev) => fail(new Error(ev.message || "the worker failed"));
      });
      const stats = await useEngine();
      document.getElementById("out").textContent = JSON.stringify({ ...stats, worker: await inWorker });
    `);
    writeFileSync(join(web, "gc-worker.js"), `import { ${IMPORTS} } from "tricolor";\n${USE_IN_WORKER}`);
    const r = inApp(NPX, ["--no-install", "vite", "build", "vite-app", "--outDir", "dist", "--emptyOutDir", "--logLevel", "warn"]);
    expect(r.status, r.stderr).toBe(0);
    const assets = readdirSync(join(web, "dist", "assets"));
    // The "browser" condition picked the bundled build, and the core came along as a file of its own.
    expect(assets.some((f) => /^release-[\w-]+\.wasm$/.test(f)), assets.join(", ")).toBe(true);
    const js = assets.filter((f) => f.endsWith(".js")).map((f) => readFileSync(join(web, "dist", "assets", f), "utf8")).join("\n");
    expect(js).not.toMatch(/from ?["']@assemblyscript\/loader["']/);
    const server = await serveDirectory(join(web, "dist"), 0);
    try {
      const r = await statsFromPage(serverUrl(server));
      expectEngineRan(r);
      expect(r.stats.worker, "the engine in the app's Worker").toBeDefined();
      expectStats(r.stats.worker!);
    } finally {
      server.close();
    }
  });

  it("a plain <script type=\"module\"> with no import map loads dist/browser/tricolor.js and finds the wasm beside the package", async () => {
    expect(existsSync(join(app, "node_modules", pkg.name, "dist", "browser", "tricolor.js"))).toBe(true);
    writeFileSync(join(app, "plain.html"), PAGE(`<script type="module">import { ${IMPORTS} } from "./node_modules/tricolor/dist/browser/tricolor.js";\n${USE_IN_PAGE}</script>`));
    const server = await serveDirectory(app, 0);
    try {
      expectEngineRan(await statsFromPage(`${serverUrl(server)}plain.html`));
    } finally {
      server.close();
    }
  });
});
