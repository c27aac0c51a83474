/**
 * The typed front of the core's heap analysis (assembly/sites.ts and
 * assembly/analysis.ts): what each allocation site allocated and what each
 * cycle found live of it, who retains an object (a shortest path from a
 * root), and the dominator tree with retained sizes, per object and per
 * site. Engine has thin methods for each (sitesAllocated, liveBySite,
 * retainerPath, dominators); everything here works through Engine's public
 * surface and its raw core.
 *
 * Results of retainerPath and dominators() describe the heap at the moment
 * of the analysis. The analysis allocates nothing, so it may run at any
 * point; any later mutator action (an allocation, a store, a stack
 * operation) or a verification makes a Dominators object stale, and its
 * queries then throw StaleAnalysisError: run dominators() again.
 */
import * as abi from "../../contract/abi.js";
import type { Core } from "./core.js";
import type { Engine } from "./engine.js";
import { errorFor, hex, OutOfMemoryError, TricolorError } from "./errors.js";
import type { RecordMode } from "./records.js";
import { f64s, u32s, u64At } from "./views.js";

/** Objects and slot bytes of one allocation site. */
export interface SiteCount {
  site: number;
  name: string;
  objects: number;
  bytes: number;
}

/** What one completed cycle found live, per site (marked, or allocated black during its mark). */
export interface LiveBySite {
  cycle: number;
  /** Sites with live objects, largest first. */
  sites: SiteCount[];
}

/** Live objects and bytes per site over the cycles, for the sites that ever had any. */
export interface LiveSeries {
  /** The cycles sampled: every cycle, or in bounded mode a uniform subsample of at most SITE_SERIES_CAP. */
  cycles: number[];
  /** Objects allocated so far (every site) at each sampled cycle; present when the recorder can count them (an engine's always can). */
  allocated?: number[];
  sites: { site: number; name: string; objects: number[]; bytes: number[] }[];
}

/** Samples kept per site series in bounded mode; beyond it every other sample is dropped and the stride doubles. */
export const SITE_SERIES_CAP = 1024;

/** The heap changed since the analysis a result came from. */
export class StaleAnalysisError extends TricolorError {
  constructor(what: string) {
    super(`${what}: the heap changed since this analysis ran (an allocation, store, stack operation or verification); run it again`, abi.E_STALE_ANALYSIS);
  }
}

/** The analysis's side tables (16 bytes per reachable object) do not fit in wasm32 memory next to the heap. */
export class AnalysisOutOfMemoryError extends OutOfMemoryError {
  constructor(requestedBytes: number, composition: OutOfMemoryError["composition"]) {
    super(requestedBytes, composition);
    this.message = `heap analysis: its side tables need ${requestedBytes} bytes above the heap's limit, more than wasm32 memory can hold ` +
      `(16 bytes per reachable object; a smaller maxHeap leaves more room)`;
  }
}

function bySize(a: SiteCount, b: SiteCount): number { return b.bytes - a.bytes || a.site - b.site; }

// ── Per-site accounting ─────────────────────────────────────────────────────

/** Every site's cumulative allocations (objects and slot bytes), exact at any time; largest first. */
export function sitesAllocated(e: Engine): SiteCount[] {
  const w = u32s(e.raw);
  const base = e.raw.siteAllocAddress() >>> 0;
  const out: SiteCount[] = [];
  for (let s = 0; s < abi.MAX_SITES; s++) {
    const objects = u64At(w, base + s * abi.SITE_ENTRY_BYTES);
    if (objects > 0) out.push({ site: s, name: e.siteName(s), objects, bytes: u64At(w, base + s * abi.SITE_ENTRY_BYTES + 8) });
  }
  return out.sort(bySize);
}

/**
 * Keeps what each cycle found live per site: the latest cycle exactly, and a
 * series per site for the sites that ever had live objects (bounded mode:
 * at most SITE_SERIES_CAP samples per series). Engine calls record() at every
 * EV_CYCLE, while the core's live table holds that cycle.
 */
export class SiteLiveRecorder {
  private readonly sampled: number[] = [];
  private readonly allocated: number[] = [];
  /** Goroutines alive at each sampled cycle. */
  private readonly alive: number[] = [];
  private readonly series = new Map<number, { objects: number[]; bytes: number[] }>();
  private stride = 1;
  private seen = 0;
  private last: { cycle: number; objects: Float64Array; bytes: Float64Array } | null = null;

