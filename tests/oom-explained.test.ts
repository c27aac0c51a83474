/**
 * Out of memory, explained: fragmentation measured on heaps built slot by
 * slot (so the free slots per size class and the free page runs are known
 * exactly), an out-of-memory error on a heap whose every other page was
 * freed (enough free bytes, no two contiguous pages), sizes below 1 KiB in
 * bytes, the acceptance run (leaky-cache at 4 MiB), and the engine going on
 * after each.
 */
import { describe, expect, it } from "vitest";
import { engine, expectThrow, expectVerifyClean, at } from "./helpers.js";
import { loadEngine } from "../src/node/loader.js";
import { OutOfMemoryError } from "../src/engine/errors.js";
import { formatBytes } from "../src/metrics/format.js";
import { runScenario, ScenarioError } from "../src/run/run.js";
import { leakyCache } from "../src/scenarios/leaky-cache.js";
import { oomFinding } from "../src/analysis/oom.js";
import { memoryReport } from "../src/report/memory.js";
import { runFindings } from "../src/analysis/index.js";
import { BUILDS } from "./helpers.js";

const PAGE = 8192;

describe("fragmentation, hand-built", () => {
  for (const build of BUILDS) {
    it(`${build}: 340 objects of 48 B fill two spans of 170; freeing 10 of the first and 30 of the second leaves 40 free slots in 2 part-filled spans`, async () => {
      // No quarantine: a freed slot is free at once (the debug core would hold it back, counted as in use).
      const e = await engine({ build, maxHeap: 4 << 20, quarantine: false });
      const g = e.spawn(); // page 0
      for (let i = 0; i < 340; i++) e.allocPush(g, 0, 40, 0); // 48 B each; pages 1 and 2, 8192 / 48 = 170 slots each
      for (let i = 0; i < 10; i++) e.setLocal(g, i, 0);
      for (let i = 170; i < 200; i++) e.setLocal(g, i, 0);
      e.collect();
      e.sweep();
      const f = e.fragmentation();
      const c48 = e.raw.sizeClassOf(48);
      expect(f.classes).toEqual([{ sizeClass: c48, slotBytes: 48, partialSpans: 2, freeSlots: 40, usedSlots: 300, freeBytes: 40 * 48 }]);
      expect({ partialSpans: f.partialSpans, freeBytesInPartialSpans: f.freeBytesInPartialSpans }).toEqual({ partialSpans: 2, freeBytesInPartialSpans: 1920 });
      // 512 pages in all, 3 in use; the arena mapped its first 1 MiB (128 pages): free pages 3 … 127 in one run.
      const mapped = e.stats().heapMappedBytes / PAGE;
      expect(mapped).toBe(128);
      expect({ freePages: f.freePages, freePageBytes: f.freePageBytes, unmappedPages: f.unmappedPages, largestFreeRunPages: f.largestFreeRunPages }).toEqual({
        freePages: 509, freePageBytes: 509 * PAGE, unmappedPages: 512 - 128, largestFreeRunPages: 128 - 3,
      });
      // Filling the free slots leaves no part-filled span.
      for (let i = 0; i < 40; i++) e.allocPush(g, 0, 40, 0);
      expect(e.fragmentation().classes).toEqual([]);
    });
  }

  it("a large object takes whole pages and is never a part-filled span; freeing the middle one of three splits the free run", async () => {
    const e = await engine({ maxHeap: 1 << 20, quarantine: false }); // 128 pages, all mapped at once
    const g = e.spawn(); // page 0
    // 32,776 B: above 32 KiB, a large object of 5 whole pages each: pages 1–5, 6–10, 11–15.
    for (let i = 0; i < 3; i++) e.allocPush(g, 0, 4 * PAGE, 0);
    e.setLocal(g, 1, 0);
    e.collect();
    e.sweep();
    const f = e.fragmentation();
    expect(f.classes).toEqual([]);
    // Free: pages 6–10 (5) and 16–127 (112).
    expect({ freePages: f.freePages, unmappedPages: f.unmappedPages, largestFreeRunPages: f.largestFreeRunPages }).toEqual({ freePages: 117, unmappedPages: 0, largestFreeRunPages: 112 });
  });
});

