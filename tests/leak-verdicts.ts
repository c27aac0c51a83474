/**
 * Acceptance 4 of issue 9, shared by tests/leak-verdicts-hybrid.test.ts and
 * tests/leak-verdicts-stw.test.ts (two files, so the two barriers run on two
 * workers): every named scenario through the job API (as `tricolor run`
 * runs it: the core's allocation epochs on, the analysis after the final
 * collection), each verdict asserted.
 *
 *  - no suspect: binary-trees, gcbench, churn, lru-cache, producer-consumer,
 *    map-indirection, deep-nesting, array-slice, goroutine-leak --fixed 1,
 *    escape;
 *  - the right suspect first, and only leaked sites suspected (never the
 *    garbage beside them): leaky-cache (its cache entries), goroutine-leak
 *    (the requests the blocked workers hold), examples/sessions.js (the
 *    session entries), each with its path.
 *
 * Sizes: the defaults, except binary-trees (--depth 15) and gcbench
 * (--stretch 16), cut to stay quick with still 13 or more cycles each; the
 * `cycles` column is a floor asserted on each run, so a scenario that
 * stopped producing cycles would not pass by having nothing to test.
 */
import { expect, test } from "vitest";
import { runJob } from "../src/node/job.js";
import type { Barrier } from "../src/engine/strategies.js";
import { at } from "./helpers.js";

interface Clean {
  scenario: string;
  params?: Record<string, string>;
  /** Cycles the run has at least. */
  cycles: number;
}

export const CLEAN: Clean[] = [
  { scenario: "binary-trees", params: { depth: "15" }, cycles: 30 },
  { scenario: "gcbench", params: { stretch: "16" }, cycles: 12 },
  { scenario: "churn", cycles: 5 },
  { scenario: "lru-cache", cycles: 19 },
  { scenario: "producer-consumer", cycles: 11 },
  { scenario: "map-indirection", cycles: 11 },
  { scenario: "deep-nesting", cycles: 10 },
  { scenario: "array-slice", cycles: 13 },
  { scenario: "goroutine-leak", params: { fixed: "1" }, cycles: 12 },
  { scenario: "escape", cycles: 7 },
];

interface Leaky {
  scenario: string;
  first: string;
  /** Every site that may be suspected: what the leak keeps. */
  leaked: string[];
  path: RegExp;
}

export const LEAKY: Leaky[] = [
  {
    scenario: "leaky-cache",
    first: "leaky-cache.entry",
    leaked: ["leaky-cache.entry", "leaky-cache.value", "leaky-cache.buckets"],
    path: /^global\[0\] → leaky-cache\.cache\.0 → leaky-cache\.buckets\.\d+ → (leaky-cache\.entry\.1 → (\(× [\d,]+ leaky-cache\.entry\.1\) → |leaky-cache\.entry\.1 → )?)?leaky-cache\.entry$/,
  },
  {
    scenario: "goroutine-leak",
    first: "goroutine-leak.request",
    leaked: ["goroutine-leak.request", "goroutine-leak.body", "goroutine-leak.chan", "goroutine-leak.result"],
    path: /^goroutine \d+ frame \d+ slot \d+ → goroutine-leak\.request$/,
  },
  {
    scenario: "examples/sessions.js",
    first: "sessions.entry",
    leaked: ["sessions.entry"],
    path: /^global\[0\] → sessions\.head\.0 → sessions\.entry\.0 → \(× [\d,]+ sessions\.entry\.0\) → sessions\.entry$/,
  },
];

async function run(scenario: string, barrier: Barrier, params: Record<string, string> = {}) {
  const out = await runJob({ scenario, barrier, params, seed: 1, build: "release", verify: false });
  if (!out.ok) throw new Error(`${scenario} (${barrier}) failed: ${out.message}`);
  return out.result;
}

/** The acceptance tests for one barrier. */
export function verdicts(barrier: Barrier): void {
  for (const c of CLEAN) {
    const name = [c.scenario, ...Object.entries(c.params ?? {}).map(([k, v]) => `--${k} ${v}`)].join(" ");
    test(`${name}: no leak suspect`, async () => {
      const r = await run(c.scenario, barrier, c.params);
      expect(r.gc.cycles).toBeGreaterThanOrEqual(c.cycles);
      expect(r.leaks?.map((s) => s.name)).toEqual([]);
    }, 60_000);
  }
  for (const l of LEAKY) {
    test(`${l.scenario}: ${l.first} is the first suspect, with its path; nothing but leaked sites is suspected`, async () => {
      const r = await run(l.scenario, barrier);
      const leaks = r.leaks ?? [];
      expect(at(leaks, 0).name).toBe(l.first);
      for (const s of leaks) expect(l.leaked).toContain(s.name);
      const first = at(leaks, 0);
      expect(first.liveObjects).toBeGreaterThan(0);
      expect(first.retainedBytes).toBeGreaterThanOrEqual(first.liveBytes);
      expect(first.paths.length).toBeGreaterThan(0);
      for (const p of first.paths) expect(p.text).toMatch(l.path);
    }, 60_000);
  }
}
