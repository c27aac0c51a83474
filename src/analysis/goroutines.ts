/**
 * Goroutine leaks, as goleak's VerifyNone finds them: a goroutine is
 * LEAKED when it is still alive at the end of the run and is not one of the
 * program's main goroutines. The main goroutines are
 *   - those alive when a stepped scenario's steps begin — what its `setup`
 *     left running, the long-lived workers of a server (goleak's
 *     IgnoreCurrent(), taken at the start of a test); a scenario with a
 *     single `run(ctx)` has no such point, so none of its goroutines is main
 *     by this rule;
 *   - and any goroutine spawned with the label `main`, wherever it was
 *     spawned (goleak's IgnoreTopFunction: a goroutine the program means to
 *     outlive the workload).
 * The run layer tells them apart (src/run/run.ts gatherMemory, from the
 * engine's goroutine table after the final collection); this file reads
 * its figures: leaked = alive − main, grouped by label, with the cycle since
 * which each group has not run, its stacks, the sites its frames hold, and
 * what its stacks alone keep alive (exact: a reachability pass with and
 * without them, src/engine/goroutines.ts).
 *
 * The count's trend: Mann–Kendall over the goroutines alive at each
 * completed cycle, after warm-up (the first fifth of the samples), with a
 * Theil–Sen slope: a leak that keeps leaking grows with the work done; a
 * pool that is merely large does not.
 */
import type { RunResult } from "../run/run.js";
import type { GoroutineFinding } from "./findings.js";
import { mannKendall, theilSen } from "./trend.js";

/** A trend is significant below this p-value (two-sided Mann–Kendall). */
export const TREND_P = 0.05;

/** The samples a trend is measured over: the series without its first fifth (warm-up). */
export function afterWarmup<T>(xs: readonly T[]): T[] {
  return xs.slice(Math.floor(xs.length / 5));
}

/** The goroutine finding of a run; undefined when the run has no goroutine figures (a result from before they existed). */
export function goroutineFinding(r: RunResult): GoroutineFinding | undefined {
  const g = r.memoryRaw?.goroutines;
  if (!g) return undefined;
  const xs = afterWarmup(g.series.alive);
  const mk = mannKendall(xs);
  return {
    alive: g.alive,
    main: g.main,
    series: g.series,
    growing: mk.pValue < TREND_P && mk.s > 0,
    pValue: mk.pValue,
    perCycle: theilSen(xs, afterWarmup(g.series.cycles)),
    trendCycles: xs.length,
    leaked: g.alive - g.main,
    stackBytes: g.stackBytes,
    retainedBytes: g.retainedBytes,
    retainedObjects: g.retainedObjects,
    groups: g.groups.map((x) => ({
      label: x.label,
      count: x.count,
      blockedSinceCycle: x.blockedSinceCycle,
      stackBytes: x.stackBytes,
      retainedBytes: x.retainedBytes,
      retainedObjects: x.retainedObjects,
      sites: x.sites.map(({ name, objects, bytes }) => ({ name, objects, bytes })),
    })),
  };
}