  /** `sites`, when given, is how many sites are registered: each sample then also records the objects allocated so far (LiveSeries.allocated). */
  constructor(private readonly core: Readonly<Core>, private readonly name: (site: number) => string, private readonly mode: RecordMode,
    private readonly sites?: () => number) {}

  /** Objects allocated so far, all sites (the per-site allocation table's sum over the registered sites). */
  private allocatedNow(w: Uint32Array): number {
    const base = this.core.siteAllocAddress() >>> 0;
    let n = 0;
    for (let s = 0, end = this.sites!(); s < end; s++) n += u64At(w, base + s * abi.SITE_ENTRY_BYTES);
    return n;
  }

  /** Reads the core's live table for `cycle`, which just ended (and keeps `goroutines`, alive then, at the same samples). */
  record(cycle: number, goroutines = 0): void {
    const end = this.core.siteLiveEnd();
    const base = this.core.siteLiveAddress() >>> 0;
    const w = u32s(this.core);
    const objects = new Float64Array(end);
    const bytes = new Float64Array(end);
    for (let s = 0; s < end; s++) {
      objects[s] = u64At(w, base + s * abi.SITE_ENTRY_BYTES);
      bytes[s] = u64At(w, base + s * abi.SITE_ENTRY_BYTES + 8);
    }
    this.last = { cycle, objects, bytes };
    if (this.seen++ % this.stride !== 0) return;
    const index = this.sampled.length;
    this.sampled.push(cycle);
    if (this.sites) this.allocated.push(this.allocatedNow(w));
    this.alive.push(goroutines);
    for (const [s, v] of this.series) {
      v.objects.push(s < end ? objects[s] : 0);
      v.bytes.push(s < end ? bytes[s] : 0);
    }
    for (let s = 0; s < end; s++) {
      if (objects[s] === 0 || this.series.has(s)) continue;
      const v = { objects: new Array<number>(index).fill(0), bytes: new Array<number>(index).fill(0) };
      v.objects.push(objects[s]);
      v.bytes.push(bytes[s]);
      this.series.set(s, v);
    }
    if (this.mode === "bounded" && this.sampled.length >= SITE_SERIES_CAP) this.halve();
  }

  /** Keeps every other sample (the first, third, …) and samples half as often from now on. */
  private halve(): void {
    const keep = <T>(xs: T[]) => xs.filter((_, i) => i % 2 === 0);
    const cycles = keep(this.sampled);
    this.sampled.length = 0;
    this.sampled.push(...cycles);
    const allocated = keep(this.allocated);
    this.allocated.length = 0;
    this.allocated.push(...allocated);
    const alive = keep(this.alive);
    this.alive.length = 0;
    this.alive.push(...alive);
    for (const v of this.series.values()) {
      v.objects = keep(v.objects);
      v.bytes = keep(v.bytes);
    }
    this.stride *= 2;
  }

  /** The live set per site of `cycle` (the latest when omitted); null if that cycle was not kept or none has run. */
  at(cycle?: number): LiveBySite | null {
    const last = this.last;
    if (last !== null && (cycle === undefined || cycle === last.cycle)) {
      const sites: SiteCount[] = [];
      for (let s = 0; s < last.objects.length; s++) {
        if (last.objects[s] > 0) sites.push({ site: s, name: this.name(s), objects: last.objects[s], bytes: last.bytes[s] });
      }
      return { cycle: last.cycle, sites: sites.sort(bySize) };
    }
    if (cycle === undefined) return null;
    const i = this.sampled.indexOf(cycle);
    if (i < 0) return null;
    const sites: SiteCount[] = [];
    for (const [s, v] of this.series) if (v.objects[i] > 0) sites.push({ site: s, name: this.name(s), objects: v.objects[i], bytes: v.bytes[i] });
    return { cycle, sites: sites.sort(bySize) };
  }

  /** Goroutines alive at each sampled cycle (copies): the same cycles as the site series. */
  goroutineSeries(): { cycles: number[]; alive: number[] } {
    return { cycles: [...this.sampled], alive: [...this.alive] };
  }

  /** Every site's series (copies), in site order. */
  all(): LiveSeries {
    const sites = [...this.series.entries()].sort(([a], [b]) => a - b)
      .map(([site, v]) => ({ site, name: this.name(site), objects: [...v.objects], bytes: [...v.bytes] }));
    return this.sites ? { cycles: [...this.sampled], allocated: [...this.allocated], sites } : { cycles: [...this.sampled], sites };
  }
}

