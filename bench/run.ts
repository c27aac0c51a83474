/**
 * tricolor's benchmark suite: `npm run bench` (full) or `BENCH_QUICK=1 npm run bench` (smoke).
 *
 *   1. allocate      16-byte objects inside wasm (allocList), warm and cold heap,
 *                    and from the host one call pair per object (allocPush + drop)
 *   2. mark          a full STW collect() over a 1M-node tree and a 1M-node list
 *   3. sweep         engine.sweep() after everything was dropped and collected
 *   4. host→wasm     a trivial export, a checked export, the allocPush+drop pair
 *   5. binary-trees  tricolor's scenario vs the plain-JS baseline, same depth
 *
 * Micro-benchmarks (1–4) run under tinybench, each in its own Bench so each
 * can have its own iteration count; one tinybench sample is a batch of
 * `perIter` operations (1 Mi objects or calls), and figures use the median
 * sample. Machines are shared and noisy, so every micro row is also shown as
 * a multiple of the empty host→wasm call measured in the same process, and
 * binary-trees as a multiple of plain JS.
 *
 * Depth for binary-trees: argv[2], else $BENCH_DEPTH, else 21 (16 with BENCH_QUICK=1).
 * BENCH_VERBOSE=1 also prints tinybench's own table for every task.
 */
import { execSync } from "node:child_process";
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { cpus } from "node:os";
import { Bench, type FnOptions } from "tinybench";
import type { Engine } from "../src/engine/engine.js";
import { loadEngine } from "../src/node/loader.js";
import { runScenario } from "../src/run/run.js";
import { binaryTrees } from "../src/scenarios/binary-trees.js";
import { plainBinaryTrees } from "./binary-trees-plain.js";
import { fmtInt, fmtNs, fmtRate, fmtRatio, renderTable, type Line } from "./format.js";

const QUICK = truthy(process.env.BENCH_QUICK);
const VERBOSE = truthy(process.env.BENCH_VERBOSE);
const DEPTH = parseDepth(process.argv[2] ?? process.env.BENCH_DEPTH ?? (QUICK ? "16" : "21"));

/** Objects (or calls) per tinybench sample. */
const N = 1 << 20;
/** allocTree(g, TREE_DEPTH) builds 2^(TREE_DEPTH+1) − 1 = 1,048,575 nodes. */
const TREE_DEPTH = 19;
const TREE_NODES = 2 ** (TREE_DEPTH + 1) - 1;
/** Heap for the micro-benchmark engines: a 1 Mi-object graph is 16 MiB. */
const MICRO_HEAP = 256 << 20;

/** Samples per task: [full, quick]. */
const ITER = {
  allocWarm: QUICK ? 5 : 200,
  allocCold: QUICK ? 2 : 12,
  hostAlloc: QUICK ? 5 : 100,
  calls: QUICK ? 10 : 300,
  mark: QUICK ? 5 : 150,
  sweep: QUICK ? 10 : 200,
};
const WARMUP = QUICK ? 1 : 10;

const TARGET_ALLOC_NS = 10;
const TARGET_MARK_RATE = 50e6;
const TARGET_BT_RATIO = 1.5;

function truthy(v: string | undefined): boolean {
  return v !== undefined && v !== "" && v !== "0" && v.toLowerCase() !== "false";
}

function parseDepth(s: string): number {
  const d = Number(s);
  if (!Number.isInteger(d) || d < 0 || d > 24) {
    console.error(`bench: binary-trees depth must be an integer from 0 to 24, got "${s}"`);
    process.exit(2);
  }
  return d;
}

function progress(msg: string): void {
  process.stderr.write(`  … ${msg}\n`);
}

// ── Measuring ────────────────────────────────────────────────────────────

/** One measured figure: the median cost of one operation. */
interface Figure {
  nsPerOp: number;
  /** Relative margin of error of the mean sample, %. */
  rme: number;
  samples: number;
}

