/**
 * The engine: a typed, documented front for one wasm heap instance.
 *
 * This is the only module that knows how the core lays out memory (through
 * src/abi.ts): object headers, the stats, verify and profile blocks. It runs
 * in Node and in browsers alike and imports nothing from `node:`; loading the
 * wasm from a file lives in src/node.ts.
 *
 * Handles are plain numbers — byte addresses of objects in wasm memory, 0 for
 * nil — and goroutines are numeric ids. Every checked method validates what
 * it is given in the core and throws a typed error (src/errors.ts) without
 * changing the heap. Hot methods call the raw wasm exports directly, without
 * the loader's per-call wrapper, and `field()` reads memory through a typed
 * array view with no call at all: pointer reads need no barrier.
 */
import { instantiate } from "@assemblyscript/loader";
import * as abi from "../../contract/abi.js";
import type { Core } from "./core.js";
import { BARRIERS, type Barrier } from "./strategies.js";

export { BARRIERS, type Barrier };
import { errorFor, OutOfMemoryError, TricolorError, type HeapComposition } from "./errors.js";
import { EventRecorder, type RecordMode } from "./records.js";
import * as analysis from "./analysis.js";
import type { Dominators, LiveBySite, LiveSeries, RetainerStep, SiteCount } from "./analysis.js";
import * as goroutineTable from "./goroutines.js";
import type { GoroutineInfo, Retained } from "./goroutines.js";
import * as escapeTable from "./escapes.js";
import type { EscapeCounts, EscapeDestination, EscapedObject } from "./escapes.js";
import { fragmentation as readFragmentation, pagesFor, type FragmentationReport } from "./fragmentation.js";
import { PATH_ENDS_KEPT, pathText } from "./path-text.js";
import type { OomDetail } from "./errors.js";


/** GOGC: a percentage, or "off" (Go's GOGC=off). */
export type Gogc = number | "off";

/** How an engine is configured. Sizes in bytes. */
export interface EngineOptions {
  /** Collector strategy: stop-the-world, or a concurrent mark with this barrier. Default "stw". */
  barrier?: Barrier;
  /** Soft memory limit (GOMEMLIMIT): the heap goal never exceeds it. 0 = none (default). */
  memoryLimit?: number;
  /** Background mark share of mutator time, percent. Default 25 (Go's dedicated workers). */
  backgroundPercent?: number;
  /** Words of mark work per background or assist slice. Default 4096; small values interleave the collector finely (tests). */
  markQuantum?: number;
  /** Hard limit on the arena (objects + stacks); allocation beyond it is out of memory. Default 1 GiB. */
  maxHeap?: number;
  /** GOGC: heap growth percentage that triggers a cycle; "off" disables. Default 100. */
  gogc?: Gogc;
  /** Number of global root slots. Default 1024. */
  globals?: number;
  /** Maximum live goroutines. Default 65536. */
  maxGoroutines?: number;
  /** Grey-queue capacity in entries; overflow is handled, only slower. Default 1 Mi. */
  markQueue?: number;
  /** Run the verifier at every mark termination. Default false. */
  verifyEachCycle?: boolean;
  /**
   * Debug core only: hold freed slots in quarantine (poisoned, not reused for
   * a while) so a stale handle is refused as freed. Default true; the release
   * core has no quarantine and ignores this.
   */
  quarantine?: boolean;
  /** Keep every GC event ("all", what --trace needs) or bounded lists and streaming statistics ("bounded", default; src/records.ts). */
  recordEvents?: RecordMode;
  /**
   * Date every object by the epoch of the mutator clock it was allocated in
   * (assembly/ages.ts: no cost on the allocation fast path, 256 bytes per
   * mapped page), so that ageInfo()/datedBySite() can say which objects that
   * exist were allocated when. Default false.
   */
  trackAges?: boolean;
}

export type PauseKind = "sweep-termination" | "mark-termination" | "stack-scan" | "stw-cycle";
export type SliceKind = "background" | "assist";

/** One pause, as the core reported it: global (the world stopped) or one goroutine's stack scan. */
export interface Pause {
  kind: PauseKind;
  cycle: number;
  startNs: number;
  endNs: number;
  /** Deterministic work: root and object words scanned inside the pause. */
  words: number;
  /** Stacks scanned inside the pause (global pauses). */
  stacks: number;
  /** Objects scanned inside the pause. */
  objects: number;
  /** For stack-scan pauses: the goroutine stopped. */
  goroutine?: number;
}

/** A slice of concurrent mark work done at a safe point (not a pause: the world runs). */
export interface MarkSlice {
  kind: SliceKind;
  cycle: number;
  startNs: number;
  endNs: number;
  words: number;
}

