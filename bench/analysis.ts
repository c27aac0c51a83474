/**
 * The heap analysis at scale: `node dist/bench/analysis.js [objects…]` after
 * `npm run build` (default 500000 and 5000000; BENCH_QUICK=1: 500000 only).
 *
 * For each size, a release engine in the default 1 GiB heap holds a
 * complete binary tree (about 80% of the objects), a list, and a doubly
 * linked ring of 1% entered from two roots (so the predecessor lists are not
 * empty); then the full analysis (dominators, retained sizes, per-site
 * unions, breadth-first retainers) runs several times, the heap made stale
 * in between (a yield), and the median wall time is reported with the
 * side-table bytes per object and the growth of the process's RSS.
 */
import { loadEngine } from "../src/node/loader.js";
import { fmtInt, fmtNs, fmtRate, renderTable, type Line } from "./format.js";

const QUICK = process.env.BENCH_QUICK !== undefined && process.env.BENCH_QUICK !== "" && process.env.BENCH_QUICK !== "0";
const SIZES = process.argv.length > 2 ? process.argv.slice(2).map(Number) : QUICK ? [500_000] : [500_000, 5_000_000];
const RUNS = QUICK ? 3 : 7;

async function one(target: number): Promise<Line> {
  const e = await loadEngine({ build: "release", gogc: "off" });
  const g = e.spawn();
  let depth = 0;
  while (2 ** (depth + 2) - 1 <= target * 0.8) depth++;
  const tree = 2 ** (depth + 1) - 1;
  const ring = Math.max(2, Math.floor(target / 100));
  e.allocTree(g, depth);
  e.allocList(g, Math.max(0, target - tree - ring));
  const first = e.allocPush(g, 2, 0, 0);
  let prev = first;
  for (let i = 1; i < ring; i++) {
    const h = e.allocPush(g, 2, 0, 0);
    e.writeField(prev, 0, h);
    e.writeField(h, 1, prev);
    e.drop(g, 1);
    prev = h;
  }
  e.writeField(prev, 0, first);
  e.writeField(first, 1, prev);
  e.setGlobal(0, prev);
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

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
