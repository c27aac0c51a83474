/**
 * The heap analysis (assembly/analysis.ts, src/engine/analysis.ts) and the
 * per-site accounting (assembly/sites.ts) against naive references written
 * here:
 *
 *  - dominators and retained sizes: for each reachable object x, the objects
 *    that become unreachable when x is removed are exactly those x dominates;
 *    retained(x) is the sum of their slot bytes; idom(y) is the dominator of
 *    y nearest to it (the one with the smallest such set); a site retains the
 *    union of its objects' sets;
 *  - retainer paths are shortest (their length is the breadth-first distance
 *    from the nearest root) and valid (each step's word really points to the
 *    next object);
 *  - allocated objects and bytes per site, at any time; live per site after
 *    a collection, and at every cycle of a concurrent mark with black
 *    allocation, equal to what the cycle marked.
 *
 * Random graphs (fast-check, debug core): cycles, self-loops, shared
 * subtrees, nil fields, several roots of every kind, unreachable objects,
 * with and without a collection before the analysis. Scale: a 500 k-object
 * heap here; 5 M objects in `npm run bench:analysis` (bench/analysis.ts), not
 * in the test suite.
 */
import { describe, expect, test } from "vitest";
import fc from "fast-check";
import * as abi from "../contract/abi.js";
import type { Engine } from "../src/engine/engine.js";
import { AnalysisOutOfMemoryError, SiteLiveRecorder, SITE_SERIES_CAP, StaleAnalysisError, describeStep, type RetainerStep } from "../src/engine/analysis.js";
import type { Core } from "../src/engine/core.js";
import { InvalidHandleError, OutOfMemoryError } from "../src/engine/errors.js";
import { at, BUILDS, engine, expectThrow, expectVerifyClean } from "./helpers.js";
import { bigHeap } from "../bench/heaps.js";

const SITES = ["s.a", "s.b", "s.c", "s.d"];
const GLOBALS = 6;

// ── Random graphs and the reference ──────────────────────────────────────

interface GraphSpec {
  objects: { ptrs: number; scalar: number; site: number }[];
  edges: { from: number; slot: number; to: number }[];
  globals: { i: number; o: number }[];
  /** Per goroutine, per frame: the values pushed (an object index, or −1 for nil). */
  stacks: number[][][];
  collectFirst: boolean;
  /** Analyse in the middle of a concurrent (hybrid) mark: the analysis must not care, nor disturb it. */
  duringMark: boolean;
}

const graphArb: fc.Arbitrary<GraphSpec> = fc.record({
  objects: fc.array(
    fc.record({
      ptrs: fc.oneof({ weight: 6, arbitrary: fc.integer({ min: 0, max: 3 }) }, { weight: 1, arbitrary: fc.integer({ min: 4, max: 12 }) }),
      scalar: fc.oneof({ weight: 8, arbitrary: fc.integer({ min: 0, max: 48 }) }, { weight: 1, arbitrary: fc.integer({ min: 200, max: 3000 }) },
        { weight: 1, arbitrary: fc.constant(40000) }),
      site: fc.integer({ min: 0, max: SITES.length - 1 }),
    }),
    { minLength: 1, maxLength: 40 },
  ),
  edges: fc.array(fc.record({ from: fc.nat(), slot: fc.nat(), to: fc.nat() }), { maxLength: 90 }),
  globals: fc.array(fc.record({ i: fc.nat({ max: GLOBALS - 1 }), o: fc.integer({ min: -1, max: 1000 }) }), { maxLength: 5 }),
  stacks: fc.array(fc.array(fc.array(fc.integer({ min: -1, max: 1000 }), { maxLength: 4 }), { minLength: 1, maxLength: 3 }), { minLength: 1, maxLength: 3 }),
  collectFirst: fc.boolean(),
  duringMark: fc.boolean(),
});

/** A root of the model: where it is, and the object it holds. */
type ModelRoot = { kind: "global"; index: number; o: number } | { kind: "stack"; g: number; frame: number; slot: number; o: number };

