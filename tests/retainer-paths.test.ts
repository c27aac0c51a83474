/**
 * Retainer paths as the memory report prints them (src/analysis/retainer-paths.ts,
 * engine.retainerShape): hand-built heaps whose expected texts are written
 * here by hand; runs of one step collapse to "(× k …)"; two path shapes
 * cluster apart; a 100,000-step chain costs a shape of two entries and a
 * representative path of 2 × PATH_ENDS_KEPT steps, its ends the real ones;
 * the core's shapes equal the step-by-step paths (engine.retainerPath,
 * itself checked against a model in tests/analysis.test.ts) folded into
 * runs, on random chains and on a shape longer than one path block.
 * Heaps are built with GOGC off, so no collection frees a handle held here.
 */
import { describe, expect, test } from "vitest";
import fc from "fast-check";
import type { Engine } from "../src/engine/engine.js";
import type { RetainerStep, ShapeStep } from "../src/engine/analysis.js";
import { cluster, groups, MIN_SAMPLES, PATH_ENDS_KEPT, pathsOf, pathText, shapeKey, spreadOrder, STEP_BUDGET } from "../src/analysis/retainer-paths.js";
import { retainerPathEnds } from "../src/engine/analysis.js";
import { at, BUILDS, engine } from "./helpers.js";

/** global[g] → a `head` object → a chain of `n` `entry` objects linked through field 0; returns the entries, first to last. */
function chain(e: Engine, g: number, n: number, head = "store.head", entry = "store.entry"): number[] {
  const h = e.alloc(1, 0, e.site(head));
  e.setGlobal(g, h);
  const out: number[] = [];
  let prev = h;
  for (let i = 0; i < n; i++) {
    const x = e.alloc(1, 8, e.site(entry));
    e.writeField(prev, 0, x);
    out.push(x);
    prev = x;
  }
  return out;
}

