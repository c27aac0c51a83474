/**
 * The memory analysis of a finished run: analyseMemory(engine, result)
 * reads the engine after the run's final collection and returns what it
 * found (findings.ts). It only reads: the run's counters are already in
 * `result`, and the analysis itself allocates nothing in the heap and
 * changes no collector state (src/engine/analysis.ts).
 *
 * Where it runs: the run layer (src/run) sits below this one, so it is
 * called by whoever drives a run and can see its engine — src/node/job.ts
 * for the CLI and the worker threads, a page's own runner in the browser
 * (this folder is browser-safe). The engine should have been created with
 * `trackAges: true` for memlab's middle-third signal (without it, leaks are
 * judged on the trend alone).
 *
 * One step per kind of finding, in order; a new kind adds its step to
 * STEPS. Each step sees the context (engine, run, the dominator analysis,
 * the per-site table) and the findings so far.
 *
 * Goroutine leaks, escapes and an out of memory's explanation need no heap
 * walk of their own: the runner gathered their raw figures into the result
 * (RunResult.memoryRaw), so runFindings derives them from the result alone —
 * also for `compare`'s runs, which skip the heap analysis, and in a page.
 */
import type { Dominators } from "../engine/analysis.js";
import type { Engine } from "../engine/engine.js";
import { TricolorError } from "../engine/errors.js";
import type { RunResult } from "../run/run.js";
import type { MemoryFindings, SiteFinding } from "./findings.js";
import { leakSuspects, type SiteAtEnd } from "./leaks.js";
import { sitePaths } from "./retainer-paths.js";
import { topRetainers } from "./top-retainers.js";
import { goroutineFinding } from "./goroutines.js";
import { escapeFindings } from "./escapes.js";
import { oomFinding } from "./oom.js";

export type { MemoryFindings } from "./findings.js";

/** A run result with what the memory analysis found about it (the --json document's top-level sites, leaks, retainers, …). */
export type AnalysedRun = RunResult & Partial<MemoryFindings>;

/** What every step of the analysis sees. */
export interface AnalysisContext {
  engine: Engine;
  run: RunResult;
  /** The dominator tree of the heap at the end (computed once). */
  dominators: Dominators;
  /** Every site that allocated, with what is live and retained at the end. */
  sites: SiteFinding[];
}

export type AnalysisStep = (ctx: AnalysisContext, findings: MemoryFindings) => void;

/** Every site: allocated (exact), live after the final collection, retained; largest live first. */
export function siteFindings(e: Engine, d: Dominators): SiteFinding[] {
  const live = new Map((e.liveBySite()?.sites ?? []).map((s) => [s.site, s]));
  const retained = new Map(d.siteRetained().map((s) => [s.site, s]));
  return e.sitesAllocated()
    .map((a) => ({
      site: a.site,
      name: a.name,
      allocObjects: a.objects,
      allocBytes: a.bytes,
      liveObjects: live.get(a.site)?.objects ?? 0,
      liveBytes: live.get(a.site)?.bytes ?? 0,
      retainedBytes: retained.get(a.site)?.retainedBytes ?? 0,
    }))
    .sort((x, y) => y.liveBytes - x.liveBytes || y.allocBytes - x.allocBytes || x.site - y.site);
}

/**
 * Objects allocated in the middle third of the run (on the mutator clock)
 * and alive now, per site, from the core's allocation epochs; null without
 * epoch tracking, or when the run is too short to have a middle third.
 */
export function middleThird(e: Engine, runClock: number): { window: { fromClock: number; toClock: number }; sites: Map<number, { objects: number; bytes: number }> } | null {
  const info = e.ageInfo();
  if (info === null || info.epochLength <= 0) return null;
  const boundary = (clock: number) => Math.round((clock - info.startClock) / info.epochLength);
  const from = boundary(info.startClock + (runClock - info.startClock) / 3) + 1;
  const to = Math.min(boundary(info.startClock + (2 * (runClock - info.startClock)) / 3), info.epoch);
  if (to < from) return null;
  const dated = e.datedBySite(from, to);
  if (dated === null) return null;
  return {
    window: { fromClock: dated.fromClock, toClock: dated.toClock },
    sites: new Map(dated.sites.map((s) => [s.site, { objects: s.objects, bytes: s.bytes }])),
  };
}