// ── Running the analysis ─────────────────────────────────────────────────────

/** Information about one analysis run. */
export interface AnalysisInfo {
  /** Reachable objects N, and their slot bytes. */
  objects: number;
  bytes: number;
  /** Non-nil pointers among the roots and the reachable objects' fields, and of those the non-tree edges (−1: not counted). */
  edges: number;
  nonTreeEdges: number;
  /** Side-table bytes this analysis used: 16 × N, plus 4 per non-tree edge beyond N. */
  tableBytes: number;
  /** Memory kept for side tables above the heap's limit (grown once, reused). */
  regionBytes: number;
  generation: number;
  /** The longest shortest path from a root, in steps (a root slot counts as one). */
  maxDepth: number;
  /** Wall time of the analysis, ns. */
  ns: number;
  /** … and of its phases, ns (0 for one it did not run): see contract/abi.ts AI_NS_REACH … AI_NS_RETAINERS. */
  phaseNs: { reach: number; order: number; semi: number; renumber: number; tree: number; retainers: number };
}

function readInfo(core: Readonly<Core>): AnalysisInfo {
  const base = (core.analysisAddress(abi.AN_INFO) >>> 0) >>> 3;
  const f = f64s(core);
  return {
    objects: f[base + abi.AI_OBJECTS],
    bytes: f[base + abi.AI_BYTES],
    edges: f[base + abi.AI_EDGES],
    nonTreeEdges: f[base + abi.AI_NONTREE_EDGES],
    tableBytes: f[base + abi.AI_TABLE_BYTES],
    regionBytes: f[base + abi.AI_REGION_BYTES],
    generation: f[base + abi.AI_GENERATION],
    maxDepth: f[base + abi.AI_MAX_DEPTH],
    ns: f[base + abi.AI_NS],
    phaseNs: {
      reach: f[base + abi.AI_NS_REACH],
      order: f[base + abi.AI_NS_ORDER],
      semi: f[base + abi.AI_NS_SEMI],
      renumber: f[base + abi.AI_NS_RENUMBER],
      tree: f[base + abi.AI_NS_TREE],
      retainers: f[base + abi.AI_NS_RETAINERS],
    },
  };
}

/** Runs (or reuses, if still fresh) the analysis for `what`; throws AnalysisOutOfMemoryError when its tables do not fit. */
function run(e: Engine, what: number): AnalysisInfo {
  const core = e.raw;
  const n = core.analyze(what);
  if (n < 0) {
    const code = -n;
    if (code === abi.E_OUT_OF_MEMORY) throw new AnalysisOutOfMemoryError(core.lastErrorArg() >>> 0, e.composition());
    throw errorFor(code, core.lastErrorAddr() >>> 0, core.lastErrorArg() >>> 0, "analyze");
  }
  return readInfo(core);
}

/** Throws the typed error for a failed analysis query (code from the core). */
function fail(e: Engine, code: number, what: string): never {
  if (code === abi.E_STALE_ANALYSIS) throw new StaleAnalysisError(what);
  throw errorFor(code, e.raw.lastErrorAddr() >>> 0, e.raw.lastErrorArg() >>> 0, what);
}

// ── Retainers ────────────────────────────────────────────────────────────────

interface StepTarget {
  /** The object this step points to (the next step's holder; the last step's is the object asked about). */
  target: number;
  targetSite: number;
  targetSiteName: string;
}

/** One step of a retainer path: a root slot first, then fields. */
export type RetainerStep = StepTarget & (
  | { kind: "global"; index: number }
  | { kind: "pin"; index: number }
  | { kind: "stack"; goroutine: number; frame: number; slot: number }
  | { kind: "field"; holder: number; holderSite: number; holderSiteName: string; field: number }
);

/** One line per step, e.g. `global 3 → 0x00123450 (node)`, `.field 1 → 0x… (leaf)`. */
export function describeStep(s: RetainerStep): string {
  const to = `→ ${hex(s.target)} (${s.targetSiteName})`;
  switch (s.kind) {
    case "global": return `global ${s.index} ${to}`;
    case "pin": return `pin ${s.index} ${to}`;
    case "stack": return `goroutine ${s.goroutine} frame ${s.frame} slot ${s.slot} ${to}`;
    case "field": return `${hex(s.holder)}.field ${s.field} ${to}`;
  }
}

