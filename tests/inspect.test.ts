/**
 * The heap map (assembly/inspect.ts, src/engine/inspect.ts) tells the truth
 * and changes nothing.
 *
 *  - Its colours are the bits: at every GC event of small seeded churn runs
 *    under every strategy, on both cores, each slot's colour equals the one
 *    computed independently from the raw alloc / mark / quarantine bits
 *    (slotBits) and the grey queue's entries: free, white, grey = marked and
 *    queued, black = marked and not queued. The per-span counts add up.
 *  - Stacks: grey from sweep termination until scanned (black at once under
 *    yuasa, whose snapshot scans them all), black after their scan.
 *  - Under none, the verifier's samples at mark termination name the lost
 *    objects, and they are object starts in the map.
 *  - Read-only, by the standard of tests/read-only.test.ts: a run driven by
 *    the page's session (src/web/session.ts) that reads the whole map at
 *    every moment — every GC event, every scenario step and every mutator
 *    call while marking — gives exactly the counters of a plain runScenario
 *    (on the release core, the page's: the session sets no quarantine option).
 */
import { describe, expect, it } from "vitest";
import * as abi from "../contract/abi.js";
import { BARRIERS, type Engine, type EngineOptions } from "../src/engine/engine.js";
import { colourAt, lastVerifySamples, mapSpan, readHeapMap, type HeapMapSnapshot } from "../src/engine/inspect.js";
import { loadEngine, type Build } from "../src/node/loader.js";
import { runScenario, type RunResult } from "../src/run/run.js";
import { churn } from "../src/scenarios/churn.js";
import { runSession } from "../src/web/session.js";
import type { RunRequest } from "../src/web/protocol.js";

// A memory limit keeps the goal a little above the live set: a cycle every few hundred steps, each mark spanning many.
// Found by trying: a few cycles whose marks span many steps (a fine quantum), and
// under none a few lost objects. No quarantine, so both cores make the same run.
const PARAMS = { live: 300, goroutines: 3, "stack-depth": 2, steps: 5000 };
const ENGINE: EngineOptions = { gogc: 100, memoryLimit: 120 << 10, quarantine: false, maxHeap: 16 << 20, markQuantum: 8 };
const SEED = 3;

/** The colour of the object slot at `p` from the raw bits and the grey queue, not from heapMap. */
function expectedColour(e: Engine, p: number, grey: Set<number>): number {
  const bits = e.raw.slotBits(p);
  if (bits < 0) throw new Error(`no object slot starts at ${p}`);
  if (!(bits & abi.SB_ALLOC) || bits & abi.SB_QUARANTINE) return abi.COLOUR_FREE;
  if (!(bits & abi.SB_MARK)) return abi.COLOUR_WHITE;
  return grey.has(p) ? abi.COLOUR_GREY : abi.COLOUR_BLACK;
}

function greyQueue(e: Engine): Set<number> {
  const out = new Set<number>();
  for (let k = 0; k < e.raw.greyQueueSize(); k++) out.add(e.raw.greyQueueAt(k) >>> 0);
  return out;
}

/** Every object slot's colour against the bits, and each span's counts against its colours; returns slots checked. */
function checkObjects(e: Engine, map: HeapMapSnapshot): number {
  const grey = greyQueue(e);
  let slots = 0;
  let greys = 0;
  for (let k = 0; k < map.spanCount; k++) {
    const s = mapSpan(map, k);
    const counts = [0, 0, 0, 0];
    for (let i = 0; i < s.nelems; i++) counts[map.colours[s.firstSlot + i]!]!++;
    expect([counts[abi.COLOUR_FREE], counts[abi.COLOUR_WHITE], counts[abi.COLOUR_GREY], counts[abi.COLOUR_BLACK]]).toEqual([s.free, s.white, s.grey, s.black]);
    if (s.kind === "stack") continue;
    for (let i = 0; i < s.nelems; i++) {
      const p = s.base + i * s.elemBytes;
      const got = map.colours[s.firstSlot + i];
      if (got !== expectedColour(e, p, grey)) throw new Error(`slot ${p} of span ${s.base}: map ${got}, bits ${expectedColour(e, p, grey)}`);
      slots++;
    }
    greys += s.grey;
  }
  // No overflow in these runs: the queue holds exactly the grey objects.
  expect(map.overflowed).toBe(false);
  expect(greys).toBe(grey.size);
  return slots;
}

/** The colours of the stack spans, by goroutine. */
function stackColours(map: HeapMapSnapshot): Map<number, number> {
  const out = new Map<number, number>();
  for (let k = 0; k < map.spanCount; k++) {
    const s = mapSpan(map, k);
    if (s.kind === "stack") out.set(s.goroutine, map.colours[s.firstSlot]!);
  }
  return out;
}

