/**
 * The page heap against a model: a request for n contiguous pages takes the
 * lowest-addressed free run that fits (assembly/pages.ts), reuse of freed
 * pages is counted, and the arena grows only when no free run fits.
 *
 * Objects are either one page (the 8192-byte class: one object per one-page
 * span) or large (a span of their own, whole pages), so the model knows
 * exactly which pages every object occupies. Roots are globals; GOGC is off,
 * so pages are freed only by the collections the test asks for.
 */
import { describe, expect, test } from "vitest";
import fc from "fast-check";
import type { Engine } from "../src/engine/engine.js";
import { at, PAGE, engine, expectVerifyClean } from "./helpers.js";

const GLOBALS = 4096;

interface PageModel {
  e: Engine;
  base: number;
  used: boolean[]; // per mapped page
  objects: Map<number, { global: number; start: number; pages: number }>; // handle → where
  freeGlobals: number[];
  highWater: number;
  reused: number;
}

function firstFit(used: boolean[], n: number): number {
  let run = 0;
  for (let p = 0; p < used.length; p++) {
    run = used[p] ? 0 : run + 1;
    if (run === n) return p - n + 1;
  }
  return -1;
}

/** Where the model expects an n-page span: the lowest fitting run, else the free tail of the arena extended. */
function expectedStart(m: PageModel, n: number): number {
  const p = firstFit(m.used, n);
  if (p >= 0) return p;
  let tail = m.used.length;
  while (tail > 0 && !m.used[tail - 1]) tail--;
  return tail;
}

function allocate(m: PageModel, pages: number): void {
  const e = m.e;
  const start = expectedStart(m, pages);
  const grows = start + pages > m.used.length;
  const mappedBefore = e.stats().heapMappedBytes;
  // One page: the 8192-byte class; more: a large object of exactly that many pages.
  const h = pages === 1 ? e.alloc(0, PAGE - 8) : e.alloc(0, pages * PAGE - 8);
  const global = m.freeGlobals.pop()!;
  e.setGlobal(global, h); // rooted before anything else can allocate
  expect({ pages, page: (h - m.base) / PAGE }).toEqual({ pages, page: start });
  const mapped = e.stats().heapMappedBytes;
  if (grows) expect(mapped).toBeGreaterThan(mappedBefore);
  else expect(mapped).toBe(mappedBefore);
  while (m.used.length < mapped / PAGE) m.used.push(false);
  for (let p = start; p < start + pages; p++) m.used[p] = true;
  m.reused += Math.max(0, Math.min(pages, m.highWater - start));
  m.highWater = Math.max(m.highWater, start + pages);
  m.objects.set(h, { global, start, pages });
}

function free(m: PageModel, handles: number[]): void {
  for (const h of handles) {
    const o = m.objects.get(h)!;
    m.e.setGlobal(o.global, 0);
    m.freeGlobals.push(o.global);
    for (let p = o.start; p < o.start + o.pages; p++) m.used[p] = false;
    m.objects.delete(h);
  }
  m.e.collect();
  m.e.sweep();
}

function check(m: PageModel): void {
  const s = m.e.stats();
  const usedPages = m.used.filter(Boolean).length;
  expect(s.heapMappedBytes).toBe(m.used.length * PAGE);
  expect(s.pagesFree).toBe(m.used.length - usedPages);
  expect(s.pagesReused).toBe(m.reused);
  expect(s.heapAllocBytes).toBe((usedPages - 1) * PAGE); // all but the goroutine's stack page
}

const opArb = fc.oneof(
  { weight: 6, arbitrary: fc.record({ k: fc.constant("alloc" as const), pages: fc.oneof(fc.constant(1), fc.integer({ min: 5, max: 40 }), fc.constantFrom(63, 64, 65, 128, 200)) }) },
  { weight: 2, arbitrary: fc.record({ k: fc.constant("free" as const), picks: fc.array(fc.nat(), { minLength: 1, maxLength: 20 }) }) },
);

describe("page heap", () => {
  test("random allocations and frees (60 programs): every span at the lowest free run, reuse counted, growth only when nothing fits", async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(opArb, { minLength: 5, maxLength: 120, size: "max" }), async (ops) => {
        const e = await engine({ maxHeap: 256 << 20, gogc: "off", globals: GLOBALS, quarantine: false }); // a page-heap model: freed pages are reused at once
        e.spawn(); // its one-page stack is page 0
        const m: PageModel = {
          e,
          base: e.arena().base,
          used: new Array(e.stats().heapMappedBytes / PAGE).fill(false),
          objects: new Map(),
          freeGlobals: Array.from({ length: GLOBALS }, (_, i) => GLOBALS - 1 - i),
          highWater: 1,
          reused: 0,
        };
        m.used[0] = true;
        check(m);
        for (const op of ops) {
          if (op.k === "alloc") {
            if (m.used.filter(Boolean).length + op.pages > 12_000) continue; // stay far from the 32768-page limit
            allocate(m, op.pages);
          } else {
            const live = [...m.objects.keys()];
            if (live.length === 0) continue;
            free(m, [...new Set(op.picks.map((i) => at(live, i % live.length)))]);
          }
          check(m);
        }
        expect(expectVerifyClean(e).reachableObjects).toBe(m.objects.size);
      }),
      { numRuns: 60 },
    );
  });
});
