/**
 * Top retainers (src/analysis/top-retainers.ts): objects of the dominator
 * tree's top level and site groups retaining at least 10% of the live heap.
 * Slot sizes are Go's classes (16, 144, 160 bytes here: tests/helpers.ts
 * has the table), so the shares below are exact fractions worked out by
 * hand: 16 of 160 bytes is exactly 10% (listed), 16 of 176 is 9.09% (not).
 */
import { describe, expect, test } from "vitest";
import type { Engine } from "../src/engine/engine.js";
import { isTopRetainer, topRetainers } from "../src/analysis/top-retainers.js";
import { BUILDS, engine, expectedSlotBytes } from "./helpers.js";

/** global 0 → x (a 16-byte object), global 1 → y (an object of `yScalar` scalar bytes). */
async function twoObjects(build: "debug" | "release", yScalar: number): Promise<{ e: Engine; x: number; y: number }> {
  const e = await engine({ build, maxHeap: 16 << 20, gogc: "off" });
  const x = e.alloc(0, 8, e.site("x"));
  e.setGlobal(0, x);
  const y = e.alloc(0, yScalar, e.site("y"));
  e.setGlobal(1, y);
  return { e, x, y };
}

describe("the 10% boundary, as integers", () => {
  test("retained × 10 ≥ heap: 100 of 1000 is in, 99 of 1000 is out, nothing of an empty heap", () => {
    expect(isTopRetainer(100, 1000)).toBe(true);
    expect(isTopRetainer(99, 1000)).toBe(false);
    expect(isTopRetainer(1, 10)).toBe(true);
    expect(isTopRetainer(0, 0)).toBe(false);
  });
});

for (const build of BUILDS) {
  describe(`${build}: top retainers`, () => {
    test("exactly 10%: x (16 B) beside y (144 B) is listed; paths name the globals", async () => {
      const { e, x, y } = await twoObjects(build, 136);
      expect(expectedSlotBytes(0, 136)).toBe(144);
      const d = e.dominators();
      expect(d.info.bytes).toBe(160);
      const top = topRetainers(e, d);
      expect(top.map((t) => [t.kind, t.name, t.handle, t.retainedBytes, t.fraction, t.path?.text])).toEqual([
        ["object", "y", y, 144, 0.9, "global[1] → y"],
        ["object", "x", x, 16, 0.1, "global[0] → x"],
      ]);
    });

    test("just below: x (16 B) beside y (160 B) is 9.09%: only y", async () => {
      const { e, y } = await twoObjects(build, 152);
      expect(expectedSlotBytes(0, 152)).toBe(160);
      const top = topRetainers(e, e.dominators());
      expect(top.map((t) => [t.kind, t.name, t.handle])).toEqual([["object", "y", y]]);
    });

    test("a chain: only its head object (the rest of the chain is below it), and the entries as a site group", async () => {
      const e = await engine({ build, maxHeap: 16 << 20, gogc: "off" });
      const head = e.alloc(1, 0, e.site("head"));
      e.setGlobal(0, head);
      let prev = head;
      for (let i = 0; i < 50; i++) {
        const x = e.alloc(1, 0, e.site("entry"));
        e.writeField(prev, 0, x);
        prev = x;
      }
      const top = topRetainers(e, e.dominators());
      // 51 objects of 16 bytes: the head retains all 816; the 50 entries together 800 (every entry but the first is below another).
      expect(top.map((t) => [t.kind, t.name, t.retainedBytes])).toEqual([["object", "head", 816], ["site", "entry", 800]]);
      // The group's path: its most common shape, represented by its deepest member (the 50th entry: 49 entry steps).
      expect(top[1]?.path?.text).toBe("global[0] → head.0 → entry.0 → (× 48 entry.0) → entry");
    });
  });
}