interface Built {
  handles: number[];
  slot: number[];
  site: number[];
  /** at(fields, x)[k]: the object field k points to, or −1. */
  fields: number[][];
  roots: ModelRoot[];
  goroutines: number[];
}

/** Builds the graph in `e`: every object rooted on a scaffold goroutine while it is wired, which then exits. */
function build(e: Engine, spec: GraphSpec): Built {
  const n = spec.objects.length;
  const sites = SITES.map((s) => e.site(s));
  const goroutines = spec.stacks.map(() => e.spawn());
  const scaffold = e.spawn();
  const handles = spec.objects.map((o) => e.allocPush(scaffold, o.ptrs, o.scalar, 0, at(sites, o.site)));
  const fields = spec.objects.map((o) => new Array<number>(o.ptrs).fill(-1));
  for (const { from, slot, to } of spec.edges) {
    const x = from % n;
    if (at(fields, x).length === 0) continue;
    const k = slot % at(fields, x).length;
    const t = to % n;
    e.writeField(at(handles, x), k, at(handles, t));
    at(fields, x)[k] = t;
  }
  const roots: ModelRoot[] = [];
  const globals = new Array<number>(GLOBALS).fill(-1);
  for (const { i, o } of spec.globals) {
    const t = o < 0 ? -1 : o % n;
    e.setGlobal(i, t < 0 ? 0 : at(handles, t));
    globals[i] = t;
  }
  globals.forEach((o, index) => { if (o >= 0) roots.push({ kind: "global", index, o }); });
  spec.stacks.forEach((frames, gi) => {
    const g = at(goroutines, gi);
    frames.forEach((values, frame) => {
      if (frame > 0) e.pushFrame(g, 0);
      values.forEach((o, slot) => {
        const t = o < 0 ? -1 : o % n;
        e.push(g, t < 0 ? 0 : at(handles, t));
        if (t >= 0) roots.push({ kind: "stack", g, frame, slot, o: t });
      });
    });
  });
  e.exit(scaffold);
  return {
    handles,
    slot: spec.objects.map((o) => e.slotBytesFor(o.ptrs, o.scalar)),
    site: spec.objects.map((o) => at(sites, o.site)),
    fields,
    roots,
    goroutines,
  };
}

/** Objects reachable from the roots when object `removed` (−1: none) is taken out. */
function reachable(b: Built, removed: number): Set<number> {
  const seen = new Set<number>();
  const queue: number[] = [];
  for (const r of b.roots) if (r.o !== removed && !seen.has(r.o)) { seen.add(r.o); queue.push(r.o); }
  while (queue.length > 0) {
    const x = queue.shift()!;
    for (const t of at(b.fields, x)) if (t >= 0 && t !== removed && !seen.has(t)) { seen.add(t); queue.push(t); }
  }
  return seen;
}

/** Breadth-first distance from the roots: a root slot is one step, each field one more. */
function distances(b: Built): Map<number, number> {
  const dist = new Map<number, number>();
  const queue: number[] = [];
  for (const r of b.roots) if (!dist.has(r.o)) { dist.set(r.o, 1); queue.push(r.o); }
  while (queue.length > 0) {
    const x = queue.shift()!;
    for (const t of at(b.fields, x)) if (t >= 0 && !dist.has(t)) { dist.set(t, dist.get(x)! + 1); queue.push(t); }
  }
  return dist;
}

interface Reference {
  reach: Set<number>;
  /** dominated[x]: the objects unreachable without x (x included). */
  dominated: Map<number, Set<number>>;
  retained: Map<number, number>;
  idom: Map<number, number>; // −1: the roots
  dist: Map<number, number>;
  edges: number;
  sites: Map<number, { retainedObjects: number; retainedBytes: number; reachableObjects: number; reachableBytes: number }>;
}

