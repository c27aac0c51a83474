/**
 * Deep structures marked without recursion: a 10,000,000-node linked list
 * and a complete binary tree of depth 22 (2^23 − 1 nodes). A recursive
 * marker would overflow the host stack; the counts must be exact and the
 * verifier clean. Work counts (objects scanned, words) are deterministic.
 */
import { describe, expect, test } from "vitest";
import { at, engine, expectedSlotBytes, expectVerifyClean } from "./helpers.js";
import { nodes as treeNodes } from "./binary-trees-spec.js";

const GiB = 2 ** 30;

describe("deep structures", () => {
  for (const build of ["debug", "release"] as const) {
    test(`${build}: a 10,000,000-node list is marked exactly, walked intact, then freed`, async () => {
      const n = 10_000_000;
      const e = await engine({ build, maxHeap: GiB });
      const g = e.spawn();
      e.allocList(g, n);
      const node = expectedSlotBytes(1, 4);
      const s0 = e.stats();
      e.collect();
      const s = e.stats();
      expect(s.markedObjects).toBe(n);
      expect(s.markedBytes).toBe(n * node);
      // Every node scanned exactly once: n objects, each 2 header words + 1 pointer word.
      expect(s.objectsScanned - s0.objectsScanned).toBe(n);
      expect(s.wordsScanned - s0.wordsScanned).toBe(3 * n);
      const v = expectVerifyClean(e);
      expect(v.reachableObjects).toBe(n);
      expect(v.liveObjects).toBe(n);

      // The list is intact: node i holds i in its scalar word, head is node n−1.
      const head = e.peek(g);
      expect(e.getUint32(head, 0)).toBe(n - 1);
      let i = n - 1;
      let p = head;
      const w = e.words();
      while (p !== 0) {
        if (w[(p + 12) >>> 2] !== i) expect.fail(`node ${i} holds ${w[(p + 12) >>> 2]}`);
        p = at(w, (p + 8) >>> 2);
        i--;
      }
      expect(i).toBe(-1);

      e.drop(g, 1);
      e.collect();
      e.sweep();
      const after = e.stats();
      expect(after.markedObjects).toBe(0);
      expect(after.objectsFreed).toBe(n);
      expect(after.heapAllocBytes).toBe(0);
    });
  }

  test("a complete binary tree of depth 22 (8,388,607 nodes) is marked exactly, verify clean", async () => {
    const depth = 22;
    const nodes = treeNodes(depth);
    const e = await engine({ maxHeap: GiB });
    const g = e.spawn();
    e.allocTree(g, depth);
    const s0 = e.stats();
    e.collect();
    const s = e.stats();
    expect(s.markedObjects).toBe(nodes);
    expect(s.markedBytes).toBe(nodes * expectedSlotBytes(2, 0));
    expect(s.objectsScanned - s0.objectsScanned).toBe(nodes);
    expect(s.wordsScanned - s0.wordsScanned).toBe(4 * nodes);
    expect(expectVerifyClean(e).reachableObjects).toBe(nodes);
    // The shape is a complete tree: walking the leftmost path takes depth steps.
    let p = e.peek(g);
    let levels = 0;
    while (e.field(p, 0) !== 0) {
      p = e.field(p, 0);
      levels++;
    }
    expect(levels).toBe(depth);
  });

  test("the same tree in the release build, and a second collection marks the same count", async () => {
    const depth = 21;
    const nodes = treeNodes(depth);
    const e = await engine({ build: "release", maxHeap: GiB });
    const g = e.spawn();
    e.allocTree(g, depth);
    e.collect();
    expect(e.stats().markedObjects).toBe(nodes);
    e.collect();
    expect(e.stats().markedObjects).toBe(nodes);
    expect(expectVerifyClean(e).reachableObjects).toBe(nodes);
  });

  test("depth-first marking: a 1,000,000-node list and a depth-18 tree never overflow a 64-entry grey queue", async () => {
    const e = await engine({ maxHeap: GiB / 4, markQueue: 64 });
    const g = e.spawn();
    e.allocList(g, 1_000_000);
    e.allocTree(g, 18);
    e.collect();
    const s = e.stats();
    expect(s.markedObjects).toBe(1_000_000 + treeNodes(18));
    expect(s.queueOverflows).toBe(0);
    expectVerifyClean(e);
  });

  test("a 2,000,000-node list built from the host (allocPush, one call per node) on a 16-entry queue", async () => {
    const n = 2_000_000;
    const e = await engine({ maxHeap: GiB / 2, markQueue: 16 });
    const g = e.spawn();
    e.allocPush(g, 1, 0, 0);
    for (let i = 1; i < n; i++) e.allocPush(g, 1, 0, 1);
    e.collect();
    expect(e.stats().markedObjects).toBe(n);
    expect(expectVerifyClean(e).reachableObjects).toBe(n);
  });
});
