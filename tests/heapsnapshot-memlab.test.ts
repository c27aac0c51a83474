/**
 * --heapsnapshot against memlab (acceptance 2 of issue 9): random heaps
 * (fast-check: cycles, self-loops, shared subtrees, nil fields, large
 * objects, unreachable garbage, several globals and goroutines with several
 * frames each) are exported with writeHeapSnapshot and loaded with
 * @memlab/heap-analysis's getFullHeapFromFile, which parses the file and
 * computes dominators and retained sizes its own way (Lengauer–Tarjan over
 * the snapshot's edges, as Chrome DevTools does). Then:
 *
 *  - memlab's node and edge counts are the snapshot's: the reachable
 *    objects plus the synthetic root tree, their non-nil fields plus the
 *    root slots and the tree's own edges;
 *  - every object node has its handle as id, its site as name, its slot
 *    bytes as self size, and memlab's retained size equals tricolor's
 *    dominators().retainedBytes(handle); memlab's dominator of it is
 *    tricolor's idom (an object), or a synthetic node when only the roots
 *    dominate it;
 *  - every synthetic node's retained size equals a naive reference written
 *    here on the snapshot's own graph: the bytes that become unreachable
 *    from the root when that node is removed.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, test } from "vitest";
import fc from "fast-check";
import { config as memlabConfig } from "@memlab/core";
import { getFullHeapFromFile } from "@memlab/heap-analysis";
import type { Engine } from "../src/engine/engine.js";
import { writeHeapSnapshot } from "../src/report/heapsnapshot.js";
import { at, engine } from "./helpers.js";

memlabConfig.muteConsole = true;
const dir = mkdtempSync(join(tmpdir(), "tricolor-memlab-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const SITES = ["m.a", "m.b", "m.c"];
const GLOBALS = 6;

interface HeapSpec {
  objects: { ptrs: number; scalar: number; site: number }[];
  edges: { from: number; slot: number; to: number }[];
  globals: { i: number; o: number }[];
  /** Per goroutine, per frame: object indices pushed (−1: nil). */
  stacks: number[][][];
  collectFirst: boolean;
}

const heapArb: fc.Arbitrary<HeapSpec> = fc.record({
  objects: fc.array(
    fc.record({
      ptrs: fc.oneof({ weight: 6, arbitrary: fc.integer({ min: 0, max: 3 }) }, { weight: 1, arbitrary: fc.integer({ min: 4, max: 10 }) }),
      scalar: fc.oneof({ weight: 8, arbitrary: fc.integer({ min: 0, max: 48 }) }, { weight: 1, arbitrary: fc.constant(40000) }),
      site: fc.integer({ min: 0, max: SITES.length - 1 }),
    }),
    { minLength: 1, maxLength: 40 },
  ),
  edges: fc.array(fc.record({ from: fc.nat(), slot: fc.nat(), to: fc.nat() }), { maxLength: 90 }),
  globals: fc.array(fc.record({ i: fc.nat({ max: GLOBALS - 1 }), o: fc.integer({ min: -1, max: 1000 }) }), { maxLength: 5 }),
  stacks: fc.array(fc.array(fc.array(fc.integer({ min: -1, max: 1000 }), { maxLength: 4 }), { minLength: 1, maxLength: 3 }), { minLength: 1, maxLength: 4 }),
  collectFirst: fc.boolean(),
});

/** Builds the heap: every object rooted on a scaffold goroutine while it is wired, which then exits (so some may be garbage). */
function build(e: Engine, spec: HeapSpec): void {
  const n = spec.objects.length;
  const sites = SITES.map((s) => e.site(s));
  const goroutines = spec.stacks.map(() => e.spawn());
  const scaffold = e.spawn();
  const handles = spec.objects.map((o) => e.allocPush(scaffold, o.ptrs, o.scalar, 0, at(sites, o.site)));
  for (const { from, slot, to } of spec.edges) {
    const x = at(spec.objects, from % n);
    if (x.ptrs === 0) continue;
    e.writeField(at(handles, from % n), slot % x.ptrs, at(handles, to % n));
  }
  for (const { i, o } of spec.globals) e.setGlobal(i, o < 0 ? 0 : at(handles, o % n));
  spec.stacks.forEach((frames, gi) => {
    const g = at(goroutines, gi);
    frames.forEach((values, frame) => {
      if (frame > 0) e.pushFrame(g, 0);
      for (const o of values) e.push(g, o < 0 ? 0 : at(handles, o % n));
    });
  });
  e.exit(scaffold);
  if (spec.collectFirst) e.collect();
}