function reference(b: Built): Reference {
  const reach = reachable(b, -1);
  const dominated = new Map<number, Set<number>>();
  const retained = new Map<number, number>();
  for (const x of reach) {
    const without = reachable(b, x);
    const d = new Set([...reach].filter((y) => !without.has(y)));
    dominated.set(x, d);
    retained.set(x, [...d].reduce((s, y) => s + at(b.slot, y), 0));
  }
  const idom = new Map<number, number>();
  for (const y of reach) {
    let best = -1;
    for (const x of reach) {
      if (x === y || !dominated.get(x)!.has(y)) continue;
      if (best < 0 || dominated.get(x)!.size < dominated.get(best)!.size) best = x;
    }
    idom.set(y, best);
  }
  let edges = b.roots.length;
  for (const x of reach) edges += at(b.fields, x).filter((t) => t >= 0).length;
  const sites = new Map<number, { retainedObjects: number; retainedBytes: number; reachableObjects: number; reachableBytes: number }>();
  for (const s of new Set([...reach].map((x) => at(b.site, x)))) {
    const mine = [...reach].filter((x) => at(b.site, x) === s);
    const union = new Set<number>();
    for (const x of mine) for (const y of dominated.get(x)!) union.add(y);
    sites.set(s, {
      retainedObjects: union.size,
      retainedBytes: [...union].reduce((t, y) => t + at(b.slot, y), 0),
      reachableObjects: mine.length,
      reachableBytes: mine.reduce((t, y) => t + at(b.slot, y), 0),
    });
  }
  return { reach, dominated, retained, idom, dist: distances(b), edges, sites };
}

/** Checks one retainer path: shortest, starts at a real root, every field step real, ends at the object. */
function checkPath(e: Engine, b: Built, ref: Reference, x: number, path: RetainerStep[]): void {
  const h = at(b.handles, x);
  expect(path.length, `path to object ${x}: ${path.map(describeStep).join(", ")}`).toBe(ref.dist.get(x));
  const root = at(path, 0);
  const rest = path.slice(1);
  const holds = b.roots.filter((r) => at(b.handles, r.o) === root.target);
  if (root.kind === "global") expect(holds.some((r) => r.kind === "global" && r.index === root.index)).toBe(true);
  else if (root.kind === "stack") {
    expect(holds.some((r) => r.kind === "stack" && r.g === root.goroutine && r.frame === root.frame && r.slot === root.slot)).toBe(true);
  } else expect.fail(`a path starts with a ${root.kind} step`);
  let prev = root.target;
  for (const s of rest) {
    expect(s.kind).toBe("field");
    if (s.kind !== "field") return;
    expect(s.holder).toBe(prev);
    expect(e.field(s.holder, s.field)).toBe(s.target);
    expect(s.holderSite).toBe(e.header(s.holder).site);
    prev = s.target;
  }
  expect(prev).toBe(h);
  expect(at(path, path.length - 1).targetSiteName).toBe(e.siteName(at(b.site, x)));
}

