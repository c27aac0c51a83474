/**
 * The heap analysis at scale: `node dist/bench/analysis.js [objects…]` after
 * `npm run build` (default 500000 and 5000000; BENCH_QUICK=1: 500000 only).
 * Then issue 9's acceptance 7, below the first table (BENCH_QUICK=1 shrinks
 * each heap tenfold): the analysis on the heap `churn --live 5000000` leaves;
 * on the heap of `churn --live 1000000`, tricolor's analysis against memlab's
 * on the .heapsnapshot tricolor exports of it; and the allocation-path cost
 * of the per-site accounting against a core built without it.
 *
 * For each size, a release engine in the default 1 GiB heap holds a
 * complete binary tree (about 80% of the objects), a list, and a doubly
 * linked ring of 1% entered from two roots (so the predecessor lists are not
 * empty); then the full analysis (dominators, retained sizes, per-site
 * unions, breadth-first retainers) runs several times, the heap made stale
 * in between (a yield), and the median wall time is reported with the
 * side-table bytes per object and the growth of the process's RSS.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import memlab from "@memlab/core";
import { loadEngine } from "../src/node/loader.js";
import { Engine } from "../src/engine/engine.js";
import type { AnalysisInfo } from "../src/engine/analysis.js";
import { runScenario } from "../src/run/run.js";
import { churn } from "../src/scenarios/churn.js";
import { writeHeapSnapshotFile } from "../src/node/heapsnapshot.js";
import type { HeapSnapshotSummary } from "../src/report/heapsnapshot.js";
import { packageRoot } from "../src/node/package-root.js";
import { fmtInt, fmtNs, fmtRate, fmtRatio, renderTable, type Line } from "./format.js";
import { bigHeap } from "./heaps.js";

const QUICK = process.env.BENCH_QUICK !== undefined && process.env.BENCH_QUICK !== "" && process.env.BENCH_QUICK !== "0";
const SIZES = process.argv.length > 2 ? process.argv.slice(2).map(Number) : QUICK ? [500_000] : [500_000, 5_000_000];
const RUNS = QUICK ? 3 : 7;

async function one(target: number): Promise<Line> {
  const e = await loadEngine({ build: "release", gogc: "off" });
  let depth = 0;
  while (2 ** (depth + 2) - 1 <= target * 0.8) depth++;
  const tree = 2 ** (depth + 1) - 1;
  const ring = Math.max(2, Math.floor(target / 100));
  bigHeap(e, depth, Math.max(0, target - tree - ring), ring);
  const rss0 = process.memoryUsage().rss;
  const wall: number[] = [];
  let info = e.dominators().info; // first run: grows the region
  const rss1 = process.memoryUsage().rss;
  for (let r = 0; r < RUNS; r++) {
    e.yield(0, 1); // the heap "changed": the next analysis recomputes
    const t0 = performance.now();
    info = e.dominators().info;
    wall.push((performance.now() - t0) * 1e6);
  }
  wall.sort((a, b) => a - b);
  const ns = wall[wall.length >> 1];
  return {
    cells: [
      fmtInt(info.objects), fmtInt(info.nonTreeEdges), fmtNs(ns), fmtNs(wall[0]), fmtRate((info.objects * 1e9) / ns).replace("/s", " obj/s"),
      (info.tableBytes / info.objects).toFixed(2), `${((rss1 - rss0) / 2 ** 20).toFixed(0)} MiB`,
    ],
  };
}

async function main(): Promise<void> {
  const lines: Line[] = [];
  for (const n of SIZES) {
    process.stderr.write(`  … analysis of ${fmtInt(n)} objects\n`);
    lines.push(await one(n));
  }
  console.log(`heap analysis (release core, median of ${RUNS} runs after a first that grows the side-table region)`);
  console.log(renderTable(
    [
      { title: "objects", align: "right" }, { title: "non-tree edges", align: "right" }, { title: "median", align: "right" },
      { title: "min", align: "right" }, { title: "throughput", align: "right" }, { title: "B/object", align: "right" },
      { title: "RSS growth", align: "right" },
    ],
    lines,
  ));
}

// ── Acceptance 7 (issue 9) ──────────────────────────────────────────────────

/** Median of `xs` (sorted copy). */
const median = (xs: readonly number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
const MiB = (b: number) => `${(b / 2 ** 20).toFixed(0)} MiB`;

type Phases = AnalysisInfo["phaseNs"];
type Timed = { ns: number; info: AnalysisInfo; phases: Phases; rssGrowth: number; runs: number; markNs: number; markedObjects: number };

/**
 * Times `runs` analyses of the engine's heap as it is (each made stale first),
 * after one that grows the region; then, for scale, `runs` full collections
 * of the same heap: the collector's own mark of it is one traversal of the
 * graph, the least any dominator computation has to do.
 */
function timeAnalysis(e: Engine, runs: number): Timed {
  const rss0 = process.memoryUsage().rss;
  let info = e.dominators().info;
  const rssGrowth = process.memoryUsage().rss - rss0;
  const infos: AnalysisInfo[] = [];
  for (let r = 0; r < runs; r++) {
    e.yield(0, 1);
    infos.push(e.dominators().info);
  }
  info = infos[infos.length - 1];
  const phases = Object.fromEntries(Object.keys(info.phaseNs).map((k) => [k, median(infos.map((i) => i.phaseNs[k as keyof Phases]))])) as Phases;
  const marks: number[] = [];
  let markedObjects = 0;
  for (let r = 0; r < runs; r++) {
    e.collect();
    const c = e.cycles[e.cycles.length - 1];
    marks.push(c.markNs + c.markTermNs);
    markedObjects = c.markedObjects;
  }
  return { ns: median(infos.map((i) => i.ns)), info, phases, rssGrowth, runs, markNs: median(marks), markedObjects };
}

/** One line per analysis phase, with its share of the whole. */
function phaseLine(t: Timed): string {
  const names: [keyof Phases, string][] = [
    ["reach", "reachable set"], ["order", "DFS + predecessor lists"], ["semi", "semidominators"], ["renumber", "second DFS"],
    ["tree", "idoms, site unions, retained sizes, to address order"], ["retainers", "BFS retainers + object table"],
  ];
  return names.map(([k, name]) => `${name} ${fmtNs(t.phases[k])} (${((100 * t.phases[k]) / t.ns).toFixed(0)}%)`).join(" · ");
}

/** Runs churn with `live` items (default steps: 5 × live) on the release core and calls `atEnd` with its engine when it is over. */
async function churnHeap(live: number, atEnd: (e: Engine) => void): Promise<number> {
  const t0 = performance.now();
  await runScenario(churn, (o) => loadEngine({ ...o, build: "release" }), { params: { live }, onEnd: (e) => atEnd(e) });
  return (performance.now() - t0) * 1e6;
}

/** The core without per-site accounting (assembly/sites.ts SITE_ACCOUNTING), built into a temporary directory. */
function coreWithoutSites(): { module: WebAssembly.Module; dir: string } {
  const dir = mkdtempSync(join(tmpdir(), "tricolor-nosites-"));
  const out = join(dir, "release-nosites.wasm");
  const asc = join(packageRoot(), "node_modules", "assemblyscript", "bin", "asc.js");
  execFileSync(process.execPath, [asc, "assembly/index.ts", "--target", "release", "--use", "TRICOLOR_NO_SITE_ACCOUNTING=1", "--outFile", out], { cwd: packageRoot(), stdio: ["ignore", "ignore", "inherit"] });
  return { module: new WebAssembly.Module(readFileSync(out)), dir };
}

/** ns per object of allocList(n) on a warm heap (the spans exist; collected between rounds), for each core, rounds interleaved. */
function allocCost(cores: { name: string; engine: Engine }[], n: number, rounds: number): Map<string, number[]> {
  const out = new Map(cores.map((c) => [c.name, [] as number[]]));
  const gs = new Map(cores.map((c) => [c.name, c.engine.spawn()]));
  for (const c of cores) { c.engine.allocList(gs.get(c.name)!, n); c.engine.drop(gs.get(c.name)!); c.engine.collect(); }
  for (let r = 0; r < rounds; r++) {
    for (const c of r % 2 === 0 ? cores : [...cores].reverse()) {
      const g = gs.get(c.name)!;
      const t0 = performance.now();
      c.engine.allocList(g, n);
      out.get(c.name)!.push(((performance.now() - t0) * 1e6) / n);
      c.engine.drop(g);
      c.engine.collect();
    }
  }
  return out;
}

/** Timed analyses of the 5 M-item churn heap (each takes seconds). */
const BIG_RUNS = 3;

async function acceptance7(): Promise<void> {
  const big = QUICK ? 500_000 : 5_000_000;
  const mid = QUICK ? 100_000 : 1_000_000;

  // 1. churn --live 1000000: tricolor's analysis, the export, memlab's parse and dominators (first, so memlab's peak RSS is its own).
  process.stderr.write(`  … churn --live ${fmtInt(mid)}, the analysis, --heapsnapshot, then memlab on the file\n`);
  const dir = mkdtempSync(join(tmpdir(), "tricolor-bench-memlab-"));
  const file = join(dir, "churn.heapsnapshot");
  let churnMid!: ReturnType<typeof timeAnalysis>;
  let exportNs = 0;
  let snap!: HeapSnapshotSummary;
  await churnHeap(mid, (e) => {
    churnMid = timeAnalysis(e, RUNS);
    const t0 = performance.now();
    snap = writeHeapSnapshotFile(e, file);
    exportNs = (performance.now() - t0) * 1e6;
  });
  const fileBytes = statSync(file).size;
  memlab.config.muteConsole = true;
  const rss0 = process.memoryUsage().rss;
  const peak0 = process.resourceUsage().maxRSS * 1024;
  let t0 = performance.now();
  const heap = await memlab.utils.getSnapshotFromFile(file, { buildNodeIdIndex: true });
  const parseNs = (performance.now() - t0) * 1e6;
  t0 = performance.now();
  new memlab.TraceFinder().calculateAllNodesRetainedSizes(heap);
  const memlabDomNs = (performance.now() - t0) * 1e6;
  const memlabPeak = process.resourceUsage().maxRSS * 1024;
  const memlabHeld = process.memoryUsage().rss - rss0;
  const rootRetained = Number(heap.nodes.get(0)!.retainedSize);
  const agree = heap.nodes.length === snap.nodes && heap.edges.length === snap.edges && rootRetained === churnMid.info.bytes;
  rmSync(dir, { recursive: true, force: true });

  // 2. The heap churn --live 5000000 leaves.
  process.stderr.write(`  … churn --live ${fmtInt(big)} (default steps), then the analysis ×${BIG_RUNS + 1}\n`);
  let churnBig!: ReturnType<typeof timeAnalysis>;
  const churnNs = await churnHeap(big, (e) => { churnBig = timeAnalysis(e, BIG_RUNS); });

  const rate = (n: number, ns: number) => fmtRate((n * 1e9) / ns).replace("/s", " obj/s");
  const B = (t: AnalysisInfo) => (t.tableBytes / t.objects).toFixed(2);
  console.log(`\nissue 9 acceptance 7: dominators + retained sizes (tricolor: median of ${churnBig.runs} (${fmtInt(big)}) and ${churnMid.runs} (${fmtInt(mid)}) runs after a first; memlab: one run)`);
  console.log(renderTable(
    [
      { title: "heap" }, { title: "objects", align: "right" }, { title: "edges", align: "right" }, { title: "time", align: "right" },
      { title: "throughput", align: "right" }, { title: "memory", align: "right" },
    ],
    [
      { cells: [`tricolor · churn --live ${fmtInt(big)}`, fmtInt(churnBig.info.objects), fmtInt(churnBig.info.edges), fmtNs(churnBig.ns), rate(churnBig.info.objects, churnBig.ns),
        `side tables ${MiB(churnBig.info.tableBytes)} (${B(churnBig.info)} B/object), RSS +${MiB(churnBig.rssGrowth)}`] },
      { cells: [`tricolor · churn --live ${fmtInt(mid)}`, fmtInt(churnMid.info.objects), fmtInt(churnMid.info.edges), fmtNs(churnMid.ns), rate(churnMid.info.objects, churnMid.ns),
        `side tables ${MiB(churnMid.info.tableBytes)} (${B(churnMid.info)} B/object), RSS +${MiB(churnMid.rssGrowth)}`] },
      { cells: ["  --heapsnapshot of it", fmtInt(snap.nodes), fmtInt(snap.edges), fmtNs(exportNs), rate(snap.objects, exportNs), `file ${MiB(fileBytes)}`] },
      { cells: ["memlab · parse that file", fmtInt(heap.nodes.length), fmtInt(heap.edges.length), fmtNs(parseNs), rate(heap.nodes.length, parseNs), ""] },
      { cells: ["memlab · dominators + retained sizes", fmtInt(heap.nodes.length), fmtInt(heap.edges.length), fmtNs(memlabDomNs), rate(heap.nodes.length, memlabDomNs),
        `RSS +${MiB(memlabHeld)} held after parse + analysis, peak +${MiB(Math.max(0, memlabPeak - peak0))}`] },
    ],
  ));
  for (const [name, t] of [[fmtInt(big), churnBig], [fmtInt(mid), churnMid]] as const) {
    console.log(`  churn --live ${name}, where the analysis goes: ${phaseLine(t)}`);
    console.log(`  churn --live ${name}, the collector's full mark of the same heap (collect(), median of ${t.runs}): ${fmtNs(t.markNs)} for ${fmtInt(t.markedObjects)} objects; the analysis takes ${fmtRatio(t.ns / t.markNs)} as long`);
  }
  console.log(`one full mark of the ${fmtInt(mid)} heap / memlab's dominators on it: ${fmtRatio(churnMid.markNs / memlabDomNs)} — a single traversal of the graph, the floor of any dominator computation`);
  console.log(`tricolor / memlab, the same computation on the same heap: ${fmtRatio(churnMid.ns / memlabDomNs)} (goal ≤ 0.1); ` +
    `with memlab's parse counted: ${fmtRatio(churnMid.ns / (parseNs + memlabDomNs))}. ` +
    `Results agree (node and edge counts, the root's retained size): ${agree ? "yes" : "NO"}. churn --live ${fmtInt(big)} ran ${fmtNs(churnNs)} in all.`);

  // 3. The allocation path with and without per-site accounting.
  process.stderr.write("  … allocList on the release core with and without per-site accounting\n");
  const variant = coreWithoutSites();
  const opts = { gogc: "off" as const, maxHeap: 512 << 20 };
  const counted = await loadEngine({ ...opts, build: "release" });
  const uncounted = await Engine.create(variant.module, opts);
  const n = QUICK ? 1 << 19 : 1 << 22;
  const costs = allocCost([{ name: "with", engine: counted }, { name: "without", engine: uncounted }], n, QUICK ? 5 : 15);
  // The variant really counts nothing, the shipped core everything: else the comparison would be void.
  const siteOk = uncounted.sitesAllocated().length === 0 && counted.sitesAllocated().reduce((s, x) => s + x.objects, 0) > 0;
  rmSync(variant.dir, { recursive: true, force: true });
  const w = median(costs.get("with")!);
  const wo = median(costs.get("without")!);
  console.log(`\nallocation path (allocList, 16-byte objects, warm heap, release core, median of ${costs.get("with")!.length} interleaved rounds of ${fmtInt(n)}):`);
  console.log(`  with per-site accounting ${w.toFixed(2)} ns/object · without ${wo.toFixed(2)} ns/object · cost ${(w - wo).toFixed(2)} ns (${((100 * (w - wo)) / wo).toFixed(1)}%)` +
    `${siteOk ? "" : " — WARNING: the variant's site table is not empty, the comparison is void"}`);
  console.log(`  fastest round: with ${Math.min(...costs.get("with")!).toFixed(2)} · without ${Math.min(...costs.get("without")!).toFixed(2)} ns/object`);
  console.log(`  rounds with: ${costs.get("with")!.map((x) => x.toFixed(2)).join(" ")}`);
  console.log(`  rounds without: ${costs.get("without")!.map((x) => x.toFixed(2)).join(" ")}`);
}

main().then(acceptance7).catch((err) => {
  console.error(err);
  process.exit(1);
});