function siteOfHandle(w: Uint32Array, h: number): number {
  return w[(h + abi.HDR_META) >>> 2] >>> abi.SITE_SHIFT;
}

function readSteps(e: Engine, count: number, into: RetainerStep[]): void {
  const w = u32s(e.raw);
  const base = (e.raw.analysisAddress(abi.AN_PATH) >>> 0) >>> 2;
  for (let k = 0; k < count; k++) {
    const o = base + k * abi.PATH_STEP_WORDS;
    const kind = w[o], a = w[o + 1], b = w[o + 2], c = w[o + 3], target = w[o + 4];
    const site = siteOfHandle(w, target);
    const t: StepTarget = { target, targetSite: site, targetSiteName: e.siteName(site) };
    switch (kind) {
      case abi.STEP_GLOBAL: into.push({ kind: "global", index: a, ...t }); break;
      case abi.STEP_PIN: into.push({ kind: "pin", index: a, ...t }); break;
      case abi.STEP_STACK: into.push({ kind: "stack", goroutine: a, frame: b, slot: c, ...t }); break;
      default: {
        const hs = siteOfHandle(w, a);
        into.push({ kind: "field", holder: a, holderSite: hs, holderSiteName: e.siteName(hs), field: b, ...t });
      }
    }
  }
}

/**
 * A shortest path from a root to `handle` (breadth first over the roots:
 * globals, pins, then each goroutine's stack slots), root slot first; each
 * field step names the holder object and the field that points to the next
 * step's object. null when `handle` is live but no root reaches it (garbage
 * the next collection frees). Runs the retainers analysis unless a fresh one
 * exists. Throws InvalidHandleError for a handle that is not a live object.
 */
export function retainerPath(e: Engine, handle: number): RetainerStep[] | null {
  const length = pathQuery(e, (skip) => e.raw.analysisPath(handle, skip), "retainerPath");
  if (length === null) return null;
  return wholePath(e, handle, length);
}

/**
 * Asks the core for a path (or shape) of `handle` — `query(skip)` writes a
 * window of it and returns its whole length — rerunning a stale retainers
 * analysis first; null when no root reaches `handle`.
 */
function pathQuery(e: Engine, query: (skip: number) => number, what: string): number | null {
  let length = query(0);
  if (length === -abi.E_STALE_ANALYSIS) {
    run(e, abi.ANALYZE_RETAINERS);
    length = query(0);
  }
  if (length === -abi.E_UNREACHABLE) return null;
  if (length < 0) fail(e, -length, what);
  return length;
}

/** All `length` steps of the path to `handle` whose first window the core just wrote, window by window. */
function wholePath(e: Engine, handle: number, length: number): RetainerStep[] {
  const steps: RetainerStep[] = [];
  readSteps(e, Math.min(length, abi.PATH_MAX_STEPS), steps);
  for (let skip = abi.PATH_MAX_STEPS; skip < length; skip += abi.PATH_MAX_STEPS) {
    e.raw.analysisPath(handle, skip);
    readSteps(e, Math.min(length - skip, abi.PATH_MAX_STEPS), steps);
  }
  return steps;
}

// ── Dominators ───────────────────────────────────────────────────────────────

/** An object and what it retains. */
export interface Retainer {
  handle: number;
  site: number;
  siteName: string;
  slotBytes: number;
  /** Slot bytes freed if this object were: its dominator subtree, itself included. */
  retainedBytes: number;
}

/** A site's retained set: the union of its objects' dominator subtrees, shared subtrees counted once. */
export interface SiteRetained {
  site: number;
  name: string;
  retainedObjects: number;
  retainedBytes: number;
  /** Its own reachable objects and their slot bytes. */
  reachableObjects: number;
  reachableBytes: number;
}

/** One reachable object, as a heap snapshot would list it. */
export interface ReachableObject {
  handle: number;
  site: number;
  /** Pointer fields: read them with engine.field(handle, i). */
  pointers: number;
  slotBytes: number;
  /** The immediate dominator's handle, 0 when only the roots dominate it. */
  idom: number;
  retainedBytes: number;
}

/**
 * The dominator tree of the reachable graph (the roots as one super-root),
 * with retained sizes, as of the analysis that made it. Every query throws
 * StaleAnalysisError once the heap has changed.
 */
export class Dominators {
  /** The analysis this came from. */
  readonly info: AnalysisInfo;

  constructor(private readonly engine: Engine, info: AnalysisInfo) {
    this.info = info;
  }