async function checkGraph(spec: GraphSpec, core: "debug" | "release" = "debug"): Promise<void> {
  const e = await engine({
    build: core, maxHeap: 16 << 20, gogc: "off", globals: GLOBALS, maxGoroutines: 64, markQueue: 64,
    barrier: spec.duringMark ? "hybrid" : "stw", markQuantum: 16,
  });
  const b = build(e, spec);
  if (spec.collectFirst) e.collect();
  if (spec.duringMark) {
    e.startCycle();
    expect(e.marking).toBe(true);
  }
  const ref = reference(b);
  const dom = e.dominators();
  expect(dom.count).toBe(ref.reach.size);
  expect(dom.info.bytes).toBe([...ref.reach].reduce((s, x) => s + at(b.slot, x), 0));
  expect(dom.info.edges).toBe(ref.edges);
  expect(dom.info.tableBytes).toBe(16 * ref.reach.size + 4 * Math.max(0, dom.info.nonTreeEdges - ref.reach.size));
  expect(dom.info.maxDepth).toBe(Math.max(0, ...ref.dist.values()));
  // The phase times are laps of one clock: none negative, and together no more than the whole.
  const phases = Object.values(dom.info.phaseNs);
  expect(phases.filter((x) => !(x >= 0))).toEqual([]);
  expect(phases.reduce((s, x) => s + x, 0)).toBeLessThanOrEqual(dom.info.ns);
  if (ref.reach.size === 0) expect(dom.info.phaseNs.order + dom.info.phaseNs.retainers).toBe(0);

  for (let x = 0; x < b.handles.length; x++) {
    const h = at(b.handles, x);
    if (ref.reach.has(x)) {
      expect(dom.retainedBytes(h), `retained(${x})`).toBe(ref.retained.get(x));
      const d = ref.idom.get(x)!;
      expect(dom.idom(h), `idom(${x})`).toBe(d < 0 ? 0 : at(b.handles, d));
    } else if (spec.collectFirst) {
      // Freed by the collection (held in quarantine on the debug core): not a handle any more.
      expectThrow(() => dom.retainedBytes(h), InvalidHandleError);
      expectThrow(() => dom.idom(h), InvalidHandleError);
      expectThrow(() => e.retainerPath(h), InvalidHandleError);
    } else {
      expect(dom.retainedBytes(h)).toBe(0);
      expect(dom.idom(h)).toBeNull();
      expect(e.retainerPath(h)).toBeNull();
    }
  }
  // Every reachable object's path (the analysis is reused: nothing changed).
  for (const x of ref.reach) checkPath(e, b, ref, x, e.retainerPath(at(b.handles, x))!);
  expect(dom.fresh).toBe(true);

  const byRank = [...ref.reach].map((x) => ({ handle: at(b.handles, x), retainedBytes: ref.retained.get(x)! }))
    .sort((p, q) => q.retainedBytes - p.retainedBytes || p.handle - q.handle);
  expect(dom.topRetainers(5).map(({ handle, retainedBytes }) => ({ handle, retainedBytes }))).toEqual(byRank.slice(0, 5));
  expect(dom.topRetainers(abi.TOP_MAX).length).toBe(ref.reach.size);

  const sites = Object.fromEntries(dom.siteRetained().map((s) => [s.site, { retainedObjects: s.retainedObjects, retainedBytes: s.retainedBytes,
    reachableObjects: s.reachableObjects, reachableBytes: s.reachableBytes }]));
  expect(sites).toEqual(Object.fromEntries(ref.sites));

  const walked = [...dom.objects()];
  const index = new Map(b.handles.map((h, x) => [h, x]));
  expect(walked.map((o) => o.handle)).toEqual([...ref.reach].map((x) => at(b.handles, x)).sort((p, q) => p - q));
  for (const o of walked) {
    const x = index.get(o.handle)!;
    expect(o.retainedBytes).toBe(ref.retained.get(x));
    expect(o.slotBytes).toBe(at(b.slot, x));
    expect(o.site).toBe(at(b.site, x));
    expect(o.pointers).toBe(at(b.fields, x).length);
    const d = ref.idom.get(x)!;
    expect(o.idom).toBe(d < 0 ? 0 : at(b.handles, d));
  }

  // The analysis changed nothing the collector sees; the engine carries on (a mark in progress too).
  expect(e.marking).toBe(spec.duringMark);
  expectVerifyClean(e);
  expect(dom.fresh).toBe(false); // verify() rewrote the bits the analysis numbers objects by
  expectThrow(() => dom.retainedBytes(at(b.handles, 0)), StaleAnalysisError);
  const g = at(b.goroutines, 0);
  e.allocList(g, 100);
  e.collect();
  expectVerifyClean(e);
  expect(e.dominators().count).toBe(ref.reach.size + 100);
}