describe.each(["debug", "release"] as Build[])("the heap map on the %s core", (build) => {
  for (const barrier of BARRIERS) {
    it(`${barrier}: every slot's colour at every GC event is the one its bits and the grey queue give`, async () => {
      let checked = 0;
      let events = 0;
      let sawGrey = false;
      let lostSeen = 0;
      const result = await runScenario(churn, (o) => loadEngine({ ...o, build }), {
        params: PARAMS,
        engine: { ...ENGINE, barrier },
        seed: SEED,
        onEngine: (e) => {
          expect(e.options.quarantine).toBe(false);
          e.onEvent = (kind, _cycle, _t0, _t1, _a, b) => {
            if (kind === abi.EV_CYCLE) return;
            events++;
            const map = readHeapMap(e);
            checked += checkObjects(e, map);
            sawGrey ||= map.marking && map.greyQueue > 0;
            const stacks = stackColours(map);
            if (kind === abi.EV_PAUSE_SWEEP_TERM) {
              // The mark starts with every stack grey, or (yuasa's snapshot) every stack already scanned.
              for (const c of stacks.values()) expect(c).toBe(barrier === "yuasa" ? abi.COLOUR_BLACK : abi.COLOUR_GREY);
            }
            if (kind === abi.EV_PAUSE_STACK) expect(stacks.get(b)).toBe(abi.COLOUR_BLACK);
            if (!map.marking) for (const c of stacks.values()) expect(c).toBe(abi.COLOUR_WHITE);
            if (kind === abi.EV_PAUSE_MARK_TERM && barrier === "none") {
              for (const { address } of lastVerifySamples(e).filter((s) => s.code === abi.I_LOST)) {
                lostSeen++;
                // Rescued by the verifier: marked, so black in a span waiting to be swept.
                expect(colourAt(map, address)).toBe(abi.COLOUR_BLACK);
              }
            }
          };
        },
      });
      expect(events).toBeGreaterThan(barrier === "stw" ? 1 : 50);
      expect(checked).toBeGreaterThan(1000);
      if (barrier !== "stw") expect(sawGrey).toBe(true);
      // Every lost object the cycles counted is among the samples, up to the verifier's 16 per mark.
      if (barrier === "none") expect(lostSeen).toBe(result.cycles.reduce((n, c) => n + Math.min(abi.V_MAX_SAMPLES, c.lostObjects), 0));
    });
  }

  it("a grey queue that overflows is flagged", async () => {
    const e = await loadEngine({ build, barrier: "hybrid", markQueue: 16, markQuantum: 1 });
    const g = e.spawn();
    // One object pointing at 64 others: scanning it pushes 64 entries on a 16-entry queue.
    for (let i = 0; i < 64; i++) e.allocPush(g, 0, 8, 0);
    e.allocPush(g, 64, 0, 64);
    e.startCycle();
    let overflowed = false;
    for (let i = 0; i < 2000 && e.marking; i++) {
      e.yield(g, 8);
      overflowed ||= readHeapMap(e).overflowed;
    }
    expect(overflowed).toBe(true);
  });
});

/** Wall-clock fields and what is computed from them (as tests/read-only.test.ts drops them). */
const WALL = /Ns$|^mmu$|^gcCpuFraction$|^allocBytesPerSec$|^wallNs$|^pauseBins$|^stackPauseBins$/;
function withoutWallTimes(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(withoutWallTimes);
  if (v && typeof v === "object") return Object.fromEntries(Object.entries(v).filter(([k]) => !WALL.test(k)).map(([k, x]) => [k, withoutWallTimes(x)]));
  return v;
}

describe("looking through the page's session never changes a run", () => {
  for (const barrier of BARRIERS) {
    it(`${barrier}: the map read at every moment, calls watched = plain runScenario`, async () => {
      const plain = await runScenario(churn, (o) => loadEngine({ ...o, build: "release" }), { params: PARAMS, engine: { ...ENGINE, barrier }, seed: SEED });
      const request: RunRequest = {
        scenario: { kind: "builtin", name: "churn" }, params: PARAMS, barrier, verify: false, seed: SEED, paused: false, watchCalls: true, slotLimit: Infinity,
        gogc: ENGINE.gogc, memoryLimit: ENGINE.memoryLimit, maxHeap: ENGINE.maxHeap, markQuantum: ENGINE.markQuantum,
      };
      let moments = 0;
      let calls = 0;
      const page = await runSession({
        request,
        scenario: churn,
        makeEngine: (o) => loadEngine({ ...o, build: "release" }),
        post: () => {},
        control: null,
        onMoment: (_i, m, e) => {
          moments++;
          if (m.kind === "call") calls++;
          readHeapMap(e);
          e.stats();
        },
      });
      expect(calls).toBeGreaterThan(barrier === "stw" ? -1 : 100);
      expect(moments).toBeGreaterThan(PARAMS.steps);
      const { composition: _c, ...looked } = page!;
      const a = withoutWallTimes({ ...plain, timeline: { ...plain.timeline, slices: undefined } }) as RunResult;
      const b = withoutWallTimes({ ...looked, timeline: { ...looked.timeline, slices: undefined } }) as RunResult;
      expect(b.gc).toEqual(a.gc);
      expect(b.cycles).toEqual(a.cycles);
      expect(b).toEqual(a);
    });
  }
});
