/**
 * Synthetic heaps for the analysis's scale runs, shared by the benchmark
 * (bench/analysis.ts) and the scale test (tests/analysis.test.ts).
 */
import type { Engine } from "../src/engine/engine.js";

/**
 * A tree, a list and a doubly linked ring entered at two points, on a new
 * goroutine: N objects, non-tree edges ≈ the ring. The ring's first node has
 * site 0, the others `ringSite` (so a test can count them).
 */
export function bigHeap(e: Engine, treeDepth: number, list: number, ring: number, ringSite = 0): { g: number; n: number } {
  const g = e.spawn();
  e.allocTree(g, treeDepth);
  e.allocList(g, list);
  // The ring: each node points to its successor (field 0) and predecessor (field 1).
  const first = e.allocPush(g, 2, 0, 0);
  let prev = first;
  for (let i = 1; i < ring; i++) {
    const h = e.allocPush(g, 2, 0, 0, ringSite);
    e.writeField(prev, 0, h);
    e.writeField(h, 1, prev);
    e.drop(g, 1);
    prev = h;
  }
  e.writeField(prev, 0, first);
  e.writeField(first, 1, prev);
  e.setGlobal(0, prev);
  return { g, n: 2 ** (treeDepth + 1) - 1 + list + ring };
}