describe("dominators, retained sizes and retainer paths against a naive reference", () => {
  test("random graphs with cycles, shared subtrees and many roots (debug core)", async () => {
    await fc.assert(fc.asyncProperty(graphArb, (g) => checkGraph(g)), { numRuns: 220 });
  });

  test("random graphs on the release core", async () => {
    await fc.assert(fc.asyncProperty(graphArb, (g) => checkGraph(g, "release")), { numRuns: 60 });
  });

  test("hand-made shapes: a diamond, a cycle entered twice, a list, a self-loop", async () => {
    const o = (ptrs: number) => ({ ptrs, scalar: 0, site: 0 });
    const shapes: GraphSpec[] = [
      // root → 0 → {1, 2} → 3: 3's idom is 0.
      { objects: [o(2), o(1), o(1), o(0)], edges: [{ from: 0, slot: 0, to: 1 }, { from: 0, slot: 1, to: 2 }, { from: 1, slot: 0, to: 3 }, { from: 2, slot: 0, to: 3 }],
        globals: [{ i: 0, o: 0 }], stacks: [[[]]], collectFirst: false, duringMark: false },
      // Two roots into a ring 0 → 1 → 2 → 0 at 0 and 2: no single object dominates 0 or 2; 1 is dominated by 0.
      { objects: [o(1), o(1), o(1)], edges: [{ from: 0, slot: 0, to: 1 }, { from: 1, slot: 0, to: 2 }, { from: 2, slot: 0, to: 0 }],
        globals: [{ i: 0, o: 0 }], stacks: [[[2]]], collectFirst: false, duringMark: true },
      // A list of 30 with a self-loop at its tail, rooted twice at its head.
      { objects: Array.from({ length: 30 }, () => o(1)), edges: Array.from({ length: 30 }, (_, i) => ({ from: i, slot: 0, to: i === 29 ? 29 : i + 1 })),
        globals: [{ i: 1, o: 0 }], stacks: [[[0], [0, -1]]], collectFirst: true, duringMark: false },
      // A clique of 12 (every node points to every node): 144 edges, far more non-tree edges than objects, so the
      // predecessor lists spill past their table (tableBytes > 16 per object; checkGraph checks the formula).
      { objects: Array.from({ length: 12 }, () => o(12)), edges: Array.from({ length: 144 }, (_, k) => ({ from: k % 12, slot: Math.floor(k / 12), to: Math.floor(k / 12) })),
        globals: [{ i: 2, o: 5 }], stacks: [[[7]]], collectFirst: false, duringMark: false },
    ];
    for (const s of shapes) await checkGraph(s);
  });
});

// ── Per-site accounting ──────────────────────────────────────────────────

const allocsArb = fc.array(
  fc.record({
    site: fc.integer({ min: 0, max: 5 }),
    ptrs: fc.integer({ min: 0, max: 6 }),
    scalar: fc.oneof({ weight: 9, arbitrary: fc.integer({ min: 0, max: 900 }) }, { weight: 1, arbitrary: fc.integer({ min: 32761, max: 70000 }) }),
    keep: fc.boolean(),
    link: fc.boolean(),
  }),
  { minLength: 1, maxLength: 120 },
);