describe("out of memory with enough free bytes but no two contiguous pages", () => {
  for (const build of BUILDS) {
    it(`${build}: every other one-page object freed; a 2-page span cannot be placed; the message says so; the engine goes on`, async () => {
      const e = await engine({ build, maxHeap: 1 << 20 }); // 128 pages
      const g = e.spawn("holder"); // page 0
      const site = e.site("page");
      let n = 0;
      for (;;) {
        try {
          e.allocPush(g, 0, PAGE - 8, 0, site); // the 8192-byte class: one object per one-page span
          n++;
        } catch (err) {
          expect(err).toBeInstanceOf(OutOfMemoryError);
          break;
        }
      }
      expect(n).toBe(127);
      for (let i = 1; i < n; i += 2) e.setLocal(g, i, 0); // 63 freed, each between two live ones
      e.collect();
      e.sweep();
      // 16,008 B: the 16,384-byte class, whose spans take 2 pages.
      const err = expectThrow(() => e.allocPush(g, 0, 16_000, 0, e.site("big")), OutOfMemoryError);
      expect(err.requestedBytes).toBe(16_008);
      const d = err.detail!;
      expect({ request: d.request, site: d.site, operation: d.operation, pagesNeeded: d.pagesNeeded, goroutines: d.goroutines }).toEqual({ request: "object", site: "big", operation: "allocPush", pagesNeeded: 2, goroutines: 1 });
      expect({ freePages: d.fragmentation.freePages, unmapped: d.fragmentation.unmappedPages, run: d.fragmentation.largestFreeRunPages, partial: d.fragmentation.partialSpans }).toEqual({ freePages: 63, unmapped: 0, run: 1, partial: 0 });
      // The 64 pages retain 8 KiB each; of equals the lowest address leads: the first pushed, in slot 0.
      expect(err.message).toBe(
        "out of memory: cannot allocate 16008 bytes (15.6 KiB) for an object of big (allocPush), which needs 2 contiguous free pages; " +
          "heap 512.0 KiB in use of 1.0 MiB max (stacks 8.0 KiB in 1 goroutine); 63 free pages (longest run 1); 0 B free inside 0 part-filled spans; " +
          `largest sites: page 512.0 KiB; top retainers: page 0x${d.retainers[0]!.handle.toString(16).padStart(8, "0")} retains 8.0 KiB (2%) via goroutine ${g} frame 0 slot 0 → page`,
      );
      // The largest retainer: one page object (they all retain 8 KiB; the lowest address wins the tie), reached from g's frame.
      expect(d.retainers.map((r) => [r.siteName, r.retainedBytes, r.path])).toEqual([["page", PAGE, `goroutine ${g} frame 0 slot 0 → page`]]);
      // The engine goes on: the heap is intact, and once the holes are joined the big object fits.
      expect(expectVerifyClean(e).reachableObjects).toBe(64);
      e.setLocal(g, 2, 0); // frees page 3: pages 2–4 are one run
      e.allocPush(g, 0, 16_000, 0, e.site("big"));
      expectVerifyClean(e);
    });
  }

  it("sizes below 1 KiB print in bytes: a heap held by globals only has 0 B of stacks, not 0.0 KiB", async () => {
    const e = await engine({ maxHeap: 1 << 20 });
    const err = expectThrow(() => {
      for (;;) {
        const p = e.alloc(1, PAGE - 12); // 8192 B
        e.writeField(p, 0, e.getGlobal(0));
        e.setGlobal(0, p);
      }
    }, OutOfMemoryError);
    expect(err.message).toContain("(stacks 0 B in 0 goroutines)");
    expect(err.message).not.toMatch(/\b0\.0 KiB/);
    expect([0, 1, 512, 1023, 1024, 1536, 1 << 20, 1.5 * 2 ** 30, 0.4].map(formatBytes)).toEqual(["0 B", "1 B", "512 B", "1023 B", "1.0 KiB", "1.5 KiB", "1.0 MiB", "1.50 GiB", "0 B"]);
  });
});

describe("the acceptance run: leaky-cache --max-heap 4MiB", () => {
  it("the error explains fragmentation, sites and retainers; the report's memory section too; the engine ends clean", async () => {
    let failure: unknown = null;
    try {
      await runScenario(leakyCache, (o) => loadEngine({ ...o, build: "release" }), { engine: { barrier: "hybrid", maxHeap: 4 << 20 } });
    } catch (err) {
      failure = err;
    }
    expect(failure).toBeInstanceOf(ScenarioError);
    const se = failure as ScenarioError;
    expect(se.cause).toBeInstanceOf(OutOfMemoryError);
    const msg = (se.cause as OutOfMemoryError).message;
    expect(msg).toMatch(/for an object of leaky-cache\.\S+ \(allocPush\), which needs \d+ contiguous free pages/);
    expect(msg).toMatch(/; \d+ free pages \(longest run \d+\); \S+ \S+ free inside \d+ part-filled spans?/);
    expect(msg).toMatch(/; largest sites: leaky-cache\.\S+ [\d.]+ \w?i?B/);
    expect(msg).toMatch(/; top retainers: leaky-cache\.\S+ 0x[0-9a-f]{8} retains [\d.]+ \w?i?B \(\d+%\) via global\[0\] → leaky-cache\./);
    const r = se.result;
    const o = oomFinding(r)!;
    expect(o.requestedBytes).toBe((se.cause as OutOfMemoryError).requestedBytes);
    expect(o.heapMaxBytes).toBe(4 << 20);
    expect(at(o.topSites, 0).name).toMatch(/^leaky-cache\./);
    expect(at(o.retainers, 0).path?.text).toMatch(/^global\[0\] → /);
    const section = memoryReport(runFindings(r)) ?? "";
    expect(section).toMatch(/^memory {3}out of memory: /);
    expect(section).toContain("\n           fragmentation: ");
    expect(section).toContain("  largest sites: leaky-cache.");
    expect(section).toContain("  retainer: leaky-cache.");
    // After the failure the runner collected and verified: nothing lost, nothing damaged.
    expect({ lost: r.verify.lostObjects, integrity: r.verify.integrityErrors }).toEqual({ lost: 0, integrity: 0 });
  });
});