interface TaskSpec {
  name: string;
  /** Operations one call of `fn` performs. */
  perIter: number;
  fn: () => void;
  hooks?: FnOptions;
  iterations: number;
  warmup?: number;
}

/** Runs one task in its own Bench (iteration-bounded, no time budget) and returns its median per-op cost. */
async function measure(spec: TaskSpec): Promise<Figure> {
  progress(spec.name);
  const warmup = spec.warmup ?? WARMUP;
  const bench = new Bench({
    name: spec.name,
    iterations: spec.iterations,
    time: 0,
    warmup: warmup > 0,
    warmupIterations: warmup,
    warmupTime: 0,
    throws: true,
  });
  // async: false, or tinybench calls fn once, unhooked, to find out.
  bench.add(spec.name, spec.fn, { ...spec.hooks, async: false });
  await bench.run();
  if (VERBOSE) console.table(bench.table());
  const [row] = bench.table((task) => {
    const r = task.result;
    if (!("latency" in r)) throw new Error(`${task.name}: ${r.state === "errored" ? r.error.message : r.state}`);
    return {
      nsPerOp: (r.latency.p50 * 1e6) / spec.perIter,
      rme: r.latency.rme,
      samples: r.latency.samplesCount,
    };
  });
  if (row === null) throw new Error(`${spec.name}: no result`);
  return { nsPerOp: Number(row.nsPerOp), rme: Number(row.rme), samples: Number(row.samples) };
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  if (s.length === 0) return NaN;
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

function microEngine(): Promise<Engine> {
  return loadEngine({ build: "release", maxHeap: MICRO_HEAP, gogc: "off" });
}

/** Drops `n` values from g, collects and sweeps: every object is freed and its pages stay mapped. */
function clear(e: Engine, g: number, n: number): void {
  if (n > 0) e.drop(g, n);
  e.collect();
  e.sweep();
}

function assert(cond: boolean, msg: string): void {
  if (!cond) throw new Error(`bench sanity check failed: ${msg}`);
}

// ── 1. allocate ──────────────────────────────────────────────────────────

async function allocWarm(): Promise<Figure> {
  const e = await microEngine();
  const g = e.spawn();
  // Warm: map and touch the pages once; later iterations reuse them from the page heap.
  e.allocList(g, N);
  clear(e, g, 1);
  const before = e.stats().objectsAllocated;
  let runs = 0;
  const f = await measure({
    name: "allocate: allocList in wasm, warm heap",
    perIter: N,
    iterations: ITER.allocWarm,
    fn: () => e.allocList(g, N),
    hooks: { afterEach: () => { runs++; clear(e, g, 1); } },
  });
  const s = e.stats();
  assert(s.objectsAllocated - before === runs * N, `allocList allocated ${s.objectsAllocated - before}, expected ${runs * N}`);
  assert(s.heapMappedBytes < 64 << 20, `warm heap grew to ${s.heapMappedBytes} bytes`);
  return f;
}

async function allocCold(): Promise<Figure> {
  let e: Engine | null = null;
  let g = 0;
  return measure({
    name: "allocate: allocList in wasm, cold (fresh engine)",
    perIter: N,
    iterations: ITER.allocCold,
    warmup: 0,
    fn: () => e!.allocList(g, N),
    hooks: {
      beforeEach: async () => { e = await microEngine(); g = e.spawn(); },
      afterEach: () => { e = null; },
    },
  });
}

async function hostAllocRaw(): Promise<Figure> {
  const e = await microEngine();
  const g = e.spawn();
  const raw = e.raw;
  const site = e.site("bench.host");
  for (let i = 0; i < N; i++) { raw.allocPush(g, site, 1, 4, 0); raw.drop(g, 1); }
  clear(e, g, 0);
  return measure({
    name: "allocate: raw.allocPush + raw.drop from JS",
    perIter: N,
    iterations: ITER.hostAlloc,
    fn: () => {
      for (let i = 0; i < N; i++) {
        if (raw.allocPush(g, site, 1, 4, 0) === 0) throw new Error(`allocPush failed: ${raw.lastErrorCode()}`);
        raw.drop(g, 1);
      }
    },
    hooks: { afterEach: () => clear(e, g, 0) },
  });
}

async function hostAllocWrapped(): Promise<Figure> {
  const e = await microEngine();
  const g = e.spawn();
  const site = e.site("bench.host");
  return measure({
    name: "allocate: Engine.allocPush + Engine.drop from JS",
    perIter: N,
    iterations: ITER.hostAlloc,
    fn: () => {
      for (let i = 0; i < N; i++) { e.allocPush(g, 1, 4, 0, site); e.drop(g, 1); }
    },
    hooks: { afterEach: () => clear(e, g, 0) },
  });
}

// ── 2. mark ──────────────────────────────────────────────────────────────

interface MarkFigures {
  wall: Figure;
  /** Median of the core's own pause records (endNs − startNs), per object. */
  pauseNsPerObject: number;
  pauseSamples: number;
  marked: number;
}

async function mark(kind: "tree" | "list"): Promise<MarkFigures> {
  const e = await microEngine();
  const g = e.spawn();
  if (kind === "tree") e.allocTree(g, TREE_DEPTH);
  else e.allocList(g, N);
  const expected = kind === "tree" ? TREE_NODES : N;
  e.collect();
  const marked = e.stats().markedObjects;
  assert(marked === expected, `${kind}: marked ${marked}, expected ${expected}`);
  const pauses: number[] = [];
  const wall = await measure({
    name: `mark: collect() over a ${fmtInt(expected)}-object ${kind}`,
    perIter: expected,
    iterations: ITER.mark,
    // Sweep first, untimed: collect() would otherwise finish the last cycle's sweep inside the pause.
    fn: () => e.collect(),
    hooks: {
      beforeEach: () => e.sweep(),
      afterEach: (mode) => {
        const p = e.pauses[e.pauses.length - 1];
        if (mode === "run") pauses.push(p.endNs - p.startNs);
      },
    },
  });
  assert(e.stats().markedObjects === expected, `${kind}: marked ${e.stats().markedObjects} after the run`);
  return { wall, pauseNsPerObject: median(pauses) / expected, pauseSamples: pauses.length, marked };
}

// ── 3. sweep ─────────────────────────────────────────────────────────────

async function sweep(kind: "tree" | "list"): Promise<{ fig: Figure; freed: number; spans: number }> {
  const e = await microEngine();
  const g = e.spawn();
  const expected = kind === "tree" ? TREE_NODES : N;
  let freed0 = 0;
  let spans0 = 0;
  const freed: number[] = [];
  const spans: number[] = [];
  const build = () => {
    if (kind === "tree") e.allocTree(g, TREE_DEPTH);
    else e.allocList(g, N);
    e.drop(g, 1);
    // A cycle that marks nothing and leaves its sweep to us: collect() would sweep before returning
    // (runtime.GC() does), so the cycle is started and its mark run to the end at safe points.
    e.startCycle();
    while (e.marking) e.yield(g, 1 << 20);
    const st = e.stats();
    freed0 = st.objectsFreed;
    spans0 = st.spansFreed;
  };
  build(); // warm the heap
  e.sweep();
  const fig = await measure({
    name: `sweep: sweep() of a dead ${fmtInt(expected)}-object ${kind}`,
    perIter: expected,
    iterations: ITER.sweep,
    fn: () => e.sweep(),
    hooks: {
      beforeEach: build,
      afterEach: () => {
        const st = e.stats();
        freed.push(st.objectsFreed - freed0);
        spans.push(st.spansFreed - spans0);
      },
    },
  });
  assert(freed.every((n) => n === expected), `${kind}: sweep freed ${freed.find((n) => n !== expected)}, expected ${expected}`);
  return { fig, freed: expected, spans: median(spans) };
}

// ── 4. host→wasm calls ───────────────────────────────────────────────────

let sink = 0;

async function callTrivial(): Promise<Figure> {
  const e = await microEngine();
  const raw = e.raw;
  return measure({
    name: "call: raw.lastErrorCode()",
    perIter: N,
    iterations: ITER.calls,
    fn: () => {
      let s = 0;
      for (let i = 0; i < N; i++) s += raw.lastErrorCode();
      sink += s;
    },
  });
}

async function callChecked(): Promise<Figure> {
  const e = await microEngine();
  const raw = e.raw;
  const g = e.spawn();
  return measure({
    name: "call: raw.drop(g, 0)",
    perIter: N,
    iterations: ITER.calls,
    fn: () => {
      let s = 0;
      for (let i = 0; i < N; i++) s += raw.drop(g, 0);
      sink += s;
    },
  });
}

/** A JS→JS call of a function V8 cannot see through, for scale. */
async function callJs(): Promise<Figure> {
  const fns = [(x: number) => x + 1, (x: number) => x - 1, (x: number) => x ^ 1];
  let f = fns[0];
  return measure({
    name: "call: JS function (megamorphic, for scale)",
    perIter: N,
    iterations: ITER.calls,
    fn: () => {
      let s = 0;
      for (let i = 0; i < N; i++) s = f(s);
      sink += s;
    },
    hooks: { beforeEach: () => { f = fns[(fns.indexOf(f) + 1) % fns.length]; } },
  });
}

// ── 5. binary-trees ──────────────────────────────────────────────────────

interface TreesResult {
  plainNs: number;
  tricolorNs: number;
  identical: boolean;
  lines: number;
  diff: string[];
  cycles: number;
  pauseTotalNs: number;
  pauseMaxNs: number;
  peakBytes: number;
}

async function binaryTreesPair(depth: number): Promise<TreesResult> {
  progress(`binary-trees depth ${depth}: plain JS`);
  const t0 = performance.now();
  const plain = plainBinaryTrees(depth);
  const plainNs = (performance.now() - t0) * 1e6;
  progress(`binary-trees depth ${depth}: tricolor (release, GOGC=100)`);
  const r = await runScenario(binaryTrees, (o) => loadEngine({ ...o, build: "release" }), { params: { depth }, build: "release" });
  const diff: string[] = [];
  for (let i = 0; i < Math.max(plain.length, r.output.length); i++) {
    if (plain[i] !== r.output[i]) diff.push(`line ${i + 1}: plain ${JSON.stringify(plain[i])} vs tricolor ${JSON.stringify(r.output[i])}`);
  }
  if (r.verify.lostObjects !== 0 || r.verify.integrityErrors !== 0) {
    diff.push(`verifier: ${r.verify.lostObjects} lost objects, ${r.verify.integrityErrors} integrity errors`);
  }
  return {
    plainNs,
    tricolorNs: r.wallNs,
    identical: diff.length === 0,
    lines: plain.length,
    diff,
    cycles: r.gc.cycles,
    pauseTotalNs: r.gc.pauses.totalNs,
    pauseMaxNs: r.gc.pauses.maxNs,
    peakBytes: r.heap.peakBytes,
  };
}

// ── Report ───────────────────────────────────────────────────────────────

function header(): string {
  const wasm = new URL("../../build/release.wasm", import.meta.url);
  let build = "build/release.wasm";
  try {
    const bytes = readFileSync(wasm);
    build += ` (${(bytes.length / 1024).toFixed(1)} KiB, sha256 ${createHash("sha256").update(bytes).digest("hex").slice(0, 12)})`;
  } catch {
    build += " (unreadable)";
  }
  let commit = "unknown";
  try {
    commit = execSync("git rev-parse --short HEAD", { stdio: ["ignore", "pipe", "ignore"] }).toString().trim();
    const dirty = execSync("git status --porcelain --untracked-files=no", { stdio: ["ignore", "pipe", "ignore"] }).toString().trim();
    if (dirty) commit += " + local changes";
  } catch {
    /* not a git checkout */
  }
  const cpu = cpus();
  return [
    `tricolor benchmarks${QUICK ? " — QUICK (smoke run: fewer samples, not for comparison)" : ""}`,
    `node ${process.version} (V8 ${process.versions.v8}) · ${process.platform}/${process.arch} · ${cpu.length}× ${cpu[0]?.model ?? "unknown CPU"}`,
    `date ${new Date().toISOString()} · commit ${commit}`,
    `core ${build} · release build (-O3, noAssert)`,
    `micro: tinybench, ${fmtInt(N)} objects or calls per sample, median sample; ±rme = 95% margin of the mean; GOGC=off unless noted`,
  ].join("\n");
}

const ok = (pass: boolean) => (pass ? "✓" : "✗");

async function main(): Promise<void> {
  const started = performance.now();
  console.error(`tricolor bench${QUICK ? " (quick)" : ""}: binary-trees depth ${DEPTH}`);

  // Baseline first: every micro row is shown relative to it.
  const call = await callTrivial();
  const checked = await callChecked();
  const jsCall = await callJs();
  const warm = await allocWarm();
  const cold = await allocCold();
  const hostRaw = await hostAllocRaw();
  const hostWrapped = await hostAllocWrapped();
  const markTree = await mark("tree");
  const markList = await mark("list");
  const sweepTree = await sweep("tree");
  const sweepList = await sweep("list");
  const microSeconds = (performance.now() - started) / 1e3;
  const trees = await binaryTreesPair(DEPTH);

  const base = call.nsPerOp;
  const rel = (ns: number) => fmtRatio(ns / base);
  const rme = (f: Figure) => `±${f.rme.toFixed(1)}%`;
  const row = (name: string, unit: string, f: Figure, target = ""): Line => ({
    cells: [name, fmtNs(f.nsPerOp), `${fmtRate(1e9 / f.nsPerOp)}`.replace("/s", ` ${unit}/s`), rme(f), String(f.samples), rel(f.nsPerOp), target],
  });
  const markRow = (name: string, m: MarkFigures, target: boolean): Line[] => {
    const rate = 1e9 / m.wall.nsPerOp;
    const pauseRate = 1e9 / m.pauseNsPerObject;
    const t = (r: number) => (target ? `≥ 50 M/s ${ok(r >= TARGET_MARK_RATE)}` : "");
    return [
      row(`${name}: collect() wall`, "obj", m.wall, t(rate)),
      { cells: [`${name}: pause record`, fmtNs(m.pauseNsPerObject), fmtRate(pauseRate).replace("/s", " obj/s"), "", String(m.pauseSamples), rel(m.pauseNsPerObject), t(pauseRate)] },
    ];
  };

  // Sweep works per span (a bitmap copy), not per object: show that cost too.
  const perSpan = (sw: { fig: Figure; freed: number; spans: number }): Line => {
    const ns = (sw.fig.nsPerOp * sw.freed) / sw.spans;
    return { cells: ["  per span", fmtNs(ns), fmtRate(1e9 / ns).replace("/s", " span/s"), "", "", rel(ns), ""] };
  };
  const boundaryNs = hostRaw.nsPerOp - warm.nsPerOp;
  const ratio = trees.tricolorNs / trees.plainNs;
  const lines: Line[] = [
    { heading: "1. allocate — 16-byte objects (1 pointer + 4 scalar bytes), per object" },
    row("in wasm: allocList, warm heap", "obj", warm, `≤ 10 ns ${ok(warm.nsPerOp <= TARGET_ALLOC_NS)}`),
    row("in wasm: allocList, cold (fresh memory)", "obj", cold),
    row("from JS: raw.allocPush + raw.drop", "obj", hostRaw),
    row("from JS: Engine.allocPush + Engine.drop", "obj", hostWrapped),
    { heading: `2. mark — full STW cycle, everything live, per marked object (heap swept beforehand)` },
    ...markRow(`tree depth ${TREE_DEPTH} (${fmtInt(markTree.marked)} obj)`, markTree, true),
    ...markRow(`linked list (${fmtInt(markList.marked)} obj)`, markList, false),
    { heading: "3. sweep — everything dead after collect(), time of sweep(), per freed object" },
    row(`tree (${fmtInt(sweepTree.freed)} obj, ${fmtInt(sweepTree.spans)} spans freed)`, "obj", sweepTree.fig),
    perSpan(sweepTree),
    row(`linked list (${fmtInt(sweepList.freed)} obj, ${fmtInt(sweepList.spans)} spans freed)`, "obj", sweepList.fig),
    perSpan(sweepList),
    { heading: "4. host→wasm boundary, per call" },
    row("raw.lastErrorCode() — empty export (baseline)", "call", call),
    row("raw.drop(g, 0) — checked export", "call", checked),
    row("raw.allocPush + raw.drop pair (as in 1.)", "pair", hostRaw),
    { cells: ["  pair − in-wasm allocation (boundary + checks)", fmtNs(boundaryNs), "", "", "", rel(boundaryNs), ""] },
    row("JS→JS call, for scale (not wasm)", "call", jsCall),
  ];
  const table = renderTable(
    [
      { title: "benchmark" },
      { title: "ns/op", align: "right" },
      { title: "throughput", align: "right" },
      { title: "±rme", align: "right" },
      { title: "n", align: "right" },
      { title: "× empty call", align: "right" },
      { title: "target" },
    ],
    lines,
  );

  const treesTable = renderTable(
    [{ title: `5. binary-trees, depth ${DEPTH}` }, { title: "wall", align: "right" }, { title: "× plain JS", align: "right" }, { title: "target" }],
    [
      { cells: ["plain JS objects (V8 GC)", fmtNs(trees.plainNs), "1.00×", ""] },
      { cells: ["tricolor, release core, GOGC=100", fmtNs(trees.tricolorNs), fmtRatio(ratio), `≤ 1.5× ${ok(ratio <= TARGET_BT_RATIO)}${DEPTH === 21 ? "" : " (target is for depth 21)"}`] },
    ],
  );

  console.log(header());
  console.log();
  console.log(table);
  console.log();
  console.log(treesTable);
  console.log(
    `  tricolor GC: ${trees.cycles} cycles, pauses total ${fmtNs(trees.pauseTotalNs)} (${((100 * trees.pauseTotalNs) / trees.tricolorNs).toFixed(1)}% of wall), max ${fmtNs(trees.pauseMaxNs)}, peak heap ${(trees.peakBytes / 2 ** 20).toFixed(1)} MiB`,
  );
  console.log(`  output: ${trees.identical ? `identical, ${trees.lines} lines ${ok(true)}` : `DIFFERS ${ok(false)}`}`);
  for (const d of trees.diff) console.log(`    ${d}`);
  console.log();
  console.log("targets:");
  console.log(`  ${ok(warm.nsPerOp <= TARGET_ALLOC_NS)} allocate a 16-byte object in wasm ≤ 10 ns: ${fmtNs(warm.nsPerOp)} (warm), ${fmtNs(cold.nsPerOp)} (cold)`);
  const treeRate = 1e9 / markTree.wall.nsPerOp;
  console.log(`  ${ok(treeRate >= TARGET_MARK_RATE)} mark ≥ 50 M objects/s on a 1M-node tree: ${fmtRate(treeRate).replace("/s", " obj/s")} (collect() wall), ${fmtRate(1e9 / markTree.pauseNsPerObject).replace("/s", " obj/s")} (pause)`);
  console.log(`  ${ok(ratio <= TARGET_BT_RATIO)} binary-trees depth ${DEPTH} within 1.5× of plain JS: ${fmtRatio(ratio)}${DEPTH === 21 ? "" : " (target is stated for depth 21)"}`);
  console.log();
  console.log(`micro-benchmarks took ${microSeconds.toFixed(1)} s, total ${((performance.now() - started) / 1e3).toFixed(1)} s`);
  if (!trees.identical) process.exitCode = 1;
}

await main();
