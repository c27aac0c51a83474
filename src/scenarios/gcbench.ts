/**
 * gcbench: John Ellis and Pete Kovac's GCBench, in Hans Boehm's version, the
 * classic collector benchmark (https://hboehm.info/gc/gc_bench/).
 *
 *   1. A stretch tree of depth 18 is built bottom-up and dropped.
 *   2. A long-lived tree of depth 16 is built top-down and kept.
 *   3. A long-lived array of 500000 doubles is allocated (one large scalar
 *      object) and half filled: array[i] = 1.0/i for i < 250000.
 *   4. For d = 4, 6, … 16, NumIters(d) = 2·TreeSize(18)/TreeSize(d) trees of
 *      depth d are built top-down (Populate: allocate a node, then its
 *      children into its fields, recursively) and dropped, then as many
 *      bottom-up (MakeTree: children first, then the node that holds them).
 *      TreeSize(i) = 2^(i+1) − 1, so every depth allocates about the same
 *      number of nodes: 2·TreeSize(18) ≈ 1 Mi nodes each way.
 *   5. The long-lived tree and array must still be there: the tree has all
 *      its TreeSize(16) nodes and array[1000] == 1.0/1000.
 *
 * A Node is the benchmark's { left, right, i, j }: two pointer slots and 8
 * scalar bytes. Nothing is held unrooted: the long-lived tree and the array
 * sit on the main goroutine's stack, a tree under construction is built on
 * top of them (Populate fills the node on top of the stack; MakeTree pops two
 * children into a new node with allocPush). The output is the original's,
 * less its timings, so the lines are the same on every run. Each depth d of
 * step 4 is one scenario step.
 */
import type { Engine } from "../engine/engine.js";
import type { ScenarioContext } from "../scenario/scenario.js";
import { heapFor, stepped } from "../scenario/toolkit.js";
import { bottomUpTree, countNodes } from "./trees.js";

/** The Node's int fields i and j. */
const NODE_SCALAR = 8;

export const treeSize = (i: number): number => 2 ** (i + 1) - 1;
/** Trees of depth `d` built each way for a stretch depth `stretch` (integer division, as in Java). */
export const numIters = (d: number, stretch: number): number => Math.floor((2 * treeSize(stretch)) / treeSize(d));

/** Populate(depth, node): the node is on top of g's stack and stays there. */
function populate(e: Engine, g: number, depth: number, site: number): void {
  if (depth <= 0) return;
  depth--;
  // thisNode.left = new Node(); thisNode.right = new Node();
  const left = e.allocPush(g, 2, NODE_SCALAR, 0, site);
  e.writeField(e.peek(g, 1), 0, left);
  e.drop(g);
  const right = e.allocPush(g, 2, NODE_SCALAR, 0, site);
  e.writeField(e.peek(g, 1), 1, right);
  e.drop(g);
  // Populate(iDepth, thisNode.left); Populate(iDepth, thisNode.right);
  e.push(g, e.field(e.peek(g), 0));
  populate(e, g, depth, site);
  e.drop(g);
  e.push(g, e.field(e.peek(g), 1));
  populate(e, g, depth, site);
  e.drop(g);
}

/** Slot bytes of a Node (8-byte header + two pointers + i, j = 24 bytes, in the 32-byte size class), for sizing the heap. */
const NODE_BYTES = 32;

/** The index the final check reads: 1000, or the last filled element of a smaller array. */
export const checkIndex = (arraySize: number): number => Math.max(0, Math.min(1000, Math.floor(arraySize / 2) - 1));

/** GCBench's own estimate of peak live storage: the long-lived tree twice over, and the array. */
const livePeakBytes = (e: Engine, longLived: number, arraySize: number): number => 2 * e.slotBytesFor(2, NODE_SCALAR) * treeSize(longLived) + 8 * arraySize;

/** What the depths share: the goroutine holding the long-lived data, the node site, the iterations per depth. */
interface Bench {
  g: number;
  site: number;
  iterations: Record<string, number>;
}

