// What the host's memory analysis finds in a run: the shapes every consumer
// (text report, --json, --html, the web page, --fail-on-leak) reads. One
// file so that each finding is described once; the code that computes them
// lives beside it in src/analysis/, one concept per file.
//
// All sizes are slot bytes (what the heap spends on an object: header and
// padding to its size class included), the unit the rest of tricolor reports.

import type { RetainerStep } from "../engine/analysis.js";

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

/** Goroutines alive at the end, grouped by spawn label. */
export interface GoroutineGroup {
  label: string;
  count: number;
  /** The oldest cycle since which a goroutine of this group has not run (was last acted on). */
  blockedSinceCycle: number;
  stackBytes: number;
  /** Bytes reachable only through these goroutines' stacks (retained by them). */
  retainedBytes: number;
  /** Sites their frames hold, largest first. */
  sites: { name: string; objects: number; bytes: number }[];
}

export interface GoroutineFinding {
  alive: number;
  /** Goroutines alive at each completed cycle (bounded like the site series). */
  series: { cycles: number[]; alive: number[] };
  /** Mann–Kendall over `series` after warm-up: does the count grow? */
  growing: boolean;
  pValue: number;
  /** Goroutines counted as leaked (alive at the end and not run for ≥ 1 cycle, or the count grows). */
  leaked: number;
  stackBytes: number;
  retainedBytes: number;
  groups: GoroutineGroup[];
}

/** Escape analysis of stack-allocated locals, per site (the view of `go build -gcflags=-m`). */
export interface EscapeFinding {
  site: number;
  name: string;
  allocObjects: number;
  allocBytes: number;
  escapedObjects: number;
  /** Where the escaped ones were found reachable from, most common first: "global 0", "heap", "outer frame". */
  escapedTo: { to: string; objects: number }[];
  /** What stack allocation of the non-escaping ones would have saved. */
  savedBytes: number;
  /** GC cycles saved by the pacer's arithmetic, and the run's cycle count it is out of. */
  savedCycles: number;
  cycles: number;
}

/** Free memory the heap cannot use for a request: per size class, and as whole pages. */
export interface Fragmentation {
  freePages: number;
  freePageBytes: number;
  /** Free slots inside part-filled spans. */
  partialSpans: number;
  freeBytesInPartialSpans: number;
  classes: { sizeClass: number; slotBytes: number; partialSpans: number; freeSlots: number; freeBytes: number }[];
}

/** An out-of-memory explained. */
export interface OomFinding {
  requestedBytes: number;
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