/** The snapshot's graph as the test reads it from the JSON: per node, self size and targets (node ordinals). */
function graphOf(snap: { nodes: number[]; edges: number[] }): { self: number[]; out: number[][] } {
  const self: number[] = [];
  const out: number[][] = [];
  let e = 0;
  for (let i = 0; i < snap.nodes.length; i += 7) {
    self.push(at(snap.nodes, i + 3));
    const targets: number[] = [];
    for (let k = 0; k < at(snap.nodes, i + 4); k++, e += 3) targets.push(at(snap.edges, e + 2) / 7);
    out.push(targets);
  }
  return { self, out };
}

/** Naive retained size of node `x`: the bytes no longer reachable from node 0 once `x` is removed (x's own included). */
function naiveRetained(g: { self: number[]; out: number[][] }, x: number): number {
  const seen = new Uint8Array(g.self.length);
  const stack = x === 0 ? [] : [0];
  if (x !== 0) seen[0] = 1;
  while (stack.length > 0) {
    const v = stack.pop()!;
    for (const w of at(g.out, v)) if (w !== x && !seen[w]) { seen[w] = 1; stack.push(w); }
  }
  let lost = 0;
  for (let v = 0; v < g.self.length; v++) if (!seen[v]) lost += at(g.self, v);
  return lost;
}

let fileNo = 0;

describe("heapsnapshot vs memlab on random heaps", () => {
  test("60 heaps: node and edge counts, names, self sizes, dominators and every retained size agree", async () => {
    await fc.assert(
      fc.asyncProperty(heapArb, async (spec) => {
        const e = await engine();
        build(e, spec);
        const chunks: string[] = [];
        const summary = writeHeapSnapshot(e, (c) => chunks.push(c));
        const text = chunks.join("");
        // memlab caches the last file it parsed by name: a new name each time.
        const file = join(dir, `heap-${fileNo++}.heapsnapshot`);
        writeFileSync(file, text);
        const heap = await getFullHeapFromFile(file);
        const d = e.dominators(); // the analysis the snapshot ran, still fresh: nothing changed the heap since
        const info = d.info;
        expect(heap.nodes.length).toBe(summary.nodes);
        expect(heap.edges.length).toBe(summary.edges);
        expect(summary.nodes).toBe(info.objects + summary.syntheticNodes);
        const graph = graphOf(JSON.parse(text));
        let objectNodes = 0;
        heap.nodes.forEach((node, ordinal) => {
          if (node.type === "object") {
            objectNodes++;
            const handle = node.id;
            const header = e.header(handle);
            expect(node.name).toBe(e.siteName(header.site));
            expect(node.self_size).toBe(e.slotBytes(handle));
            // One edge per non-nil pointer field (every one names a reachable object: the heap is sound).
            let fields = 0;
            for (let k = 0; k < header.pointers; k++) if (e.field(handle, k) !== 0) fields++;
            expect(node.edge_count).toBe(fields);
            expect(Number(node.retainedSize)).toBe(d.retainedBytes(handle));
            const idom = d.idom(handle);
            const dom = node.dominatorNode!;
            if (idom === 0) expect(dom.type).toBe("synthetic");
            else expect(dom.id).toBe(idom);
          } else {
            expect(node.type).toBe("synthetic");
            expect(node.self_size).toBe(0);
            expect(Number(node.retainedSize)).toBe(naiveRetained(graph, ordinal));
          }
        });
        expect(objectNodes).toBe(info.objects);
        expect(Number(heap.nodes.get(0)!.retainedSize)).toBe(info.bytes);
      }),
      { numRuns: 60 },
    );
  }, 120_000);
});