/** Steps 1–3: the stretch tree, then the long-lived tree and array on g's stack (tree in slot 0, array in slot 1). */
function buildLongLived(ctx: ScenarioContext, g: number, site: number): void {
  const e = ctx.engine;
  const p = ctx.params;
  const longLived = p["long-lived"];
  const arraySize = p.array;
  ctx.print("Garbage Collector Test");
  ctx.print(` Live storage will peak at ${livePeakBytes(e, longLived, arraySize)} bytes.`);
  ctx.print(` Stretching memory with a binary tree of depth ${p.stretch}`);
  bottomUpTree(e, g, p.stretch, site, NODE_SCALAR); // tempTree = MakeTree(kStretchTreeDepth)
  e.drop(g); // tempTree = null

  ctx.print(` Creating a long-lived binary tree of depth ${longLived}`);
  e.allocPush(g, 2, NODE_SCALAR, 0, site); // longLivedTree = new Node(): stack slot 0
  populate(e, g, longLived, site);

  ctx.print(` Creating a long-lived array of ${arraySize} doubles`);
  const array = e.allocPush(g, 0, 8 * arraySize, 0, e.site("gcbench.array")); // stack slot 1
  for (let i = 0; i < arraySize / 2; i++) e.setFloat64(array, 8 * i, 1.0 / i); // no allocation in the loop
}

export const gcbench = stepped<Bench>({
  name: "gcbench",
  description: "Ellis/Kovac/Boehm GCBench: top-down and bottom-up trees beside a long-lived tree and array",
  params: [
    { name: "stretch", description: "depth of the stretch tree; iterations are 2·TreeSize(stretch)/TreeSize(d)", type: "int", default: 18, min: 1, max: 23 },
    { name: "long-lived", description: "depth of the long-lived tree (built top-down)", type: "int", default: 16, min: 0, max: 22 },
    { name: "array", description: "doubles in the long-lived array (one large scalar object, half filled)", type: "int", default: 500_000, min: 2, max: 100_000_000 },
    { name: "min-depth", description: "smallest depth of the short-lived trees", type: "int", default: 4, min: 0, max: 22 },
    { name: "max-depth", description: "largest depth of the short-lived trees (step 2)", type: "int", default: 16, min: 0, max: 22 },
  ],
  // Peak live: the stretch tree or a short-lived tree, beside the long-lived data.
  engineOptions: (p) => heapFor(NODE_BYTES * (Math.max(treeSize(p.stretch), treeSize(p["max-depth"])) + treeSize(p["long-lived"])) + 8 * p.array),
  // One step per depth d = min-depth, min-depth + 2, … max-depth.
  steps: (p) => Math.max(0, Math.floor((p["max-depth"] - p["min-depth"]) / 2) + 1),
  setup(ctx) {
    const e = ctx.engine;
    const site = e.site("gcbench.node");
    const g = e.spawn();
    buildLongLived(ctx, g, site);
    return { g, site, iterations: {} };
  },
  step(ctx, s, k) {
    const e = ctx.engine;
    const { g, site } = s;
    const d = ctx.params["min-depth"] + 2 * k;
    const iters = numIters(d, ctx.params.stretch);
    ctx.print(`Creating ${iters} trees of depth ${d}`);
    for (let i = 0; i < iters; i++) {
      e.allocPush(g, 2, NODE_SCALAR, 0, site); // tempTree = new Node()
      populate(e, g, d, site);
      e.drop(g); // tempTree = null
    }
    ctx.print("\tTop down construction");
    for (let i = 0; i < iters; i++) {
      bottomUpTree(e, g, d, site, NODE_SCALAR);
      e.drop(g);
    }
    ctx.print("\tBottom up construction");
    s.iterations[d] = iters;
  },
  teardown(ctx, s) {
    const e = ctx.engine;
    const p = ctx.params;
    const longLived = p["long-lived"];
    const k = checkIndex(p.array);
    const nodes = countNodes(e, e.peek(s.g, 1), new Uint32Array(2 * longLived + 4));
    const value = e.getFloat64(e.peek(s.g, 0), 8 * k);
    if (nodes !== treeSize(longLived) || value !== 1.0 / k) {
      ctx.print("Failed");
      throw new Error(`gcbench: long-lived data damaged: tree has ${nodes} of ${treeSize(longLived)} nodes, array[${k}] = ${value}`);
    }
    ctx.print(` Long-lived tree of depth ${longLived} still alive: ${nodes} nodes`);
    ctx.print(` Long-lived array still alive: array[${k}] == 1.0/${k}`);
    ctx.result({
      stretchDepth: p.stretch,
      longLivedDepth: longLived,
      arrayLength: p.array,
      livePeakBytes: livePeakBytes(e, longLived, p.array),
      iterations: s.iterations,
      longLivedNodes: nodes,
      arrayIndex: k,
    });
    // main has not returned: the long-lived tree and array stay live to the end of the run.
  },
});