/** Everything one GC cycle did (the core's cycle block, see src/abi.ts C_*). */
export interface CycleRecord {
  cycle: number;
  forced: boolean;
  startNs: number;
  endNs: number;
  sweepTermNs: number;
  markNs: number;
  markTermNs: number;
  heapStartBytes: number;
  heapEndBytes: number;
  heapMarkedBytes: number;
  markedObjects: number;
  heapGoalBytes: number;
  nextGoalBytes: number;
  triggerBytes: number;
  stackBytes: number;
  globalsBytes: number;
  assistWords: number;
  backgroundWords: number;
  assistNs: number;
  backgroundNs: number;
  barrierCalls: number;
  barrierShaded: number;
  stacksScanned: number;
  rescanWords: number;
  lostObjects: number;
  /** Objects marked but unreachable at mark termination; -1 when the cycle was not verified. */
  floatingObjects: number;
  sweepTermWords: number;
  markTermWords: number;
  spansSweptInPause: number;
  // The pacer's view of the cycle (gcpacertrace lines, src/gctrace.ts).
  /** Scan-work bytes owed per byte allocated, at mark start (Go's assistWorkPerByte). */
  assistRatio: number;
  /** Scannable heap estimate at mark start, bytes (Go's heapScan). */
  heapScanBytes: number;
  /** The heap goal at mark start; -1 when there is none (GOGC=off, no memory limit). */
  goalAtStartBytes: number;
  /** The background mark CPU share the cycle aimed at (0.25 by default). */
  backgroundUtilization: number;
  /** The measured GC CPU share of the mark, 0..1. */
  utilization: number;
  /** Bytes of scan work done this cycle, by root kind. */
  heapScanWork: number;
  stackScanWork: number;
  globalsScanWork: number;
  /** Scan work the pacer expected, bytes. */
  expectedScanWork: number;
  /** heapLive when the cycle was triggered. */
  triggeredBytes: number;
  /** The cons/mark ratio the cycle was paced with. */
  consMarkBefore: number;
  /**
   * The goal at the end of the cycle, for ∆goal. Go's endCycle takes it from
   * gcController.lastHeapGoal, the same value gcMarkTermination prints as "MB
   * goal", so it is read from the same slot as heapGoalBytes.
   */
  lastGoalBytes: number;
  /** Why the cycle started: the pacer's trigger, collect() (runtime.GC()), a full heap, or startCycle(). */
  trigger: TriggerKind;
  /** Mutator-clock units that passed during the mark (0 for stw: the mark is one pause). */
  mutatorUnits: number;
  /** The GC CPU limiter was on at some point in the cycle (assists skipped). */
  limiterOn: boolean;
  /** The cons/mark estimate the next cycle is paced with. */
  consMark: number;
  /** Goroutines alive at mark termination. */
  goroutines: number;
}

export type TriggerKind = "heap" | "user" | "heap-full" | "explicit";
const TRIGGER_KINDS: Record<number, TriggerKind> = {
  [abi.TRIGGER_HEAP]: "heap",
  [abi.TRIGGER_USER]: "user",
  [abi.TRIGGER_HEAP_FULL]: "heap-full",
  [abi.TRIGGER_EXPLICIT]: "explicit",
};

export interface HeapStats {
  cycles: number;
  heapAllocBytes: number;
  heapPeakBytes: number;
  heapMappedBytes: number;
  heapMaxBytes: number;
  markedBytes: number;
  markedObjects: number;
  objectsAllocated: number;
  bytesAllocated: number;
  objectsFreed: number;
  bytesFreed: number;
  heapGoalBytes: number;
  stackBytes: number;
  globalsBytes: number;
  spansInUse: number;
  spansFreed: number;
  pagesFree: number;
  pagesReused: number;
  pauseTotalNs: number;
  pauseMaxNs: number;
  wordsScanned: number;
  objectsScanned: number;
  queueOverflows: number;
  goroutines: number;
  unsweptSpans: number;
  lostAtMark: number;
  heapTriggerBytes: number;
  heapLiveBytes: number;
  /** Pointers met while marking that named no live object (a bug or a stale handle written into the heap). */
  heapCorruptions: number;
  /** The first such pointer, 0 if none. */
  firstCorruption: number;
  /** Debug core: bytes of freed slots held in quarantine. */
  quarantinedBytes: number;
  /** Mutator time so far, in units (one unit ≈ one word of scanning). */
  mutatorClock: number;
  /** Words of GC work so far: in pauses, background slices and assists (the three add up to it). */
  gcWork: number;
  gcWorkStw: number;
  gcWorkBackground: number;
  gcWorkAssist: number;
  forcedCycles: number;
  /** Times the GC CPU limiter turned on. */
  limiterEnabled: number;
}

export interface VerifyReport {
  reachableObjects: number;
  reachableBytes: number;
  lostObjects: number;
  integrityErrors: number;
  liveObjects: number;
  liveBytes: number;
  /** First offending addresses with their code (abi I_* or E_*). */
  samples: { address: number; code: number }[];
}

export interface ObjectHeader {
  /** Payload bytes: pointer slots × 4 + scalar bytes. */
  size: number;
  pointers: number;
  site: number;
}


/** The max heap an engine gets unless told otherwise. */
export const DEFAULT_MAX_HEAP = 1 << 30;

const DEFAULTS = {
  barrier: "stw" as Barrier,
  maxHeap: DEFAULT_MAX_HEAP,
  gogc: 100 as number | "off",
  memoryLimit: 0,
  backgroundPercent: 25,
  markQuantum: 4096,
  globals: 1024,
  maxGoroutines: 65536,
  markQueue: 1 << 20,
  verifyEachCycle: false,
  quarantine: true,
  recordEvents: "bounded" as RecordMode,
  trackAges: false,
};

const PAUSE_KINDS: Record<number, PauseKind> = {
  [abi.EV_PAUSE_SWEEP_TERM]: "sweep-termination",
  [abi.EV_PAUSE_MARK_TERM]: "mark-termination",
  [abi.EV_PAUSE_STACK]: "stack-scan",
  [abi.EV_PAUSE_FULL]: "stw-cycle",
};

/** Largest heap a wasm32 memory can hold next to its side tables. */
export const MAX_HEAP_LIMIT = 3 * 2 ** 30;