describe("per-site accounting", () => {
  for (const build of BUILDS) {
    test(`${build}: allocated per site is exact at any time; live per site after collect() is the reachable set`, async () => {
      await fc.assert(
        fc.asyncProperty(allocsArb, async (allocs) => {
          const e = await engine({ build, maxHeap: 32 << 20, gogc: 50 });
          const sites = [0, 1, 2, 3, 4, 5].map((i) => e.site(`site${i}`));
          const g = e.spawn();
          const allocated = new Map<number, { objects: number; bytes: number }>();
          const kept: { site: number; slot: number }[] = [];
          let last = 0;
          for (const a of allocs) {
            const h = e.allocPush(g, a.ptrs, a.scalar, 0, at(sites, a.site));
            const slot = e.slotBytesFor(a.ptrs, a.scalar);
            const c = allocated.get(at(sites, a.site)) ?? { objects: 0, bytes: 0 };
            allocated.set(at(sites, a.site), { objects: c.objects + 1, bytes: c.bytes + slot });
            if (a.link && last !== 0 && a.ptrs > 0) e.writeField(h, 0, last); // last is rooted: kept, or on the stack below
            if (a.keep || (a.link && a.ptrs > 0)) {
              kept.push({ site: at(sites, a.site), slot });
              last = h;
            } else {
              e.drop(g, 1);
            }
          }
          const expectAllocated = [...allocated].map(([site, v]) => ({ site, name: e.siteName(site), ...v }))
            .sort((p, q) => q.bytes - p.bytes || p.site - q.site);
          expect(e.sitesAllocated()).toEqual(expectAllocated);
          e.collect();
          const live = new Map<number, { objects: number; bytes: number }>();
          for (const k of kept) {
            const c = live.get(k.site) ?? { objects: 0, bytes: 0 };
            live.set(k.site, { objects: c.objects + 1, bytes: c.bytes + k.slot });
          }
          const snap = e.liveBySite()!;
          expect(snap.cycle).toBe(e.stats().cycles);
          expect(Object.fromEntries(snap.sites.map((s) => [s.site, { objects: s.objects, bytes: s.bytes }]))).toEqual(Object.fromEntries(live));
          const rec = at(e.cycles, e.cycles.length - 1);
          expect(snap.sites.reduce((t, s) => t + s.objects, 0)).toBe(rec.markedObjects);
          expect(snap.sites.reduce((t, s) => t + s.bytes, 0)).toBe(rec.heapMarkedBytes);
          // Allocation counts do not move on a collection.
          expect(e.sitesAllocated()).toEqual(expectAllocated);
        }),
        { numRuns: build === "debug" ? 60 : 100 },
      );
    });
  }

  test("concurrent marks: every cycle's live table adds up to what it marked, objects allocated black included", async () => {
    const e = await engine({ build: "debug", barrier: "hybrid", markQuantum: 64, maxHeap: 64 << 20, gogc: 25 });
    const sites = ["tree", "list", "garbage"].map((s) => e.site(s));
    const checked: number[] = [];
    e.onCycle = (c) => {
      const live = e.liveBySite(c.cycle)!;
      expect(live.cycle).toBe(c.cycle);
      expect(live.sites.reduce((t, s) => t + s.objects, 0)).toBe(c.markedObjects);
      expect(live.sites.reduce((t, s) => t + s.bytes, 0)).toBe(c.heapMarkedBytes);
      checked.push(c.cycle);
    };
    const g = e.spawn();
    for (let round = 0; round < 30; round++) {
      e.startCycle(); // a no-op while a mark is running: the mark goes on at the allocations below
      e.allocTree(g, 6, at(sites, 0));
      e.allocList(g, 500, at(sites, 1));
      for (let i = 0; i < 300; i++) { e.allocPush(g, 1, 24, 0, at(sites, 2)); e.drop(g, 1); }
      if (round % 3 === 2) e.drop(g, 2);
    }
    e.collect();
    expect(checked.length).toBeGreaterThan(3);
    expect(checked).toEqual(e.cycles.map((c) => c.cycle));
    expect(e.cycles.some((c) => c.mutatorUnits > 0)).toBe(true); // some marks ran concurrently with allocation
    // The series holds every site that ever had live objects, one sample per cycle.
    const series = e.liveBySiteSeries();
    expect(series.cycles).toEqual(checked);
    for (const s of series.sites) expect(["tree", "list", "garbage"]).toContain(s.name);
    expect(series.sites.map((s) => s.name)).toEqual(expect.arrayContaining(["tree", "list"]));
    for (const s of series.sites) expect(s.bytes.length).toBe(series.cycles.length);
    expect(e.liveBySite(checked[0])!.cycle).toBe(checked[0]);
    expect(e.liveBySite(10_000)).toBeNull();
  });
});