/** Leak suspects, ranked, each with its retainer paths (leaks.ts, retainer-paths.ts). */
export const leakStep: AnalysisStep = (ctx, findings) => {
  const { engine, run, sites } = ctx;
  const middle = middleThird(engine, run.gc.mutatorUnits);
  const atEnd: SiteAtEnd[] = sites.map((s) => ({ ...s }));
  const suspects = leakSuspects({
    series: engine.liveBySiteSeries(),
    sites: atEnd,
    middleThird: middle?.sites ?? null,
    liveHeapBytes: run.heap.liveBytes,
    allocatedBytes: run.heap.bytesAllocated,
  });
  const reachable = new Map(ctx.dominators.siteRetained().map((s) => [s.site, s.reachableObjects]));
  const paths = sitePaths(engine, ctx.dominators, suspects.map((s) => ({ site: s.site, name: s.name, objects: reachable.get(s.site) ?? 0 })));
  for (const s of suspects) {
    const p = paths.get(s.site);
    s.paths = p?.paths ?? [];
    s.sampledObjects = p?.sampled ?? 0;
    if (middle) s.middleThird = middle.window;
  }
  findings.leaks = suspects;
};

/** Top retainers (top-retainers.ts). */
export const retainerStep: AnalysisStep = (ctx, findings) => {
  findings.retainers = topRetainers(ctx.engine, ctx.dominators);
};

/** Goroutine leaks, escapes and out of memory, from the run's raw figures (goroutines.ts, escapes.ts, oom.ts). */
export function runFindings(r: RunResult): Pick<MemoryFindings, "goroutines" | "escapes" | "oom"> {
  const goroutines = goroutineFinding(r);
  const oom = oomFinding(r, goroutines);
  return { ...(goroutines ? { goroutines } : {}), escapes: escapeFindings(r), ...(oom ? { oom } : {}) };
}

/** The run's goroutines, escapes and out of memory (runFindings) as a step. */
export const runStep: AnalysisStep = (ctx, findings) => {
  Object.assign(findings, runFindings(ctx.run));
};

/** The analysis, step by step: sites are the context; then leaks, retainers, and what the run's raw figures say. */
export const STEPS: AnalysisStep[] = [leakStep, retainerStep, runStep];

/** The findings an analysed run carries, every list present (empty when its analysis did not run). */
export function findingsOf(r: AnalysedRun): MemoryFindings {
  const { goroutines, oom } = r;
  return { sites: r.sites ?? [], leaks: r.leaks ?? [], retainers: r.retainers ?? [], escapes: r.escapes ?? [], ...(goroutines ? { goroutines } : {}), ...(oom ? { oom } : {}) };
}

/**
 * What the memory analysis finds in a run `engine` has just finished: the
 * heap steps (when `heap` and there is an engine) and runFindings. A heap
 * analysis that cannot run (its side tables do not fit next to a heap at its
 * limit) leaves what the run's own figures say. Used by the CLI's jobs
 * (src/node/job.ts) and the page's worker (src/web/session.ts) alike.
 */
export function findingsFor(engine: Engine | undefined, run: RunResult, heap = true): Partial<MemoryFindings> {
  const own = runFindings(run);
  if (!engine || !heap) return own;
  try {
    return analyseMemory(engine, run);
  } catch (err) {
    if (err instanceof TricolorError) return own;
    throw err;
  }
}

/** The findings say something (the memory section, panel and --fail-on-leak's concern): top retainers alone do not, every heap has one. */
export function hasFindings(f: Partial<MemoryFindings> | undefined): f is MemoryFindings {
  if (!f) return false;
  return (f.leaks?.length ?? 0) > 0 || (f.escapes?.length ?? 0) > 0 || f.oom !== undefined || (f.goroutines?.leaked ?? 0) > 0;
}

/** The run has what --fail-on-leak fails on: a leak suspect, or leaked goroutines. */
export function hasLeak(f: Partial<MemoryFindings>): boolean {
  return (f.leaks?.length ?? 0) > 0 || (f.goroutines?.leaked ?? 0) > 0;
}

/**
 * Analyses `engine` as `run` left it (after the run's final collection).
 * Throws AnalysisOutOfMemoryError when the dominator tables do not fit.
 */
export function analyseMemory(engine: Engine, run: RunResult, steps: readonly AnalysisStep[] = STEPS): MemoryFindings {
  const dominators = engine.dominators();
  const sites = siteFindings(engine, dominators);
  const findings: MemoryFindings = { sites, leaks: [], retainers: [], escapes: [] };
  const ctx: AnalysisContext = { engine, run, dominators, sites };
  for (const step of steps) step(ctx, findings);
  return findings;
}