export class Engine {
  /** What is kept of the GC events: exact statistics, and the lists below (bounded unless recordEvents is "all"). */
  readonly events: EventRecorder;
  /** Global stop-the-world pauses so far, in order: all of them, or in bounded mode up to 10,000 then the longest 10,000. */
  get pauses(): readonly Pause[] { return this.events.pauses; }
  /** Per-goroutine stack-scan pauses, in order (apart from global pauses): all, or in bounded mode the longest 5,000. */
  get stackPauses(): readonly Pause[] { return this.events.stackPauses; }
  /** Slices of concurrent mark work (background and assists), in order: all, or in bounded mode a uniform sample of ≤ 20,000. */
  get slices(): readonly MarkSlice[] { return this.events.slices; }
  /** Completed cycles, in order: all, or in bounded mode the first 100,000. */
  get cycles(): readonly CycleRecord[] { return this.events.cycles; }
  /** Called as each cycle completes (e.g. for gctrace lines). */
  onCycle: ((c: CycleRecord) => void) | null = null;
  /**
   * Called with every GC event as the core reports it (abi.EV_*: a = words of
   * work, b = stacks scanned or, for a stack scan, the goroutine, c = objects
   * scanned), after it is recorded and from inside the core's call: a page
   * steps through a collection by these (src/web). Only read-only calls may
   * be made from it.
   */
  onEvent: ((kind: number, cycle: number, t0: number, t1: number, a: number, b: number, c: number) => void) | null = null;
  readonly options: Required<EngineOptions>;
  private core!: Core;
  private u32 = new Uint32Array(0);
  private f64 = new Float64Array(0);
  private view = new DataView(new ArrayBuffer(0));
  private readonly siteNames: string[] = ["(default)"];
  private readonly siteIds = new Map<string, number>([["(default)", 0]]);
  /** Goroutine labels, as sites: id 0 is "no label". */
  private readonly labelNames: string[] = [""];
  private readonly labelIds = new Map<string, number>([["", 0]]);
  /** What each cycle found live per site (src/engine/analysis.ts), read at every EV_CYCLE. */
  private siteLive!: analysis.SiteLiveRecorder;