describe("the per-site live series", () => {
  /** A stand-in core whose live table the test writes: site s holds `live(s, cycle)` objects of 16 bytes. */
  function fakeCore(sites: number) {
    const memory = new WebAssembly.Memory({ initial: 2 });
    const w = new Uint32Array(memory.buffer);
    const core = { memory, siteLiveEnd: () => sites, siteLiveAddress: () => 4096 } as unknown as Core;
    const set = (s: number, objects: number) => {
      w[(4096 + 16 * s) >>> 2] = objects;
      w[(4096 + 16 * s + 8) >>> 2] = 16 * objects;
    };
    return { core, set };
  }

  test("bounded: at most SITE_SERIES_CAP samples, uniformly strided; the latest cycle exact; sites appear when first live", () => {
    const { core, set } = fakeCore(3);
    const r = new SiteLiveRecorder(core, (s) => `site${s}`, "bounded");
    expect(r.at()).toBeNull();
    const cycles = 5000;
    for (let c = 1; c <= cycles; c++) {
      set(0, c);
      set(1, c > 2000 ? 7 : 0); // site 1 is live only from cycle 2001 on
      set(2, 0); // site 2 never is
      r.record(c);
    }
    const all = r.all();
    expect(all.cycles.length).toBeLessThan(SITE_SERIES_CAP);
    expect(all.cycles.length).toBeGreaterThan(SITE_SERIES_CAP / 4);
    const stride = at(all.cycles, 1) - at(all.cycles, 0);
    expect(Number.isInteger(Math.log2(stride))).toBe(true);
    expect(all.cycles.every((c, i) => c === 1 + i * stride)).toBe(true);
    expect(all.sites.map((s) => s.name)).toEqual(["site0", "site1"]);
    for (const s of all.sites) expect(s.objects.length).toBe(all.cycles.length);
    expect(at(all.sites, 0).objects).toEqual(all.cycles);
    expect(at(all.sites, 1).bytes).toEqual(all.cycles.map((c) => (c > 2000 ? 7 * 16 : 0)));
    expect(r.at()).toEqual({ cycle: cycles, sites: [{ site: 0, name: "site0", objects: cycles, bytes: 16 * cycles }, { site: 1, name: "site1", objects: 7, bytes: 112 }] });
    expect(at(r.at(at(all.cycles, 3))!.sites, 0).objects).toBe(at(all.cycles, 3));
    expect(r.at(2)).toBeNull(); // dropped by the striding
  });

  test("all: every cycle kept", () => {
    const { core, set } = fakeCore(1);
    const r = new SiteLiveRecorder(core, (s) => `site${s}`, "all");
    for (let c = 1; c <= 3000; c++) { set(0, c % 5); r.record(c); }
    const all = r.all();
    expect(all.cycles.length).toBe(3000);
    expect(at(all.sites, 0).objects.slice(0, 6)).toEqual([1, 2, 3, 4, 0, 1]);
    expect(r.at(1234)!.sites).toEqual([{ site: 0, name: "site0", objects: 4, bytes: 64 }]);
    expect(r.at(1235)!.sites).toEqual([]);
  });
});

// ── Errors, staleness, memory ────────────────────────────────────────────

describe("analysis errors", () => {
  for (const build of BUILDS) {
    test(`${build}: bad handles are typed errors; a changed heap makes results stale; paths longer than a block`, async () => {
      const e = await engine({ build, maxHeap: 32 << 20 });
      const g = e.spawn();
      e.allocList(g, 3000);
      const head = e.peek(g);
      const dom = e.dominators();
      expect(dom.count).toBe(3000);
      expect(dom.retainedBytes(head)).toBe(3000 * 16);
      for (const bad of [0, 8, head + 4, e.arena().end + 64]) {
        expectThrow(() => dom.idom(bad), InvalidHandleError);
        expectThrow(() => e.retainerPath(bad), InvalidHandleError);
      }
      expectThrow(() => dom.topRetainers(abi.TOP_MAX + 1), Error);
      // The tail is 3000 steps away: three blocks' worth, read back in pieces.
      let tail = head;
      while (e.field(tail, 0) !== 0) tail = e.field(tail, 0);
      const path = e.retainerPath(tail)!;
      expect(path.length).toBe(3000);
      expect(path[0]).toMatchObject({ kind: "stack", goroutine: g, frame: 0, slot: 0, target: head });
      for (let i = 1; i < path.length; i++) {
        const s = at(path, i);
        expect(s.kind === "field" && s.holder === at(path, i - 1).target && s.field === 0).toBe(true);
      }
      expect(at(path, path.length - 1).target).toBe(tail);
      // A store makes the analysis stale; retainerPath reruns it, old Dominators objects stay stale.
      e.writeField(head, 0, 0);
      expectThrow(() => dom.retainedBytes(head), StaleAnalysisError);
      expect(e.retainerPath(tail)).toBeNull();
      expectThrow(() => dom.topRetainers(1), StaleAnalysisError);
      const again = e.dominators();
      expect(again.count).toBe(1);
      expect(again.topRetainers(3)).toEqual([{ handle: head, site: 0, siteName: "(default)", slotBytes: 16, retainedBytes: 16 }]);
    });
  }

  test("an analysis that cannot fit its side tables fails with a typed error and the engine carries on", async () => {
    // Two 1 GiB mark queues (never touched) push the arena up so that little room is left above its limit.
    let e: Engine | null = null;
    for (let heap = 2040; heap >= 1000 && e === null; heap -= 2) {
      try { e = await engine({ build: "release", maxHeap: heap << 20, markQueue: 2 ** 28, gogc: "off" }); } catch { e = null; }
    }
    expect(e).not.toBeNull();
    const eng = e!;
    const limit = eng.arena().base + Math.floor(eng.options.maxHeap / 8192 / 8) * 8 * 8192;
    const room = 2 ** 32 - limit;
    const n = Math.ceil(room / 16) + 1000;
    expect(n).toBeLessThan(4_000_000); // the test stays quick
    const g = eng.spawn();
    eng.allocList(g, n);
    const err = expectThrow(() => eng.dominators(), AnalysisOutOfMemoryError);
    expect(err).toBeInstanceOf(OutOfMemoryError);
    expect(err.code).toBe(abi.E_OUT_OF_MEMORY);
    expect(err.requestedBytes).toBe(16 * n);
    expect(err.message).toMatch(/heap analysis/);
    // Usable afterwards: smaller heaps still analyse, the collector and verifier are unaffected.
    eng.drop(g, 1);
    eng.allocList(g, 1000);
    eng.collect();
    expectVerifyClean(eng);
    expect(eng.dominators().count).toBe(1000);
  });
});