for (const build of BUILDS) {
  describe(`${build}: retainer path texts`, () => {
    test("a chain: 0, 1, 2, 3 and 4 steps through entries, written by hand (2 print both, 3 or more collapse)", async () => {
      const e = await engine({ build, maxHeap: 16 << 20, gogc: "off" });
      const xs = chain(e, 0, 5);
      const text = (h: number) => pathText(e.retainerShape(h)!, "store.entry");
      expect(text(at(xs, 0))).toBe("global[0] → store.head.0 → store.entry");
      expect(text(at(xs, 1))).toBe("global[0] → store.head.0 → store.entry.0 → store.entry");
      expect(text(at(xs, 2))).toBe("global[0] → store.head.0 → store.entry.0 → store.entry.0 → store.entry");
      expect(text(at(xs, 3))).toBe("global[0] → store.head.0 → store.entry.0 → (× 2 store.entry.0) → store.entry");
      expect(text(at(xs, 4))).toBe("global[0] → store.head.0 → store.entry.0 → (× 3 store.entry.0) → store.entry");
      // The shape the core folded: the root slot, the head's field, one run of 4.
      expect(e.retainerShape(at(xs, 4))).toEqual([
        { kind: "global", index: 0, count: 1 },
        { kind: "field", holderSite: e.site("store.head"), holderSiteName: "store.head", field: 0, count: 1 },
        { kind: "field", holderSite: e.site("store.entry"), holderSiteName: "store.entry", field: 0, count: 4 },
      ]);
    });

    test("a tree: three runs of one site with different fields are one group, `site.*`; two are not merged", async () => {
      const e = await engine({ build, maxHeap: 16 << 20, gogc: "off" });
      const t = e.site("t");
      const root = e.alloc(2, 0, t);
      e.setGlobal(1, root);
      const a = e.alloc(2, 0, t);
      e.writeField(root, 0, a); // left
      const b = e.alloc(2, 0, t);
      e.writeField(a, 1, b); // right
      const c = e.alloc(2, 0, t);
      e.writeField(b, 0, c); // left
      const leaf = e.alloc(0, 8, e.site("leaf"));
      e.writeField(c, 1, leaf);
      expect(pathText(e.retainerShape(leaf)!, "leaf")).toBe("global[1] → t.* → (× 3 t.*) → leaf");
      expect(pathText(e.retainerShape(b)!, "t")).toBe("global[1] → t.0 → t.1 → t");
      expect(groups(e.retainerShape(leaf)!).map((g) => g.steps)).toEqual([1, 4]);
    });

    test("a stack root names the goroutine, frame and slot; the shape leaves the goroutine out", async () => {
      const e = await engine({ build, maxHeap: 16 << 20, gogc: "off" });
      const g1 = e.spawn();
      const g2 = e.spawn();
      for (const g of [g1, g2]) {
        e.pushFrame(g, 0);
        e.push(g, 0);
        e.allocPush(g, 0, 8, 0, e.site("req"));
      }
      const r1 = e.peek(g1);
      const r2 = e.peek(g2);
      expect(pathText(e.retainerShape(r1)!, "req")).toBe(`goroutine ${g1} frame 1 slot 1 → req`);
      expect(shapeKey(e.retainerShape(r1)!)).toBe(shapeKey(e.retainerShape(r2)!));
      expect(cluster([{ handle: r1, shape: e.retainerShape(r1)! }, { handle: r2, shape: e.retainerShape(r2)! }]).map((c) => c.objects)).toEqual([2]);
    });

    test("two path shapes cluster apart: three items in a box, two in a bag; most objects first, lowest address represents", async () => {
      const e = await engine({ build, maxHeap: 16 << 20, gogc: "off" });
      const item = e.site("item");
      const box = e.alloc(4, 0, e.site("box"));
      e.setGlobal(2, box);
      const bag = e.alloc(2, 0, e.site("bag"));
      e.setGlobal(3, bag);
      const items: number[] = [];
      for (let i = 0; i < 5; i++) {
        const x = e.alloc(0, 8, item);
        e.writeField(i < 3 ? box : bag, i < 3 ? i : i - 3, x);
        items.push(x);
      }
      const { paths, sampled } = pathsOf(e, items, "item");
      expect(sampled).toBe(5);
      expect(paths.map((p) => [p.text, p.objects, p.length])).toEqual([
        ["global[2] → box.0 → item", 3, 2],
        ["global[3] → bag.0 → item", 2, 2],
      ]);
      expect(at(paths, 0).steps.map((s) => s.target)).toEqual([box, at(items, 0)]);
    });

    test("a 100,000-step chain: a two-entry shape, ends-only representative steps, a sample cut by the step budget", async () => {
      const n = 100_000;
      const e = await engine({ build, maxHeap: 64 << 20, gogc: "off" });
      const g = e.spawn();
      e.allocList(g, n, e.site("list"));
      let last = e.peek(g);
      const nodes = [last];
      for (let i = 1; i < n; i++) { last = e.field(last, 0); nodes.push(last); }
      const shape = e.retainerShape(last)!;
      expect(shape.length).toBe(2);
      expect(pathText(shape, "list")).toBe(`goroutine ${g} frame 0 slot 0 → list.0 → (× 99,998 list.0) → list`);
      const ends = retainerPathEnds(e, last, PATH_ENDS_KEPT)!;
      expect(ends.length).toBe(n);
      expect(ends.steps.length).toBe(2 * PATH_ENDS_KEPT);
      // The first steps are the root and the first nodes; the last end at the object asked about.
      expect(ends.steps.slice(0, 3).map((s) => s.target)).toEqual(nodes.slice(0, 3));
      expect(ends.steps.slice(-3).map((s) => s.target)).toEqual(nodes.slice(-3));
      expect(at(ends.steps, -1).kind).toBe("field");
      // 1,000 nodes from the deep end: the budget stops the sample after ⌈budget / depth⌉ paths at most, and never below MIN_SAMPLES.
      const deep = nodes.slice(-1000);
      const { paths, sampled } = pathsOf(e, deep, "list");
      expect(sampled).toBeGreaterThanOrEqual(MIN_SAMPLES);
      expect(sampled).toBeLessThanOrEqual(Math.max(MIN_SAMPLES, Math.ceil(STEP_BUDGET / (n - 1000)) + 1));
      expect(paths.length).toBe(1);
      expect(at(paths, 0).objects).toBe(sampled);
    });
  });
}

