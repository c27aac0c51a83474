/**
 * Looking never changes a run. The read-only calls of the API — frames,
 * frameSlots, stackWords, peek, getLocal, getGlobal, readField, header,
 * isLive, stats and verify (which reports without rescuing), the goroutine
 * table (goroutines, and its last-active cycles), escapes, fragmentation, and
 * the goroutine passes (goroutineSites, retainedByGoroutines) — must not
 * advance the mutator clock, mark a stack dirty, change "the current
 * goroutine" or otherwise steer the collector.
 *
 * The same seeded churn run (src/scenarios/churn.ts, small parameters,
 * driven by runScenario) runs twice on the debug core: plainly, and with
 * every read-only query interleaved after every call the scenario makes.
 * Every deterministic counter must be identical — cycles, per-cycle and
 * per-pause work words, marked bytes and objects, objects allocated and
 * freed, barrier calls and objects shaded — and so must every value the
 * scenario sees (each call's result: the addresses it is handed).
 *
 * The second run interleaves either every query, or only those that name
 * no goroutine, so a failure says which kind moved the run.
 *
 * On the core as of this test, with every query it fails for every
 * concurrent strategy (looking a goroutine up advances the mutator clock;
 * under dijkstra it also marks a scanned stack dirty; under hybrid it
 * changes the goroutine the barrier asks about) and passes for stw; with
 * the queries that name no goroutine it passes for every strategy.
 */
import { describe, expect, it } from "vitest";
import { loadEngine } from "../src/node/loader.js";
import { BARRIERS, type Engine, type EngineOptions } from "../src/engine/engine.js";
import { runScenario, type RunResult } from "../src/run/run.js";
import { churn } from "../src/scenarios/churn.js";

const PARAMS = { live: 1000, goroutines: 3, "stack-depth": 2, steps: 30_000 };
// A memory limit keeps the goal a few hundred KiB above the live set: a cycle every few thousand steps, each mark spanning many of them.
const ENGINE: EngineOptions = { gogc: 100, memoryLimit: 400 << 10, maxHeap: 16 << 20, markQuantum: 64 };

/** Methods that only read: never looked around after (they are the looking), and plain memory reads. */
const READS = new Set<PropertyKey>([
  "frames", "frameSlots", "stackWords", "peek", "getLocal", "getGlobal", "readField", "header", "isLive", "checkHandle", "stats", "verify",
  "field", "word", "words", "getUint32", "getFloat64", "slotBytes", "slotBytesFor", "site", "siteName", "composition", "arena",
  "goroutines", "goroutineSeries", "goroutineSites", "retainedByGoroutines", "escapes", "escapeSample", "escapeDestinations", "fragmentation", "label", "labelName",
]);

interface Observed {
  /** Every call the scenario made, with its result: what the mutator saw. */
  calls: [string, unknown][];
  queries: number;
}

/** Which queries to interleave: all of them, or only those that name no goroutine (globals, objects, stats, verify). */
type Looks = "all" | "heap";

/** Every read-only query, over every goroutine the scenario spawned and every value its stacks and globals hold. */
function lookAround(e: Engine, looks: Looks, goroutines: Set<number>, n: number): number {
  let queries = 0;
  const q = <T>(v: T): T => (queries++, v);
  const values: number[] = [];
  for (const g of looks === "all" ? goroutines : []) {
    q(e.frames(g));
    q(e.stackWords(g));
    const slots = q(e.frameSlots(g));
    if (slots > 0) values.push(q(e.peek(g, 0)));
    for (let i = 0; i < slots; i++) values.push(q(e.getLocal(g, i)));
  }
  for (let i = 0; i < 4; i++) values.push(q(e.getGlobal(i)));
  for (const v of values) {
    if (v === 0 || !q(e.isLive(v))) continue;
    if (q(e.header(v)).pointers > 0) q(e.readField(v, 0));
  }
  q(e.stats());
  // The goroutine and escape tables and the fragmentation walk read every descriptor or span: every 10th call.
  if (n % 10 === 5) {
    q(e.goroutines());
    q(e.escapes());
    q(e.fragmentation());
  }
  // The verifier and the goroutine passes walk the whole heap: now and then is enough to show they change nothing.
  if (n % 500 === 0) q(e.verify());
  if (looks === "all" && n % 500 === 250) {
    q(e.goroutineSites([...goroutines]));
    q(e.retainedByGoroutines([[...goroutines]]));
  }
  return queries;
}