  /** Reachable objects. */
  get count(): number { return this.info.objects; }

  /** True while the heap is as it was when this was computed. */
  get fresh(): boolean {
    const core = this.engine.raw;
    if ((core.analysisFresh() & abi.ANALYZE_DOMINATORS) === 0) return false;
    return f64s(core)[((core.analysisAddress(abi.AN_INFO) >>> 0) >>> 3) + abi.AI_GENERATION] === this.info.generation;
  }

  private check(what: string): void {
    if (!this.fresh) throw new StaleAnalysisError(what);
  }

  /** Slot bytes `handle` retains; 0 for a live object no root reaches. */
  retainedBytes(handle: number): number {
    this.check("retainedBytes");
    const r = this.engine.raw.analysisRetained(handle);
    if (r >= 0) return r;
    if (r === -abi.E_UNREACHABLE) return 0;
    return fail(this.engine, -r, "retainedBytes");
  }

  /** The immediate dominator of `handle`: an object, 0 when only the roots as a whole dominate it, null when no root reaches it. */
  idom(handle: number): number | null {
    this.check("idom");
    const d = this.engine.raw.analysisIdom(handle) >>> 0;
    if (d === 0 || d >= abi.MIN_VALID) return d;
    if (d === abi.E_UNREACHABLE) return null;
    return fail(this.engine, d, "idom");
  }

  /** The `k` objects that retain the most (at most abi.TOP_MAX), largest first; ties by address. */
  topRetainers(k: number): Retainer[] {
    this.check("topRetainers");
    if (!Number.isInteger(k) || k < 0 || k > abi.TOP_MAX) throw new TricolorError(`topRetainers: k must be an integer from 0 to ${abi.TOP_MAX}, got ${k}`, abi.E_BAD_ARGUMENT);
    const core = this.engine.raw;
    const n = core.analysisTop(k);
    if (n < 0) fail(this.engine, -n, "topRetainers");
    const w = u32s(core);
    const base = (core.analysisAddress(abi.AN_TOP) >>> 0) >>> 2;
    const out: Retainer[] = [];
    for (let i = 0; i < n; i++) {
      const handle = w[base + 2 * i];
      const site = siteOfHandle(w, handle);
      out.push({ handle, site, siteName: this.engine.siteName(site), slotBytes: core.slotBytes(handle) >>> 0, retainedBytes: w[base + 2 * i + 1] });
    }
    return out;
  }

  /** Per site: the union of its objects' dominator subtrees, and its reachable objects; sites with reachable objects, largest retained first. */
  siteRetained(): SiteRetained[] {
    this.check("siteRetained");
    const core = this.engine.raw;
    const f = f64s(core);
    const base = (core.analysisAddress(abi.AN_SITES) >>> 0) >>> 3;
    const out: SiteRetained[] = [];
    for (let s = 0; s < abi.MAX_SITES; s++) {
      const o = base + s * abi.AS_SLOTS;
      const reachableObjects = f[o + abi.AS_REACHABLE_OBJECTS];
      if (reachableObjects === 0) continue;
      out.push({
        site: s,
        name: this.engine.siteName(s),
        retainedObjects: f[o + abi.AS_RETAINED_OBJECTS],
        retainedBytes: f[o + abi.AS_RETAINED_BYTES],
        reachableObjects,
        reachableBytes: f[o + abi.AS_REACHABLE_BYTES],
      });
    }
    return out.sort((a, b) => b.retainedBytes - a.retainedBytes || a.site - b.site);
  }

  /**
   * Every reachable object in address order, with its dominator and
   * retained size: the walk a heap snapshot takes (edges: engine.field(handle, i)
   * for i < pointers). Reads the core's tables directly; throws StaleAnalysisError
   * if the heap changes while it is being walked.
   */
  *objects(): Generator<ReachableObject> {
    this.check("objects");
    const core = this.engine.raw;
    const n = this.info.objects;
    const obj = (core.analysisAddress(abi.AN_OBJECTS) >>> 0) >>> 2;
    const idom = (core.analysisAddress(abi.AN_IDOM) >>> 0) >>> 2;
    const ret = (core.analysisAddress(abi.AN_RETAINED) >>> 0) >>> 2;
    let w = u32s(core);
    for (let i = 0; i < n; i++) {
      // The consumer runs between steps: if it changed the heap, stop with the error rather than yield stale objects.
      if ((i & 1023) === 1023) this.check("objects");
      if (w.buffer !== core.memory.buffer) w = u32s(core);
      const handle = w[obj + i];
      const meta = w[(handle + abi.HDR_META) >>> 2];
      yield {
        handle,
        site: meta >>> abi.SITE_SHIFT,
        pointers: meta & abi.NPTR_MASK,
        slotBytes: core.slotBytes(handle) >>> 0,
        idom: w[idom + i],
        retainedBytes: w[ret + i],
      };
    }
  }
}

