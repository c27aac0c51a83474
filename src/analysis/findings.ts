// What the host's memory analysis finds in a run: the shapes every consumer
// (text report, --json, --html, the web page, --fail-on-leak) reads. One
// file so that each finding is described once; the code that computes them
// lives beside it in src/analysis/, one concept per file.
//
// All sizes are slot bytes (what the heap spends on an object: header and
// padding to its size class included), the unit the rest of tricolor reports.

import type { RetainerStep } from "../engine/analysis.js";
import type { EscapeCounts } from "../engine/escapes.js";
import type { FragmentationReport } from "../engine/fragmentation.js";

/** One allocation site over the whole run. */
export interface SiteFinding {
  site: number;
  name: string;
  /** Cumulative allocations. */
  allocObjects: number;
  allocBytes: number;
  /** Live at the end of the run (after its final collection). */
  liveObjects: number;
  liveBytes: number;
  /** The site's retained set at the end (dominator subtrees of its objects, shared ones counted once). */
  retainedBytes: number;
}

/** A root-to-object path, as printed: steps already collapsed where one site repeats. */
export interface RetainerPathFinding {
  /** e.g. `global[0] → sessions.head.0 → sessions.entry.0 → (× 99,998 sessions.entry.0) → sessions.entry` */
  text: string;
  /** The uncollapsed steps of one representative path (may be long: consumers should not print it whole). */
  steps: RetainerStep[];
  /** How many of the suspect's sampled objects share this path shape. */
  objects: number;
  /**
   * The representative path's length in steps. `steps` holds all of them up
   * to 2 × PATH_ENDS_KEPT (src/analysis/retainer-paths.ts); a longer path keeps
   * its first and last PATH_ENDS_KEPT there, so a 100,000-step chain is not
   * written out whole.
   */
  length: number;
}

/** A site whose live bytes grow over the run. */
export interface LeakSuspect {
  site: number;
  name: string;
  /** Which signal(s) flagged it. */
  signals: ("trend" | "middle-third")[];
  /** Theil–Sen slope of live bytes per cycle over the cycles after warm-up. */
  bytesPerCycle: number;
  /** The same growth per million allocations (all sites). */
  bytesPerMillionAllocs: number;
  /** Cycles the trend was measured over, and Mann–Kendall's two-sided p-value. */
  cycles: number;
  pValue: number;
  /** memlab's rule: objects allocated in the middle third of the run and still live at the end. */
  middleThirdObjects: number;
  liveObjects: number;
  liveBytes: number;
  retainedBytes: number;
  /** One per distinct path shape, most objects first. */
  paths: RetainerPathFinding[];
  /** Objects of the site whose paths were read (a bounded, evenly spread sample): what `paths[i].objects` are out of. */
  sampledObjects: number;
  /** memlab's window on the mutator clock, [from, to): the epochs nearest the run's middle third (absent without epoch tracking). */
  middleThird?: { fromClock: number; toClock: number };
}

/** An object or a site group retaining ≥ 10% of the heap (Eclipse MAT's "problem suspects"). */
export interface TopRetainer {
  kind: "object" | "site";
  site: number;
  name: string;
  /** The object's handle (kind "object"). */
  handle?: number;
  retainedBytes: number;
  /** retainedBytes / live heap bytes. */
  fraction: number;
  path?: RetainerPathFinding;
}

/** Leaked goroutines (alive at the end, not main ones), grouped by spawn label. */
export interface GoroutineGroup {
  /** The label they were spawned with; "" for none. */
  label: string;
  count: number;
  /**
   * The oldest cycle since which a goroutine of this group has not run (was
   * last acted on): the cycle in progress, or the last one completed, when it
   * last ran (0: before the first cycle).
   */
  blockedSinceCycle: number;
  stackBytes: number;
  /** Bytes reachable only through these goroutines' stacks (retained by them). */
  retainedBytes: number;
  retainedObjects: number;
  /** Sites their frames hold, largest first. */
  sites: { name: string; objects: number; bytes: number }[];
}

export interface GoroutineFinding {
  /** Alive at the end (after the run's final collection). */
  alive: number;
  /** Of those, main goroutines: alive when the steps began (what a stepped scenario's setup left running), or labelled "main". */
  main: number;
  /** Goroutines alive at each completed cycle (bounded like the site series). */
  series: { cycles: number[]; alive: number[] };
  /** Mann–Kendall over `series` after warm-up (the first fifth of the samples is skipped): does the count grow? (p < 0.05 and S > 0) */
  growing: boolean;
  pValue: number;
  /** Theil–Sen slope of the count over the same samples, goroutines per sampled cycle. */
  perCycle: number;
  /** Samples the trend was measured over. */
  trendCycles: number;
  /** Leaked, as goleak's VerifyNone counts them: alive at the end and not a main goroutine (alive − main). */
  leaked: number;
  /** Of the leaked goroutines: their stack bytes, and what their stacks alone keep alive. */
  stackBytes: number;
  retainedBytes: number;
  retainedObjects: number;
  groups: GoroutineGroup[];
}

/**
 * Escape analysis of stack-allocated locals, per site (the view of `go build
 * -gcflags=-m`): the engine's counts (escaped, stayed local, not judged by
 * the end), and what they mean.
 */
export interface EscapeFinding extends Pick<EscapeCounts, "site" | "name" | "allocObjects" | "allocBytes" | "escapedObjects" | "escapedBytes" | "stayedObjects" | "pendingObjects"> {
  /**
   * Where the escaped ones still alive at the end are reachable from, most
   * common first ("global 0", "an outer frame", "goroutine N's frames"): the
   * root of the shortest retainer path of each object in the core's sample
   * (at most 64 per site), so the counts are of the sample.
   */
  escapedTo: { to: string; objects: number }[];
  /** What stack allocation of the non-escaping ones would have saved: their slot bytes. */
  savedBytes: number;
  /**
   * GC cycles saved by the pacer's arithmetic: savedBytes over the mean
   * runway (heap goal − marked live heap) of the run's cycles, at most
   * `cycles` (src/analysis/escapes.ts derives it), and the cycles the pacer
   * started in the run, which it is out of.
   */
  savedCycles: number;
  cycles: number;
}

/** Free memory the heap cannot use for a request: per size class, and as whole pages (the engine's report, src/engine/fragmentation.ts). */
export type Fragmentation = FragmentationReport;

/** An out-of-memory explained. */
export interface OomFinding {
  /** The failing request: its bytes, what it was for (an object of `site`, a goroutine stack, the escape table) and the engine method. */
  requestedBytes: number;
  request?: "object" | "stack" | "escape table";
  site?: string | null;
  operation?: string;
  heapInUseBytes: number;
  heapMaxBytes: number;
  stackBytes: number;
  fragmentation: Fragmentation;
  topSites: { name: string; objects: number; bytes: number }[];
  retainers: TopRetainer[];
  goroutines?: GoroutineFinding;
}

/** Everything the memory analysis found; fields are absent when there is nothing to say. */
export interface MemoryFindings {
  sites: SiteFinding[];
  leaks: LeakSuspect[];
  retainers: TopRetainer[];
  goroutines?: GoroutineFinding;
  escapes: EscapeFinding[];
  oom?: OomFinding;
}