// ── Scale ────────────────────────────────────────────────────────────────


function scaleRun(e: Engine, n: number, treeDepth: number, list: number, ring: number) {
  const rss0 = process.memoryUsage().rss;
  const t0 = performance.now();
  const dom = e.dominators();
  const ms = performance.now() - t0;
  const rss1 = process.memoryUsage().rss;
  expect(dom.count).toBe(n);
  expect(dom.info.tableBytes / n).toBeLessThanOrEqual(16);
  const top = dom.topRetainers(3);
  const tree = 2 ** (treeDepth + 1) - 1;
  // The tree's root retains the tree, a child half of it, a list node the rest of the list; the ring is held by two roots,
  // so none of its nodes retains more than itself.
  const candidates = [tree, (tree - 1) / 2, (tree - 1) / 2, list, list - 1, list - 2].sort((a, b) => b - a);
  expect(top.map((t) => t.retainedBytes)).toEqual(candidates.slice(0, 3).map((k) => 16 * k));
  const site = Object.fromEntries(dom.siteRetained().map((s) => [s.site, s.retainedObjects]));
  expect(site[0]).toBe(tree + list + 1);
  expect(site[1]).toBe(ring - 1);
  return { ms, objectsPerSecond: n / (ms / 1000), tableBytesPerObject: dom.info.tableBytes / n, rssDeltaMiB: (rss1 - rss0) / 2 ** 20, info: dom.info };
}

describe("scale", () => {
  test("500 k objects (release): side tables ≤ 16 bytes per reachable object", async () => {
    const e = await engine({ build: "release", gogc: "off" });
    const depth = 17, list = 200_000, ring = 40_000;
    const { g, n } = bigHeap(e, depth, list, ring, 1); // ring nodes after the first at site 1
    expect(n).toBeGreaterThanOrEqual(500_000);
    const r = scaleRun(e, n, depth, list, ring);
    console.log(`analysis of ${n} objects: ${r.ms.toFixed(0)} ms, ${(r.objectsPerSecond / 1e6).toFixed(2)} M objects/s, ` +
      `${r.tableBytesPerObject.toFixed(2)} B/object of side tables, ${r.info.nonTreeEdges} non-tree edges, RSS +${r.rssDeltaMiB.toFixed(0)} MiB`);
    // Still a working heap.
    e.drop(g, 2); // the ring's first node and the list: the ring stays rooted by its last node, in global 0
    e.collect();
    expectVerifyClean(e);
    expect(e.dominators().count).toBe(2 ** (depth + 1) - 1 + ring);
  });

});