/**
 * Runs the full analysis (or reuses a fresh one): dominator tree, retained
 * sizes, per-site unions, and the retainers. Throws
 * AnalysisOutOfMemoryError when its side tables do not fit.
 */
export function dominators(e: Engine): Dominators {
  return new Dominators(e, run(e, abi.ANALYZE_ALL));
}

// ── Root slots ──────────────────────────────────────────────────────────────

/** A root slot holding a reachable object: a global, a pin, or a goroutine's stack slot (frame 0 = the first). */
export type RootSlot = Extract<RetainerStep, { kind: "global" | "pin" | "stack" }>;

/**
 * Every root slot that holds a reachable object, in the order the collector
 * scans them: the globals, the pins, then each live goroutine's frames, top
 * frame first — the root edges of a heap snapshot. Needs a fresh analysis
 * (engine.dominators() or retainerPath ran since the heap last changed):
 * throws StaleAnalysisError otherwise, AnalysisOutOfMemoryError when the
 * entries (20 bytes each) do not fit in wasm32 memory.
 */
export function rootSlots(e: Engine): RootSlot[] {
  const core = e.raw;
  const n = core.analysisRoots();
  if (n < 0) {
    if (-n === abi.E_OUT_OF_MEMORY) throw new AnalysisOutOfMemoryError(core.lastErrorArg() >>> 0, e.composition());
    fail(e, -n, "rootSlots");
  }
  const w = u32s(core);
  const base = (core.analysisAddress(abi.AN_ROOTS) >>> 0) >>> 2;
  const out: RootSlot[] = [];
  for (let k = 0; k < n; k++) {
    const o = base + k * abi.PATH_STEP_WORDS;
    const kind = w[o], a = w[o + 1], target = w[o + 4];
    const site = siteOfHandle(w, target);
    const t: StepTarget = { target, targetSite: site, targetSiteName: e.siteName(site) };
    if (kind === abi.STEP_GLOBAL) out.push({ kind: "global", index: a, ...t });
    else if (kind === abi.STEP_PIN) out.push({ kind: "pin", index: a, ...t });
    else out.push({ kind: "stack", goroutine: a, frame: w[o + 2], slot: w[o + 3], ...t });
  }
  return out;
}
// ── Allocation epochs (assembly/ages.ts) ─────────────────────────────────────

/** The state of allocation-epoch tracking, and every dated object by epoch. */
export interface AgeInfo {
  /** Tracking is on (it turns itself off if its planes ever stop fitting in memory). */
  on: boolean;
  /** Mutator clock when tracking started (epoch 1 begins there), and the clock now. */
  startClock: number;
  clock: number;
  /** Clock units per epoch now (every epoch has this length: epochs merge in pairs as the run grows). */
  epochLength: number;
  /** The epoch the clock is in (1 … AGES_MAX_EPOCH). */
  epoch: number;
  ticks: number;
  merges: number;
  /** Memory the epoch planes use (256 bytes per mapped arena page). */
  planeBytes: number;
  /** Objects dated: every object that existed at the last tick or mark termination and still exists. */
  dated: number;
  /** Dated objects and slot bytes per epoch; index e is epoch e (index 0 is unused). */
  epochs: { objects: number; bytes: number }[];
}

/** Objects dated to the epochs from … to, per site. */
export interface DatedSites {
  fromEpoch: number;
  toEpoch: number;
  /** The mutator-clock span those epochs cover: [fromClock, toClock). */
  fromClock: number;
  toClock: number;
  sites: SiteCount[];
}