  private constructor(options: EngineOptions) {
    // An option given as undefined takes its default, as if it were absent.
    const given = Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined));
    this.options = { ...DEFAULTS, ...given } as Required<EngineOptions>;
    this.events = new EventRecorder(this.options.recordEvents);
    const { maxHeap, barrier, memoryLimit, backgroundPercent } = this.options;
    if (!Number.isFinite(maxHeap) || maxHeap < 1 << 20 || maxHeap > MAX_HEAP_LIMIT) {
      throw new TricolorError(`maxHeap must be between 1 MiB and 3 GiB, got ${maxHeap}`, abi.E_BAD_ARGUMENT);
    }
    if (!BARRIERS.includes(barrier)) {
      throw new TricolorError(`barrier must be one of ${BARRIERS.join(", ")}, got ${String(barrier)}`, abi.E_BAD_ARGUMENT);
    }
    if (!Number.isFinite(memoryLimit) || memoryLimit < 0) {
      throw new TricolorError(`memoryLimit must be a size in bytes (0 for none), got ${memoryLimit}`, abi.E_BAD_ARGUMENT);
    }
    if (!Number.isInteger(backgroundPercent) || backgroundPercent < 1 || backgroundPercent > 99) {
      throw new TricolorError(`backgroundPercent must be an integer from 1 to 99, got ${backgroundPercent}`, abi.E_BAD_ARGUMENT);
    }
  }

  /** Instantiates the core from wasm bytes (or a compiled module, or a fetch Response). */
  static async create(source: BufferSource | WebAssembly.Module | Response | Promise<Response>, options: EngineOptions = {}): Promise<Engine> {
    const engine = new Engine(options);
    const imports = {
      env: {
        nowNs: () => performance.now() * 1e6,
        memoryGrown: () => engine.refreshViews(),
        gcEvent: (kind: number, cycle: number, t0: number, t1: number, a: number, b: number, c: number) => engine.recordEvent(kind, cycle, t0, t1, a, b, c),
      },
    };
    const { instance } = await instantiate(source as never, imports as never);
    engine.attach(instance.exports as unknown as Core);
    return engine;
  }

  /** Instantiates the core from a URL (browsers; Node 20 can fetch file: URLs only through src/node.ts). */
  static async fromUrl(url: string | URL, options: EngineOptions = {}): Promise<Engine> {
    return Engine.create(fetch(url), options);
  }

  private attach(core: Core): void {
    this.core = core;
    const o = this.options;
    this.siteLive = new analysis.SiteLiveRecorder(core, (id) => this.siteName(id), o.recordEvents, () => this.siteNames.length);
    const pages = Math.floor(o.maxHeap / abi.PAGE_BYTES);
    if (core.init(pages, o.globals, o.maxGoroutines, o.markQueue) !== abi.OK) {
      throw new TricolorError(`cannot lay out a heap of ${o.maxHeap} bytes with ${o.globals} globals, ${o.maxGoroutines} goroutines and a ${o.markQueue}-entry queue`, core.lastErrorCode());
    }
    this.refreshViews();
    core.setBarrier(BARRIERS.indexOf(o.barrier));
    core.setBackgroundPercent(o.backgroundPercent);
    if (core.setMarkQuantum(o.markQuantum) !== abi.OK) throw new TricolorError(`markQuantum must be an integer from 1 to 16777216, got ${o.markQuantum}`, abi.E_BAD_ARGUMENT);
    core.setMemoryLimitBytes(o.memoryLimit);
    this.setGogc(o.gogc);
    core.setVerifyEachCycle(o.verifyEachCycle ? 1 : 0);
    core.setQuarantine(o.quarantine ? 1 : 0);
    // If its planes do not fit in wasm32 memory, tracking stays off (ageInfo() then says so); the heap is unaffected.
    if (o.trackAges) core.trackAges(1);
  }

  private refreshViews(): void {
    const buf = this.core.memory.buffer;
    this.u32 = new Uint32Array(buf);
    this.f64 = new Float64Array(buf);
    this.view = new DataView(buf);
  }

  /** Hands each event to the recorder, then to onEvent. */
  private recordEvent(kind: number, cycle: number, t0: number, t1: number, a: number, b: number, c: number): void {
    this.keepEvent(kind, cycle, t0, t1, a, b, c);
    this.onEvent?.(kind, cycle, t0, t1, a, b, c);
  }

  /** The recorder's part; no object is built here (most slices are never kept). */
  private keepEvent(kind: number, cycle: number, t0: number, t1: number, a: number, b: number, c: number): void {
    switch (kind) {
      case abi.EV_PAUSE_STACK:
        this.events.stackPause(cycle, t0, t1, a, b, c);
        return;
      case abi.EV_MARK_SLICE:
      case abi.EV_ASSIST:
        this.events.slice(kind === abi.EV_ASSIST, cycle, t0, t1, a);
        return;
      case abi.EV_CYCLE: {
        const rec = this.readCycle();
        this.siteLive.record(rec.cycle, rec.goroutines);
        this.events.cycle(rec);
        this.onCycle?.(rec);
        return;
      }
      default:
        this.events.pause(PAUSE_KINDS[kind], cycle, t0, t1, a, b, c);
    }
  }

  private readCycle(): CycleRecord {
    const base = this.core.cycleAddress() >>> 3;
    const v = (i: number) => this.f64[base + i];
    return {
      cycle: v(abi.C_CYCLE),
      forced: v(abi.C_FORCED) !== 0,
      startNs: v(abi.C_START_NS),
      endNs: v(abi.C_END_NS),
      sweepTermNs: v(abi.C_SWEEP_TERM_NS),
      markNs: v(abi.C_MARK_NS),
      markTermNs: v(abi.C_MARK_TERM_NS),
      heapStartBytes: v(abi.C_HEAP_START),
      heapEndBytes: v(abi.C_HEAP_END),
      heapMarkedBytes: v(abi.C_HEAP_MARKED),
      markedObjects: v(abi.C_MARKED_OBJECTS),
      heapGoalBytes: v(abi.C_HEAP_GOAL),
      nextGoalBytes: v(abi.C_NEXT_GOAL),
      triggerBytes: v(abi.C_TRIGGER),
      stackBytes: v(abi.C_STACK_BYTES),
      globalsBytes: v(abi.C_GLOBALS_BYTES),
      assistWords: v(abi.C_ASSIST_WORDS),
      backgroundWords: v(abi.C_BG_WORDS),
      assistNs: v(abi.C_ASSIST_NS),
      backgroundNs: v(abi.C_BG_NS),
      barrierCalls: v(abi.C_BARRIER_CALLS),
      barrierShaded: v(abi.C_BARRIER_SHADED),
      stacksScanned: v(abi.C_STACKS_SCANNED),
      rescanWords: v(abi.C_RESCAN_WORDS),
      lostObjects: v(abi.C_LOST),
      floatingObjects: v(abi.C_FLOATING),
      sweepTermWords: v(abi.C_SWEEP_TERM_WORDS),
      markTermWords: v(abi.C_MARK_TERM_WORDS),
      spansSweptInPause: v(abi.C_SPANS_SWEPT_STW),
      assistRatio: v(abi.C_ASSIST_RATIO),
      heapScanBytes: v(abi.C_HEAP_SCAN),
      goalAtStartBytes: v(abi.C_GOAL_AT_START),
      backgroundUtilization: v(abi.C_BG_UTILIZATION),
      utilization: v(abi.C_UTILIZATION),
      heapScanWork: v(abi.C_HEAP_SCAN_WORK),
      stackScanWork: v(abi.C_STACK_SCAN_WORK),
      globalsScanWork: v(abi.C_GLOBALS_SCAN_WORK),
      expectedScanWork: v(abi.C_EXPECTED_SCAN_WORK),
      triggeredBytes: v(abi.C_TRIGGERED),
      consMarkBefore: v(abi.C_CONS_MARK_BEFORE),
      lastGoalBytes: v(abi.C_HEAP_GOAL),
      trigger: TRIGGER_KINDS[v(abi.C_TRIGGER_KIND)] ?? "heap",
      mutatorUnits: v(abi.C_MUTATOR_UNITS),
      limiterOn: v(abi.C_LIMITER) !== 0,
      consMark: v(abi.C_CONS_MARK),
      goroutines: v(abi.C_GOROUTINES),
    };
  }

  /**
   * Throws the typed error for the failed call `what`: `code` is what the
   * export returned (an error code, src/abi.ts), the details are the core's
   * record of that same call.
   */
  private fail(what: string, code: number): never {
    const c = this.core;
    // Addresses and sizes are u32 in the core; wasm hands them over as i32.
    if (code === abi.E_OUT_OF_MEMORY) throw new OutOfMemoryError(c.lastErrorArg() >>> 0, this.composition(), this.oomDetail(what, c.lastErrorAddr() >>> 0, c.lastErrorArg() >>> 0));
    throw errorFor(code, c.lastErrorAddr() >>> 0, c.lastErrorArg() >>> 0, what);
  }

  private check(rc: number, what: string): void {
    if (rc !== abi.OK) this.fail(what, rc);
  }

  /** A handle or id an allocating export returned; below abi.MIN_VALID it is an error code. */
  private made(v: number, what: string): number {
    const p = v >>> 0;
    if (p < abi.MIN_VALID) this.fail(what, p);
    return p;
  }

  /** A stored value a reading export returned: 0 is nil, other values below abi.MIN_VALID are error codes. */
  private value(v: number, what: string): number {
    const p = v >>> 0;
    if (p !== 0 && p < abi.MIN_VALID) this.fail(what, p);
    return p;
  }

  // ── Configuration ──────────────────────────────────────────────────────

  /** Sets GOGC; "off" (or a negative number) disables the pacer's trigger. */
  setGogc(value: number | "off"): void {
    if (value !== "off" && (!Number.isInteger(value) || value > 2 ** 30)) {
      throw new TricolorError(`gogc must be an integer or "off", got ${value}`, abi.E_BAD_ARGUMENT);
    }
    this.core.setGogc(value === "off" ? -1 : value);
  }

  /** The id of allocation site `name`, registering it on first use (at most 4096 sites). */
  site(name: string): number {
    let id = this.siteIds.get(name);
    if (id === undefined) {
      if (this.siteNames.length >= abi.MAX_SITES) throw new TricolorError(`too many allocation sites (max ${abi.MAX_SITES})`, abi.E_BAD_ARGUMENT);
      id = this.siteNames.length;
      this.siteNames.push(name);
      this.siteIds.set(name, id);
    }
    return id;
  }

  siteName(id: number): string {
    return this.siteNames[id] ?? `site#${id}`;
  }

  // ── Allocation ─────────────────────────────────────────────────────────

  /** A new object with `pointers` nil slots and `scalarBytes` zero bytes. The result is unrooted: root it before the next allocation. */
  alloc(pointers: number, scalarBytes = 0, site = 0): number {
    return this.made(this.core.alloc(site, pointers, scalarBytes), "alloc");
  }

  /** A new object whose first two pointer slots are `f0` and `f1` (both stay rooted during the call). */
  allocWith(pointers: number, scalarBytes: number, f0: number, f1: number, site = 0): number {
    return this.made(this.core.allocWith(site, pointers, scalarBytes, f0, f1), "allocWith");
  }

  /**
   * Pops the top `pop` values of goroutine `g`'s top frame into the first
   * pointer slots of a new object (deepest value first) and pushes the object.
   * One call per constructor, and nothing unrooted at any point.
   */
  allocPush(g: number, pointers: number, scalarBytes: number, pop: number, site = 0): number {
    return this.made(this.core.allocPush(g, site, pointers, scalarBytes, pop), "allocPush");
  }

  /**
   * Builds a linked list of `n` 16-byte nodes inside the core (no call per
   * node) and pushes its head on `g`. Node i's scalar word holds i; the head is node n−1.
   */
  allocList(g: number, n: number, site = 0): void { this.check(this.core.allocList(g, site, n), "allocList"); }

  /** Builds a complete binary tree of `depth` (2^(depth+1)−1 nodes, two pointer slots each) inside the core and pushes it on `g`. */
  allocTree(g: number, depth: number, site = 0): void { this.check(this.core.allocTree(g, site, depth), "allocTree"); }

  // ── Goroutines, frames, stack values ───────────────────────────────────

  /**
   * Starts a goroutine with one empty frame; returns its id. `label` names
   * what it runs (Go's pprof labels, goleak's top function): the goroutine
   * report groups goroutines by it, and the label `main` marks a main
   * goroutine (README: leaked goroutines).
   */
  spawn(label?: string): number {
    return this.made(this.core.spawn(label === undefined ? 0 : this.label(label)), "spawn");
  }

  /** Ends goroutine `g`: its stack stops being a root. */
  exit(g: number): void { this.check(this.core.exit(g), "exit"); }

  /** Pushes a frame of `slots` nil slots on `g`. */
  pushFrame(g: number, slots = 0): void { this.check(this.core.pushFrame(g, slots), "pushFrame"); }

  /** Pops `g`'s top frame; its slots stop being roots. */
  popFrame(g: number): void { this.check(this.core.popFrame(g), "popFrame"); }

  /** Appends `p` (nil or a live object) to `g`'s top frame. */
  push(g: number, p: number): void { this.check(this.core.push(g, p), "push"); }

  /** Removes and returns the top value of `g`'s top frame. */
  pop(g: number): number {
    return this.value(this.core.pop(g), "pop");
  }

  /** Removes `n` values from `g`'s top frame. */
  drop(g: number, n = 1): void { this.check(this.core.drop(g, n), "drop"); }

  /** Value `k` from the top of `g`'s top frame (0 = top), without removing it. */
  peek(g: number, k = 0): number {
    return this.value(this.core.peek(g, k), "peek");
  }

  /** Sets slot `i` of `g`'s top frame (stack writes take no barrier). */
  setLocal(g: number, i: number, p: number): void { this.check(this.core.setLocal(g, i, p), "setLocal"); }

  getLocal(g: number, i: number): number {
    return this.value(this.core.getLocal(g, i), "getLocal");
  }

  /** Values in `g`'s top frame. */
  frameSlots(g: number): number { return this.nonNegative(this.core.frameSlots(g), "frameSlots"); }

  /** Frames on `g`'s stack (at least 1). */
  frames(g: number): number { return this.nonNegative(this.core.frames(g), "frames"); }

  /** Words used on `g`'s stack, frame headers included. */
  stackWords(g: number): number { return this.nonNegative(this.core.stackWords(g), "stackWords"); }

  private nonNegative(v: number, what: string): number {
    if (v < 0) this.fail(what, -v);
    return v;
  }

  // ── Globals and fields ─────────────────────────────────────────────────

  setGlobal(i: number, p: number): void { this.check(this.core.setGlobal(i, p), "setGlobal"); }

  getGlobal(i: number): number {
    return this.value(this.core.getGlobal(i), "getGlobal");
  }

  /** Stores `p` in pointer slot `i` of `obj`, checking both. */
  writeField(obj: number, i: number, p: number): void { this.check(this.core.writeField(obj, i, p), "writeField"); }

  /** Pointer slot `i` of `obj`, checking the handle and the index. */
  readField(obj: number, i: number): number {
    return this.value(this.core.readField(obj, i), "readField");
  }

  /**
   * Pointer slot `i` of `obj`, unchecked: one typed-array read, no call.
   * For trusted handles only (ones just read from the heap or a root), and
   * never across an allocation, which may free what it points to.
   */
  field(obj: number, i: number): number {
    return this.word(obj, i);
  }

  /**
   * Payload word `i` of `obj`, unchecked: pointer slots are words
   * 0 … pointers−1 and scalar words follow them. One typed-array read; the
   * same rules as field() (trusted handles, never across an allocation).
   */
  word(obj: number, i: number): number {
    return this.u32[(obj + abi.HEADER_BYTES + 4 * i) >>> 2];
  }

  /** The typed view `field()` reads; valid until the next allocation (memory may grow). */
  words(): Uint32Array { return this.u32; }

  header(obj: number): ObjectHeader {
    this.check(this.core.checkHandle(obj), "header");
    const meta = this.u32[(obj + abi.HDR_META) >>> 2];
    return { size: this.u32[(obj + abi.HDR_SIZE) >>> 2], pointers: meta & abi.NPTR_MASK, site: meta >>> abi.SITE_SHIFT };
  }

  private scalar(obj: number, offset: number, len: number, what: string): number {
    return this.made(this.core.scalarAddress(obj, offset, len), what);
  }

  setFloat64(obj: number, offset: number, v: number): void { this.view.setFloat64(this.scalar(obj, offset, 8, "setFloat64"), v, true); }
  getFloat64(obj: number, offset: number): number { return this.view.getFloat64(this.scalar(obj, offset, 8, "getFloat64"), true); }
  setUint32(obj: number, offset: number, v: number): void { this.view.setUint32(this.scalar(obj, offset, 4, "setUint32"), v, true); }
  getUint32(obj: number, offset: number): number { return this.view.getUint32(this.scalar(obj, offset, 4, "getUint32"), true); }

  /** Throws InvalidHandleError unless `p` is a live object's start. */
  checkHandle(p: number): void { this.check(this.core.checkHandle(p), "checkHandle"); }

  /** True if `p` is a live object's start. */
  isLive(p: number): boolean { return this.core.checkHandle(p) === abi.OK; }

  /** Bytes the object's slot occupies: its size class, or its pages if large. */
  slotBytes(p: number): number {
    const n = this.core.slotBytes(p);
    if (n === 0) this.fail("slotBytes", this.core.checkHandle(p));
    return n;
  }

  /** Slot bytes an object with `pointers` slots and `scalarBytes` would occupy. */
  slotBytesFor(pointers: number, scalarBytes = 0): number {
    const bytes = abi.HEADER_BYTES + 4 * pointers + scalarBytes;
    const c = this.core.sizeClassOf(bytes);
    return c === 0 ? Math.ceil(bytes / abi.PAGE_BYTES) * abi.PAGE_BYTES : this.core.classBytes(c);
  }

  // ── Collection and inspection ──────────────────────────────────────────

  /** A complete collection now (runtime.GC()): a mark in progress finishes, a full cycle runs, and its sweep finishes before this returns. */
  collect(): void { this.core.collect(); }

  /**
   * A safe point with no allocation: goroutine `g` (0: the current one) ran for
   * `units` of mutator time (one unit ≈ allocating 4 bytes). During a mark the
   * scheduler gives background marking its share here.
   */
  yield(g = 0, units = 1): void { this.check(this.core.yieldAt(g, units), "yield"); }

  /**
   * Starts a cycle now, as if the pacer's trigger fired: stw runs it whole,
   * the concurrent strategies begin marking and return (the mark proceeds at
   * safe points). A mark already in progress is left alone.
   */
  startCycle(): void { this.core.startCycle(); }

  /** True while a concurrent mark is in progress. */
  get marking(): boolean { return this.core.marking() !== 0; }

  /** Sweeps every span now. */
  sweep(): void { this.core.sweepAll(); }

  /** Runs the independent verifier: reachability from the roots vs. what the collector holds live, plus heap integrity. */
  verify(): VerifyReport {
    this.core.verify(abi.VERIFY_AGAINST_ALLOC);
    const base = (this.core.verifyAddress() >>> 0) >>> 3;
    const v = (i: number) => this.f64[base + i];
    const samples = [];
    for (let k = 0; k < v(abi.V_SAMPLES); k++) samples.push({ address: v(abi.V_SAMPLE_BASE + 2 * k), code: v(abi.V_SAMPLE_BASE + 2 * k + 1) });
    return {
      reachableObjects: v(abi.V_REACHABLE_OBJECTS),
      reachableBytes: v(abi.V_REACHABLE_BYTES),
      lostObjects: v(abi.V_LOST_OBJECTS),
      integrityErrors: v(abi.V_INTEGRITY_ERRORS),
      liveObjects: v(abi.V_LIVE_OBJECTS),
      liveBytes: v(abi.V_LIVE_BYTES),
      samples,
    };
  }

  /** Exact heap statistics (allocation caches are counted first). */
  stats(): HeapStats {
    this.core.snapshotStats();
    const base = this.core.statsAddress() >>> 3;
    const s = (i: number) => this.f64[base + i];
    return {
      cycles: s(abi.S_CYCLES),
      heapAllocBytes: s(abi.S_HEAP_ALLOC_BYTES),
      heapPeakBytes: s(abi.S_HEAP_PEAK_BYTES),
      heapMappedBytes: s(abi.S_HEAP_MAPPED_BYTES),
      heapMaxBytes: s(abi.S_HEAP_MAX_BYTES),
      markedBytes: s(abi.S_MARKED_BYTES),
      markedObjects: s(abi.S_MARKED_OBJECTS),
      objectsAllocated: s(abi.S_OBJECTS_ALLOCATED),
      bytesAllocated: s(abi.S_BYTES_ALLOCATED),
      objectsFreed: s(abi.S_OBJECTS_FREED),
      bytesFreed: s(abi.S_BYTES_FREED),
      heapGoalBytes: s(abi.S_HEAP_GOAL),
      stackBytes: s(abi.S_STACK_BYTES),
      globalsBytes: s(abi.S_GLOBALS_BYTES),
      spansInUse: s(abi.S_SPANS_IN_USE),
      spansFreed: s(abi.S_SPANS_FREED),
      pagesFree: s(abi.S_PAGES_FREE),
      pagesReused: s(abi.S_PAGES_REUSED),
      pauseTotalNs: s(abi.S_PAUSE_TOTAL_NS),
      pauseMaxNs: s(abi.S_PAUSE_MAX_NS),
      wordsScanned: s(abi.S_WORDS_SCANNED),
      objectsScanned: s(abi.S_OBJECTS_SCANNED),
      queueOverflows: s(abi.S_QUEUE_OVERFLOWS),
      goroutines: s(abi.S_GOROUTINES),
      unsweptSpans: s(abi.S_UNSWEPT_SPANS),
      lostAtMark: s(abi.S_LOST_AT_MARK),
      heapTriggerBytes: s(abi.S_HEAP_TRIGGER),
      heapLiveBytes: s(abi.S_HEAP_LIVE),
      heapCorruptions: s(abi.S_HEAP_CORRUPTIONS),
      firstCorruption: s(abi.S_FIRST_CORRUPTION),
      quarantinedBytes: s(abi.S_QUARANTINED_BYTES),
      mutatorClock: s(abi.S_MUTATOR_CLOCK),
      gcWork: s(abi.S_GC_WORK),
      gcWorkStw: s(abi.S_GC_WORK_STW),
      gcWorkBackground: s(abi.S_GC_WORK_BACKGROUND),
      gcWorkAssist: s(abi.S_GC_WORK_ASSIST),
      forcedCycles: s(abi.S_FORCED_CYCLES),
      limiterEnabled: s(abi.S_LIMITER_ENABLED),
    };
  }

  /** What the heap holds live now, per size class and per site, largest first. */
  composition(): HeapComposition {
    this.core.heapProfile();
    const st = this.stats();
    const base = this.core.profileAddress() >>> 3;
    const p = (i: number) => this.f64[base + i];
    const classes = [];
    for (let c = 0; c < abi.NUM_CLASSES; c++) {
      const objects = p(abi.PROFILE_CLASS_BASE + 2 * c);
      if (objects > 0) classes.push({ sizeClass: c, objectBytes: this.core.classBytes(c), objects, bytes: p(abi.PROFILE_CLASS_BASE + 2 * c + 1) });
    }
    const sites = [];
    for (let s = 0; s < abi.MAX_SITES; s++) {
      const objects = p(abi.PROFILE_SITE_BASE + 2 * s);
      if (objects > 0) sites.push({ site: s, name: this.siteName(s), objects, bytes: p(abi.PROFILE_SITE_BASE + 2 * s + 1) });
    }
    classes.sort((a, b) => b.bytes - a.bytes);
    sites.sort((a, b) => b.bytes - a.bytes);
    return {
      heapAllocBytes: st.heapAllocBytes,
      heapMappedBytes: st.heapMappedBytes,
      heapMaxBytes: st.heapMaxBytes,
      stackBytes: st.stackBytes,
      freePages: st.pagesFree,
      classes,
      sites,
    };
  }

  /** First and one-past-last address of the arena as mapped now. */
  arena(): { base: number; end: number } {
    return { base: this.core.heapBase() >>> 0, end: this.core.heapEnd() >>> 0 };
  }

  // ── Heap analysis (src/engine/analysis.ts) ────────────────────────────

  /** Every allocation site's cumulative objects and slot bytes, exact now; largest first. */
  sitesAllocated(): SiteCount[] { return analysis.sitesAllocated(this); }

  /** What cycle `cycle` (default: the latest) found live per site; null if it was not kept or no cycle ran. */
  liveBySite(cycle?: number): LiveBySite | null { return this.siteLive.at(cycle); }

  /** Live objects and bytes per site over the cycles, for every site that ever had live objects. */
  liveBySiteSeries(): LiveSeries { return this.siteLive.all(); }

  /** A shortest path from a root to `handle`, root slot first; null if no root reaches it. */
  retainerPath(handle: number): RetainerStep[] | null { return analysis.retainerPath(this, handle); }

  /** The dominator tree and retained sizes of the reachable heap as it is now (src/engine/analysis.ts). */
  dominators(): Dominators { return analysis.dominators(this); }

  /** Epoch tracking's state and every dated object by epoch (EngineOptions.trackAges); null if tracking never ran. */
  ageInfo(): analysis.AgeInfo | null { return analysis.ageInfo(this); }

  /** The objects that exist now and were allocated in epochs from … to, per site; null if tracking never ran. */
  datedBySite(fromEpoch: number, toEpoch: number): analysis.DatedSites | null { return analysis.datedBySite(this, fromEpoch, toEpoch); }

  /** The shape of a shortest path from a root to `handle`: runs of equal steps as one entry with a count; null if no root reaches it. */
  retainerShape(handle: number): analysis.ShapeStep[] | null { return analysis.retainerShape(this, handle); }

  /** The raw core, for benchmarks that measure the boundary itself. */
  get raw(): Readonly<Core> { return this.core; }

  // ── Goroutines, escapes, fragmentation (src/engine/goroutines.ts, escapes.ts, fragmentation.ts) ──

  /** The id of goroutine label `name` (registered on first use, at most 65,535); "" is no label. */
  label(name: string): number {
    let id = this.labelIds.get(name);
    if (id === undefined) {
      if (this.labelNames.length >= abi.MAX_LABELS) throw new TricolorError(`too many goroutine labels (max ${abi.MAX_LABELS - 1})`, abi.E_BAD_ARGUMENT);
      id = this.labelNames.length;
      this.labelNames.push(name);
      this.labelIds.set(name, id);
    }
    return id;
  }

  labelName(id: number): string {
    return this.labelNames[id] ?? `label#${id}`;
  }

  /** Every live goroutine: id, label, the cycle it last ran in, its stack. Read-only. */
  goroutines(): GoroutineInfo[] { return goroutineTable.goroutines(this); }

  /** Goroutines alive at each completed cycle (sampled as the per-site series are). */
  goroutineSeries(): { cycles: number[]; alive: number[] } { return this.siteLive.goroutineSeries(); }

  /** The objects the frames of goroutines `ids` point to, per site. Makes a heap analysis stale. */
  goroutineSites(ids: readonly number[]): SiteCount[] { return goroutineTable.goroutineSites(this, ids); }

  /** Per set of goroutine ids: what would become unreachable without their stacks (exact: one pass per set, one more for all roots). Makes a heap analysis stale. */
  retainedByGoroutines(sets: readonly (readonly number[])[]): Retained[] { return goroutineTable.retainedByGoroutines(this, sets); }

  /**
   * Allocates an object (`pointers` nil slots, `scalarBytes` zero bytes) into
   * slot `slot` of goroutine `g`'s top frame, as a local of that frame: once
   * the frame is popped (or `g` exits), the first mark that starts afterwards
   * finds it escaped (reachable: stored in the heap, a global or another
   * frame) or not (assembly/escapes.ts). The slot's old value is
   * overwritten, as setLocal would; the object lives in the heap like any
   * other, so the collector treats it as every object.
   */
  allocLocal(g: number, slot: number, pointers: number, scalarBytes = 0, site = 0): number {
    return this.made(this.core.allocLocal(g, slot, site, pointers, scalarBytes), "allocLocal");
  }

  /** Per site: frame locals allocated, escaped, stayed local, still undecided. */
  escapes(): EscapeCounts[] { return escapeTable.escapeCounts(this); }

  /** The core's sample of escaped locals still alive at the last mark (at most abi.ESCAPE_SAMPLE_PER_SITE per site). Read-only. */
  escapeSample(): EscapedObject[] { return escapeTable.escapeSample(this); }

  /** Where the sampled live escaped locals are reachable from, per site (runs the retainers analysis). */
  escapeDestinations(): EscapeDestination[] { return escapeTable.escapeDestinations(this); }

  /** Free slots inside part-filled spans per size class, against whole free pages. Read-only. */
  fragmentation(): FragmentationReport { return readFragmentation(this); }

  /** What an out-of-memory failure of `operation` for `bytes` explains (`addr`: the core's lastErrorAddr, 1 + site for an object). */
  private oomDetail(operation: string, addr: number, bytes: number): OomDetail {
    const frag = this.fragmentation();
    const st = this.stats();
    const request = addr >= abi.OOM_SITE_BIAS ? "object" : operation === "allocLocal" ? "escape table" : "stack";
    const need = request === "object" ? pagesFor(this, bytes) : { pages: Math.ceil(bytes / abi.PAGE_BYTES), freeSlots: 0 };
    const pagesNeeded = need.freeSlots > 0 ? 0 : need.pages;
    let retainers: OomDetail["retainers"] = [];
    try {
      const d = this.dominators();
      const total = d.info.bytes;
      // Eclipse MAT's problem suspects: retainers of ≥ 10% of the heap (the largest in any case); of a
      // dominator and an object below it that retains nearly as much (≥ 90%), only the deeper one —
      // the accumulation point, whose path passes through the other.
      const candidates = d.topRetainers(5).filter((r, i) => i === 0 || r.retainedBytes >= total / 10);
      const dominates = (a: number, b: number) => {
        for (let x = d.idom(b); x !== null && x !== 0; x = d.idom(x)) if (x === a) return true;
        return false;
      };
      const top = candidates.filter((a) => !candidates.some((b) => b !== a && dominates(a.handle, b.handle) && b.retainedBytes >= 0.9 * a.retainedBytes)).slice(0, 3);
      // Paths are read after the top list: retainerPath reuses the same (fresh) analysis.
      // Each path as a shape (runs folded in the core) for its text, and its two ends for the steps.
      retainers = top.map((r) => {
        const ends = analysis.retainerPathEnds(this, r.handle, PATH_ENDS_KEPT);
        const path = pathText(this.retainerShape(r.handle) ?? [], r.siteName);
        return { handle: r.handle, site: r.site, siteName: r.siteName, retainedBytes: r.retainedBytes, fraction: total > 0 ? r.retainedBytes / total : 0, path, steps: ends?.steps ?? [], length: ends?.length ?? 0 };
      });
    } catch (err) {
      if (!(err instanceof OutOfMemoryError)) throw err; // the analysis's tables did not fit: say less
    }
    return { operation, request, site: request === "object" ? this.siteName(addr - abi.OOM_SITE_BIAS) : null, pagesNeeded, fragmentation: frag, retainers, goroutines: st.goroutines };
  }
}