describe("spread order", () => {
  test("bit-reversed: 0 … 7 as 0 4 2 6 1 5 3 7; 5 keeps the ones below 5; every index once", () => {
    expect(spreadOrder(8)).toEqual([0, 4, 2, 6, 1, 5, 3, 7]);
    expect(spreadOrder(5)).toEqual([0, 4, 2, 1, 3]);
    for (const n of [0, 1, 2, 3, 17, 1000]) expect([...spreadOrder(n)].sort((a, b) => a - b)).toEqual(Array.from({ length: n }, (_, i) => i));
  });
});

// ── The core's shapes against the paths it gives step by step ───────────────

/** Folds a step-by-step path (engine.retainerPath, tested in analysis.test.ts) into runs, as a shape should be. */
function fold(path: RetainerStep[]): ShapeStep[] {
  const out: ShapeStep[] = [];
  for (const s of path) {
    const last = out[out.length - 1];
    if (s.kind === "field") {
      if (last?.kind === "field" && last.holderSite === s.holderSite && last.field === s.field) last.count++;
      else out.push({ kind: "field", holderSite: s.holderSite, holderSiteName: s.holderSiteName, field: s.field, count: 1 });
    } else if (s.kind === "stack") out.push({ kind: "stack", goroutine: s.goroutine, frame: s.frame, slot: s.slot, count: 1 });
    else out.push({ kind: s.kind, index: s.index, count: 1 });
  }
  return out;
}

describe("shapes equal the folded step-by-step paths (debug core)", () => {
  test("random chains of random sites and fields, from globals and stacks", async () => {
    await fc.assert(fc.asyncProperty(
      fc.array(fc.record({ site: fc.integer({ min: 0, max: 2 }), field: fc.integer({ min: 0, max: 2 }) }), { minLength: 1, maxLength: 60 }),
      fc.boolean(),
      async (links, onStack) => {
        const e = await engine({ maxHeap: 16 << 20, gogc: "off" });
        const sites = ["p", "q", "r"].map((n) => e.site(n));
        const g = e.spawn();
        const root = e.alloc(3, 0, at(sites, 0));
        if (onStack) e.push(g, root); else e.setGlobal(4, root);
        const objs = [root];
        let prev = root;
        for (const l of links) {
          const x = e.alloc(3, 0, at(sites, l.site));
          e.writeField(prev, l.field, x);
          objs.push(x);
          prev = x;
        }
        for (const h of objs) expect(e.retainerShape(h)).toEqual(fold(e.retainerPath(h)!));
      },
    ), { numRuns: 100 });
  });

  test("a shape of more than one path block of entries (fields alternating over 3,000 steps) is paged in whole", async () => {
    const e = await engine({ maxHeap: 16 << 20, gogc: "off" });
    const t = e.site("t");
    let prev = e.alloc(2, 0, t);
    e.setGlobal(0, prev);
    for (let i = 0; i < 3000; i++) {
      const x = e.alloc(2, 0, t);
      e.writeField(prev, i % 2, x);
      prev = x;
    }
    const shape = e.retainerShape(prev)!;
    expect(shape.length).toBe(3001);
    expect(shape).toEqual(fold(e.retainerPath(prev)!));
    expect(pathText(shape, "t")).toBe("global[0] → t.* → (× 2,999 t.*) → t");
  });
});