function countAges(e: Engine, from: number, to: number): AgeInfo | null {
  const core = e.raw;
  const n = core.agesCount(from, to);
  if (n < 0) return null;
  const f = f64s(core);
  const info = (core.agesAddress(abi.AGES_INFO) >>> 0) >>> 3;
  const hist = (core.agesAddress(abi.AGES_EPOCHS) >>> 0) >>> 3;
  if (info === 0) return null;
  const epochs = [];
  for (let k = 0; k <= abi.AGES_MAX_EPOCH; k++) epochs.push({ objects: f[hist + 2 * k], bytes: f[hist + 2 * k + 1] });
  return {
    on: f[info + abi.AGI_ON] === 1,
    startClock: f[info + abi.AGI_START_CLOCK],
    clock: f[info + abi.AGI_CLOCK],
    epochLength: f[info + abi.AGI_LENGTH],
    epoch: f[info + abi.AGI_EPOCH],
    ticks: f[info + abi.AGI_TICKS],
    merges: f[info + abi.AGI_MERGES],
    planeBytes: f[info + abi.AGI_PLANE_BYTES],
    dated: f[info + abi.AGI_DATED],
    epochs,
  };
}

/** Epoch tracking's state and the dated objects by epoch; null if tracking never ran on this engine (EngineOptions.trackAges). */
export function ageInfo(e: Engine): AgeInfo | null {
  return countAges(e, 1, 0);
}

/**
 * The objects that exist now and were allocated in epochs from … to
 * (1-based, inclusive), per site, largest first; null if tracking never ran.
 * Objects allocated since the last epoch tick or mark termination are not
 * dated yet (after a collection, every object is).
 */
export function datedBySite(e: Engine, fromEpoch: number, toEpoch: number): DatedSites | null {
  if (!Number.isInteger(fromEpoch) || !Number.isInteger(toEpoch) || fromEpoch < 1 || toEpoch > abi.AGES_MAX_EPOCH) {
    throw new TricolorError(`datedBySite: epochs must be integers from 1 to ${abi.AGES_MAX_EPOCH}, got ${fromEpoch} … ${toEpoch}`, abi.E_BAD_ARGUMENT);
  }
  const info = countAges(e, fromEpoch, toEpoch);
  if (info === null) return null;
  const core = e.raw;
  const f = f64s(core);
  const base = (core.agesAddress(abi.AGES_SITES) >>> 0) >>> 3;
  const sites: SiteCount[] = [];
  for (let s = 0; s < abi.MAX_SITES; s++) {
    const objects = f[base + s * abi.AGES_SITE_SLOTS];
    if (objects > 0) sites.push({ site: s, name: e.siteName(s), objects, bytes: f[base + s * abi.AGES_SITE_SLOTS + 1] });
  }
  return {
    fromEpoch,
    toEpoch,
    fromClock: info.startClock + (fromEpoch - 1) * info.epochLength,
    toClock: info.startClock + toEpoch * info.epochLength,
    sites: sites.sort(bySize),
  };
}

// ── Path shapes ──────────────────────────────────────────────────────────────

/** One entry of a path's shape: a step, and how many times it repeats in a row. */
export type ShapeStep =
  | { kind: "global"; index: number; count: number }
  | { kind: "pin"; index: number; count: number }
  | { kind: "stack"; goroutine: number; frame: number; slot: number; count: number }
  | { kind: "field"; holderSite: number; holderSiteName: string; field: number; count: number };

/**
 * The shape of a shortest path from a root to `handle`: its steps, root
 * first, with each run of equal steps (same holder site and field, or the
 * same root slot) as one entry and a count, computed in the core so a
 * 100,000-step chain costs a handful of entries; null when no root reaches
 * it. Runs the retainers analysis unless a fresh one exists.
 */
export function retainerShape(e: Engine, handle: number): ShapeStep[] | null {
  const core = e.raw;
  const entries = pathQuery(e, (skip) => core.analysisShape(handle, skip), "retainerShape");
  if (entries === null) return null;
  const out: ShapeStep[] = [];
  for (let skip = 0; skip < entries; skip += abi.PATH_MAX_STEPS) {
    if (skip > 0) core.analysisShape(handle, skip);
    const w = u32s(core);
    const base = (core.analysisAddress(abi.AN_PATH) >>> 0) >>> 2;
    for (let k = 0; k < Math.min(entries - skip, abi.PATH_MAX_STEPS); k++) {
      const o = base + k * abi.PATH_STEP_WORDS;
      const kind = w[o], a = w[o + 1], b = w[o + 2], c = w[o + 3], count = w[o + 4];
      switch (kind) {
        case abi.STEP_GLOBAL: out.push({ kind: "global", index: a, count }); break;
        case abi.STEP_PIN: out.push({ kind: "pin", index: a, count }); break;
        case abi.STEP_STACK: out.push({ kind: "stack", goroutine: a, frame: b, slot: c, count }); break;
        default: out.push({ kind: "field", holderSite: a, holderSiteName: e.siteName(a), field: b, count });
      }
    }
  }
  return out;
}

