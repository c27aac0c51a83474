/**
 * binary-trees, as the Computer Language Benchmarks Game defines it:
 * a stretch tree of depth N+1 is built, checked and dropped; a long-lived tree
 * of depth N is kept; then for d = 4, 6, … N, 2^(N−d+4) trees of depth d are
 * built bottom-up, checked and dropped. check = the number of nodes.
 *
 * Every node is an engine object with two pointer slots. Construction runs on
 * the goroutine's operand stack: a leaf is pushed, an inner node pops its two
 * children into its fields and is pushed in their place (allocPush), so at no
 * moment does the host hold an unrooted handle. Checking walks the tree
 * through the typed-array view, iteratively, with no allocation.
 *
 * Two knobs go beyond the benchmark, for studying stacks under concurrent
 * marking: the trees of each depth are built round-robin by `goroutines`
 * workers, each of which first calls `stack-depth` frames of 4 slots that
 * point at the long-lived tree (so every stack scan has real work). The
 * output is the same whatever the knobs. Each depth d is one step.
 */
import type { Engine } from "../engine/engine.js";
import type { Params } from "../scenario/scenario.js";
import { stepped } from "../scenario/toolkit.js";
import { bottomUpTree, countNodes } from "./trees.js";

const MIN_DEPTH = 4;

/** Workers for the trees: g itself when there is one and no extra depth, else new goroutines with deep stacks. */
function spawnWorkers(e: Engine, g: number, count: number, depth: number): number[] {
  if (count === 1 && depth === 0) return [g];
  const workers: number[] = [];
  for (let k = 0; k < count; k++) {
    const w = e.spawn("binary-trees.worker");
    for (let f = 0; f < depth; f++) {
      e.pushFrame(w, 4);
      for (let s = 0; s < 4; s++) e.setLocal(w, s, e.peek(g));
    }
    workers.push(w);
  }
  return workers;
}

/** N, but at least MIN_DEPTH + 2, as the benchmark says. */
const maxDepthOf = (p: Params): number => Math.max(MIN_DEPTH + 2, p.depth);

/** What the depths share: the main goroutine (holding the long-lived tree), the workers, the walk stack, the checks so far. */
interface Trees {
  g: number;
  workers: number[];
  site: number;
  maxDepth: number;
  stack: Uint32Array;
  iterations: Record<string, number>;
  checks: Record<string, number>;
  stretchCheck: number;
}

export const binaryTrees = stepped<Trees>({
  name: "binary-trees",
  description: "Benchmarks Game binary-trees: many short-lived trees beside one long-lived tree",
  params: [
    { name: "depth", description: "N: depth of the long-lived tree (the stretch tree is N+1)", type: "int", default: 16, min: 0, max: 24 },
    { name: "goroutines", description: "worker goroutines building the trees round-robin", type: "int", default: 1, min: 1, max: 65_536 },
    { name: "stack-depth", description: "frames of 4 slots each worker holds (pointing at the long-lived tree)", type: "int", default: 0, min: 0, max: 4096 },
  ],
  // One step per depth d = 4, 6, … N.
  steps: (p) => Math.floor((maxDepthOf(p) - MIN_DEPTH) / 2) + 1,
  setup(ctx) {
    const e = ctx.engine;
    const maxDepth = maxDepthOf(ctx.params);
    const stretchDepth = maxDepth + 1;
    const site = e.site("binary-trees.node");
    const g = e.spawn("main");
    // An explicit walk stack: 2 entries per level suffice for a depth-first walk.
    const stack = new Uint32Array(2 * stretchDepth + 2);

    bottomUpTree(e, g, stretchDepth, site);
    const stretchCheck = countNodes(e, e.pop(g), stack);
    ctx.print(`stretch tree of depth ${stretchDepth}\t check: ${stretchCheck}`);

    bottomUpTree(e, g, maxDepth, site); // the long-lived tree stays on g's stack
    const workers = spawnWorkers(e, g, ctx.params.goroutines, ctx.params["stack-depth"]);
    return { g, workers, site, maxDepth, stack, iterations: {}, checks: {}, stretchCheck };
  },
  step(ctx, s, k) {
    const e = ctx.engine;
    const d = MIN_DEPTH + 2 * k;
    const iterations = 2 ** (s.maxDepth - d + MIN_DEPTH);
    let check = 0;
    for (let i = 0; i < iterations; i++) {
      const w = s.workers[i % s.workers.length];
      bottomUpTree(e, w, d, s.site);
      check += countNodes(e, e.pop(w), s.stack);
    }
    s.iterations[d] = iterations;
    s.checks[d] = check;
    ctx.print(`${iterations}\t trees of depth ${d}\t check: ${check}`);
  },
  teardown(ctx, s) {
    const check = countNodes(ctx.engine, ctx.engine.peek(s.g), s.stack);
    ctx.print(`long lived tree of depth ${s.maxDepth}\t check: ${check}`);
    ctx.result({ maxDepth: s.maxDepth, stretchDepth: s.maxDepth + 1, stretchCheck: s.stretchCheck, iterations: s.iterations, checks: s.checks, longLivedCheck: check });
  },
});