/** The engine as the scenario sees it: calls pass through, are logged, and (if `looks`) are followed by the queries. */
function observe(e: Engine, looks: Looks | null, out: Observed): Engine {
  const goroutines = new Set<number>();
  let n = 0;
  return new Proxy(e, {
    get(target, prop) {
      const v = Reflect.get(target, prop, target);
      if (typeof v !== "function") return v;
      return (...args: unknown[]) => {
        const result = (v as (...a: unknown[]) => unknown).apply(target, args);
        out.calls.push([String(prop), withoutWallTimes(result)]);
        if (prop === "spawn") goroutines.add(result as number);
        if (prop === "exit") goroutines.delete(args[0] as number);
        if (looks && !READS.has(prop)) out.queries += lookAround(target, looks, goroutines, n++);
        return result;
      };
    },
  });
}

/** Wall-clock fields and what is computed from them. */
// (pauseBins / stackPauseBins are histograms of wall-time durations.)
const WALL = /Ns$|^mmu$|^gcCpuFraction$|^allocBytesPerSec$|^wallNs$|^pauseBins$|^stackPauseBins$/;

function withoutWallTimes(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(withoutWallTimes);
  if (v && typeof v === "object") return Object.fromEntries(Object.entries(v).filter(([k]) => !WALL.test(k)).map(([k, x]) => [k, withoutWallTimes(x)]));
  return v;
}

async function run(barrier: (typeof BARRIERS)[number], looks: Looks | null): Promise<{ result: RunResult; observed: Observed }> {
  const observed: Observed = { calls: [], queries: 0 };
  const result = await runScenario(churn, async (o) => observe(await loadEngine({ build: "debug", ...o }), looks, observed), {
    params: PARAMS,
    engine: { ...ENGINE, barrier },
    seed: 7,
  });
  return { result, observed };
}

describe.each([
  ["every query", "all"],
  ["the queries that name no goroutine", "heap"],
] as const)("read-only queries never change a run: %s", (_, looks) => {
  for (const barrier of BARRIERS) {
    it(`${barrier}: churn with the queries after every call = churn without`, async () => {
      const plain = await run(barrier, null);
      const looked = await run(barrier, looks);
      // The runs did something worth comparing, and the second one really looked.
      expect(plain.result.gc.cycles).toBeGreaterThan(2);
      expect(looked.observed.queries).toBeGreaterThan(5 * PARAMS.steps);
      if (barrier !== "stw" && barrier !== "none") expect(plain.result.barrier.calls).toBeGreaterThan(0);

      const a = withoutWallTimes(plain.result) as Record<string, unknown>;
      const b = withoutWallTimes(looked.result) as Record<string, unknown>;
      // Field by field first, so a failure names what moved.
      expect(b.gc, "gc").toEqual(a.gc);
      expect(b.barrier, "barrier").toEqual(a.barrier);
      expect(b.heap, "heap").toEqual(a.heap);
      expect(b.cycles, "per-cycle records").toEqual(a.cycles);
      expect(b.timeline, "pauses and slices (their work)").toEqual(a.timeline);
      expect(b, "the whole report").toEqual(a);
      expect(looked.observed.calls.length).toBe(plain.observed.calls.length);
      expect(looked.observed.calls, "every value the scenario was handed").toEqual(plain.observed.calls);
    });
  }
});