/**
 * Up to `max` reachable objects of each of `sites`, spread evenly over each
 * site's objects in address order (every ⌈n/max⌉-th), from a fresh analysis:
 * the table of objects is read directly, one pass for all the sites.
 */
export function sampleSites(d: Dominators, e: Engine, sites: readonly { site: number; objects: number }[], max: number): Map<number, number[]> {
  if (!d.fresh) throw new StaleAnalysisError("sampleSites");
  const core = e.raw;
  const stride = new Map<number, number>();
  const seen = new Map<number, number>();
  const out = new Map<number, number[]>();
  for (const s of sites) {
    stride.set(s.site, Math.max(1, Math.ceil(s.objects / max)));
    seen.set(s.site, 0);
    out.set(s.site, []);
  }
  const w = u32s(core);
  const obj = (core.analysisAddress(abi.AN_OBJECTS) >>> 0) >>> 2;
  for (let i = 0, n = d.count; i < n; i++) {
    const handle = w[obj + i];
    const site = siteOfHandle(w, handle);
    const k = seen.get(site);
    if (k === undefined) continue;
    seen.set(site, k + 1);
    const list = out.get(site)!;
    if (k % stride.get(site)! === 0 && list.length < max) list.push(handle);
  }
  return out;
}

/**
 * The first and last `keep` steps of a shortest path from a root to
 * `handle` (the whole path when it has at most 2 × keep steps; keep ≤
 * abi.PATH_MAX_STEPS), and its length; null when no root reaches it. Two
 * windows of the core's path block, so a 100,000-step chain is never read
 * whole.
 */
export function retainerPathEnds(e: Engine, handle: number, keep: number): { length: number; steps: RetainerStep[] } | null {
  if (!Number.isInteger(keep) || keep < 1 || keep > abi.PATH_MAX_STEPS) {
    throw new TricolorError(`retainerPathEnds: keep must be an integer from 1 to ${abi.PATH_MAX_STEPS}, got ${keep}`, abi.E_BAD_ARGUMENT);
  }
  const length = pathQuery(e, (skip) => e.raw.analysisPath(handle, skip), "retainerPathEnds");
  if (length === null) return null;
  if (length <= 2 * keep) return { length, steps: wholePath(e, handle, length) };
  const steps: RetainerStep[] = [];
  readSteps(e, keep, steps);
  e.raw.analysisPath(handle, length - keep);
  readSteps(e, keep, steps);
  return { length, steps };
}

/**
 * The reachable objects that only the roots as a whole dominate (the
 * dominator tree's top level) and retain at least `minBytes`, largest
 * first: one pass over the core's tables.
 */
export function topLevelRetainers(d: Dominators, e: Engine, minBytes: number): Retainer[] {
  if (!d.fresh) throw new StaleAnalysisError("topLevelRetainers");
  const core = e.raw;
  const w = u32s(core);
  const obj = (core.analysisAddress(abi.AN_OBJECTS) >>> 0) >>> 2;
  const idom = (core.analysisAddress(abi.AN_IDOM) >>> 0) >>> 2;
  const ret = (core.analysisAddress(abi.AN_RETAINED) >>> 0) >>> 2;
  const out: Retainer[] = [];
  for (let i = 0, n = d.count; i < n; i++) {
    if (w[idom + i] !== 0 || w[ret + i] < minBytes) continue;
    const handle = w[obj + i];
    const site = siteOfHandle(w, handle);
    out.push({ handle, site, siteName: e.siteName(site), slotBytes: core.slotBytes(handle) >>> 0, retainedBytes: w[ret + i] });
  }
  return out.sort((a, b) => b.retainedBytes - a.retainedBytes || a.handle - b.handle);
}

/**
 * The root slot a shortest retainer path to `handle` starts from (the
 * path's first step), without reading the rest of the path: one pass up the
 * breadth-first parents, however long the path. null when no root reaches it.
 */
export function retainerRoot(e: Engine, handle: number): RetainerStep | null {
  if (pathQuery(e, (skip) => e.raw.analysisPath(handle, skip), "retainerRoot") === null) return null;
  const steps: RetainerStep[] = [];
  readSteps(e, 1, steps);
  return steps[0] ?? null;
}
