/**
 * What the host keeps of a run's GC events, and in how much memory.
 *
 * The core reports every stop-the-world pause, every goroutine stack scan and
 * every slice of concurrent mark work (background or assist) as it ends. A
 * concurrent run produces millions of slices, and keeping each as an object
 * cost more host memory than the heap being measured. So the recorder keeps
 * what the reports need in memory that does not grow with the run:
 *
 *   statistics   count, total, max exact; percentiles exact up to 4096
 *                pauses, then from HDR histograms (src/metrics.ts)
 *   MMU          an online accumulator over fixed windows (src/mmu.ts)
 *   cycle sums   the per-cycle counters the run summary adds up, exact
 *
 * and, in "bounded" mode (the default), capped event lists for the timeline:
 *
 *   global pauses  every one up to PAUSE_CAP, then the longest PAUSE_CAP
 *   stack scans    the longest STACK_PAUSE_CAP
 *   mark slices    a uniform sample of at most SLICE_CAP (every 2^k-th),
 *                  in typed columns
 *   cycles         the first CYCLE_CAP (gctrace lines still go out for all)
 *
 * In "all" mode (--trace) every event is kept and the MMU is exact.
 * Either way the lists are in time order.
 */
import type { CycleRecord, MarkSlice, Pause, PauseKind, SliceKind } from "./engine.js";
import { E_BAD_ARGUMENT } from "../../contract/abi.js";
import { TricolorError } from "./errors.js";
import { PauseStats } from "../metrics/pauses.js";
import { Mmu, OnlineMmu, type Interval, type MmuPoint } from "../metrics/mmu.js";

/** Keep every event ("all", for --trace), or bounded lists ("bounded", the default). */
export type RecordMode = "all" | "bounded";

/** Global pauses kept in bounded mode: all of them up to this many, then the longest this many. */
export const PAUSE_CAP = 10_000;
/** Stack-scan pauses kept in bounded mode: the longest this many (the HTML timeline draws 5,000). */
export const STACK_PAUSE_CAP = 5_000;
/** Mark slices kept in bounded mode: a uniform sample of at most this many. */
export const SLICE_CAP = 20_000;
/** Cycle records kept in bounded mode: the first this many. */
export const CYCLE_CAP = 100_000;

/** How many events of one kind the run had, and how many the lists hold. */
export interface Kept {
  total: number;
  kept: number;
}

/** What was recorded: the mode, and the counts per kind. */
export interface RecordsSummary {
  mode: RecordMode;
  pauses: Kept;
  stackPauses: Kept;
  slices: Kept;
  cycles: Kept;
}

/** Sums over every cycle (also those past CYCLE_CAP). */
export interface CycleTotals {
  forced: number;
  assistWords: number;
  backgroundWords: number;
  barrierCalls: number;
  barrierShaded: number;
  /** Floating objects over the verified cycles; -1 when none was verified. */
  floatingObjects: number;
}

const duration = (p: Pause) => p.endNs - p.startNs;
const SLICE_KINDS: SliceKind[] = ["background", "assist"];

/**
 * A list that keeps every item up to `cap`, then only the `cap` longest
 * (a min-heap by duration, so each new pause costs O(log cap)).
 */
export class LongestKept {
  private items: Pause[] = [];
  private heap = false;
  private sorted: Pause[] | null = null;

  constructor(readonly cap: number) {}

  add(p: Pause): void {
    if (!this.heap) {
      this.items.push(p);
      if (this.items.length === this.cap) this.heapify();
      return;
    }
    if (duration(p) <= duration(this.items[0])) return;
    this.items[0] = p;
    this.siftDown(0);
    this.sorted = null;
  }

  /** The kept pauses in time order. */
  get list(): readonly Pause[] {
    if (!this.heap) return this.items;
    this.sorted ??= [...this.items].sort((a, b) => a.startNs - b.startNs);
    return this.sorted;
  }

  get size(): number {
    return this.items.length;
  }

  private heapify(): void {
    this.heap = true;
    for (let i = (this.items.length >> 1) - 1; i >= 0; i--) this.siftDown(i);
  }

  private siftDown(i: number): void {
    const a = this.items;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < a.length && duration(a[l]) < duration(a[m])) m = l;
      if (r < a.length && duration(a[r]) < duration(a[m])) m = r;
      if (m === i) return;
      [a[i], a[m]] = [a[m], a[i]];
      i = m;
    }
  }
}

/**
 * A uniform sample of mark slices in arrival order: every `stride`-th, at
 * most `cap`. When full, every other kept slice goes and the stride doubles,
 * so the sample always spans the whole run and is the same for the same run.
 *
 * Kept slices live in typed columns, not objects: objects that survive a
 * while are what makes V8 grow its heap (a sample of 20,000 slice objects,
 * renewed as the stride doubles, cost a concurrent run ~40 MB of JS heap).
 * `list` builds the objects when asked.
 */
export class SliceSample {
  private n = 0;
  private stride = 1;
  private seen = 0;
  private cols = SliceSample.columns(256);
  private cache: MarkSlice[] | null = null;

  constructor(readonly cap: number) {}

  private static columns(size: number) {
    return { start: new Float64Array(size), end: new Float64Array(size), words: new Float64Array(size), cycle: new Float64Array(size), assist: new Uint8Array(size) };
  }

  add(assist: boolean, cycle: number, startNs: number, endNs: number, words: number): void {
    if (this.seen++ % this.stride !== 0) return;
    if (this.n === this.cols.start.length) this.grow();
    const c = this.cols;
    const i = this.n++;
    c.start[i] = startNs;
    c.end[i] = endNs;
    c.words[i] = words;
    c.cycle[i] = cycle;
    c.assist[i] = assist ? 1 : 0;
    this.cache = null;
    if (this.n >= this.cap) this.halve();
  }

  private grow(): void {
    const next = SliceSample.columns(Math.min(2 * this.cols.start.length, this.cap));
    for (const k of Object.keys(next) as (keyof typeof next)[]) next[k].set(this.cols[k]);
    this.cols = next;
  }

  /** Keeps kept slices 0, 2, 4, …: those at multiples of the doubled stride. */
  private halve(): void {
    for (const col of Object.values(this.cols)) for (let i = 0; 2 * i < this.n; i++) col[i] = col[2 * i];
    this.n = Math.ceil(this.n / 2);
    this.stride *= 2;
  }

  get list(): readonly MarkSlice[] {
    if (!this.cache) {
      const c = this.cols;
      this.cache = Array.from({ length: this.n }, (_, i) => ({ kind: SLICE_KINDS[c.assist[i]], cycle: c.cycle[i], startNs: c.start[i], endNs: c.end[i], words: c.words[i] }));
    }
    return this.cache;
  }

  /** Slices kept. */
  get size(): number {
    return this.n;
  }

  /** Slices offered, kept or not. */
  get total(): number {
    return this.seen;
  }

  /** One kept slice per this many offered. */
  get every(): number {
    return this.stride;
  }
}

/**
 * A growable list of [start, end] pairs in typed arrays: the stack scans
 * waiting for the mark slice they ran in — at most one per goroutine, as a
 * slice scans each stack once at most.
 */
class PairBuffer {
  n = 0;
  private a = new Float64Array(64);

  push(s: number, e: number): void {
    if (2 * this.n + 2 > this.a.length) {
      const b = new Float64Array(2 * this.a.length);
      b.set(this.a);
      this.a = b;
    }
    this.a[2 * this.n] = s;
    this.a[2 * this.n + 1] = e;
    this.n++;
  }

  start(i: number): number {
    return this.a[2 * i];
  }

  end(i: number): number {
    return this.a[2 * i + 1];
  }
}

/** An engine's event records (see the header): fed by Engine.recordEvent, read by runScenario and the reporters. */
export class EventRecorder {
  /** Global pauses: wall and work statistics over all of them. */
  readonly pauseStats = new PauseStats();
  /** Stack-scan pauses: wall and work statistics over all of them. */
  readonly stackStats = new PauseStats();
  readonly totals: CycleTotals = { forced: 0, assistWords: 0, backgroundWords: 0, barrierCalls: 0, barrierShaded: 0, floatingObjects: -1 };
  private readonly globalList: LongestKept | Pause[];
  private readonly stackList: LongestKept | Pause[];
  private readonly sliceList: SliceSample | MarkSlice[];
  private readonly cycleList: CycleRecord[] = [];
  private cyclesSeen = 0;
  private slicesSeen = 0;
  private mmuStart: number | null = null;
  private online: OnlineMmu | null = null;
  /** Stack scans not yet fed to the MMU: they run inside a mark slice, which is reported after them. */
  private readonly nested = new PairBuffer();

  constructor(readonly mode: RecordMode = "bounded") {
    if (mode !== "all" && mode !== "bounded") throw new TricolorError(`recordEvents must be "all" or "bounded", got ${String(mode)}`, E_BAD_ARGUMENT);
    const all = mode === "all";
    this.globalList = all ? [] : new LongestKept(PAUSE_CAP);
    this.stackList = all ? [] : new LongestKept(STACK_PAUSE_CAP);
    this.sliceList = all ? [] : new SliceSample(SLICE_CAP);
  }

  // ── events, as the core reports them ─────────────────────────────────

  pause(kind: PauseKind, cycle: number, startNs: number, endNs: number, words: number, stacks: number, objects: number): void {
    const p: Pause = { kind, cycle, startNs, endNs, words, stacks, objects };
    this.pauseStats.add(endNs - startNs, words);
    if (Array.isArray(this.globalList)) this.globalList.push(p);
    else this.globalList.add(p);
    this.gcInterval(startNs, endNs);
  }

  stackPause(cycle: number, startNs: number, endNs: number, words: number, goroutine: number, objects: number): void {
    const p: Pause = { kind: "stack-scan", cycle, startNs, endNs, words, stacks: 1, objects, goroutine };
    this.stackStats.add(endNs - startNs, words);
    if (Array.isArray(this.stackList)) this.stackList.push(p);
    else this.stackList.add(p);
    if (this.online) this.nested.push(startNs, endNs);
  }

  slice(assist: boolean, cycle: number, startNs: number, endNs: number, words: number): void {
    this.slicesSeen++;
    if (Array.isArray(this.sliceList)) this.sliceList.push({ kind: SLICE_KINDS[assist ? 1 : 0], cycle, startNs, endNs, words });
    else this.sliceList.add(assist, cycle, startNs, endNs, words);
    this.gcInterval(startNs, endNs);
  }

  cycle(c: CycleRecord): void {
    this.cyclesSeen++;
    if (this.mode === "all" || this.cycleList.length < CYCLE_CAP) this.cycleList.push(c);
    const t = this.totals;
    t.forced += c.forced ? 1 : 0;
    t.assistWords += c.assistWords;
    t.backgroundWords += c.backgroundWords;
    t.barrierCalls += c.barrierCalls;
    t.barrierShaded += c.barrierShaded;
    if (c.floatingObjects >= 0) t.floatingObjects = Math.max(t.floatingObjects, 0) + c.floatingObjects;
  }

  // ── the lists ────────────────────────────────────────────────────────

  get pauses(): readonly Pause[] {
    return Array.isArray(this.globalList) ? this.globalList : this.globalList.list;
  }

  get stackPauses(): readonly Pause[] {
    return Array.isArray(this.stackList) ? this.stackList : this.stackList.list;
  }

  get slices(): readonly MarkSlice[] {
    return Array.isArray(this.sliceList) ? this.sliceList : this.sliceList.list;
  }

  get cycles(): readonly CycleRecord[] {
    return this.cycleList;
  }

  /** Every kind's total and kept counts. */
  summary(): RecordsSummary {
    // Sizes, not the lists: reading the sample would build its objects.
    const size = (list: { length: number } | { size: number }) => ("size" in list ? list.size : list.length);
    return {
      mode: this.mode,
      pauses: { total: this.pauseStats.count, kept: size(this.globalList) },
      stackPauses: { total: this.stackStats.count, kept: size(this.stackList) },
      slices: { total: this.slicesSeen, kept: size(this.sliceList) },
      cycles: { total: this.cyclesSeen, kept: this.cycleList.length },
    };
  }

  /** One kept slice per this many (1 when every slice is kept). */
  get sliceEvery(): number {
    return Array.isArray(this.sliceList) ? 1 : this.sliceList.every;
  }

  // ── MMU over a run's span ────────────────────────────────────────────

  /** Starts measuring MMU at `startNs`: GC time before it does not count. */
  startMmu(startNs: number): void {
    this.mmuStart = startNs;
    this.online = new OnlineMmu(startNs);
  }

  /**
   * Ends the MMU span at `endNs` (later events do not count) and returns the
   * curve and the GC time inside the span: exact from the full lists in
   * "all" mode, else from the online accumulator (≤ 2/K above the exact).
   */
  finishMmu(endNs: number): { curve: MmuPoint[]; gcTimeNs: number } {
    if (this.mmuStart === null || !this.online) throw new Error("finishMmu before startMmu");
    this.flushNested();
    this.online.finish(endNs);
    if (this.mode === "all") {
      const exact = new Mmu(this.intervals(), this.mmuStart, endNs);
      return { curve: exact.curve(), gcTimeNs: exact.gcTime };
    }
    return { curve: this.online.curve(), gcTimeNs: this.online.gcTime };
  }

  /** The online accumulator (also kept in "all" mode, to check it against the exact MMU). */
  get onlineMmu(): OnlineMmu | null {
    return this.online;
  }

  private intervals(): Interval[] {
    return [...this.pauses, ...this.stackPauses, ...this.slices].map((p) => [p.startNs, p.endNs] as const);
  }

  /**
   * A pause or slice for the MMU. Stack scans waiting for it that it covers
   * were inside it (the core scans stacks within mark slices): they add no
   * GC time. Any it does not cover go first, in order.
   */
  private gcInterval(s: number, e: number): void {
    if (!this.online) return;
    const n = this.nested.n;
    if (n > 0 && !(s <= this.nested.start(0) && e >= this.nested.end(n - 1))) this.flushNested();
    this.nested.n = 0;
    this.online.add(s, e);
  }

  private flushNested(): void {
    for (let i = 0; i < this.nested.n; i++) this.online!.add(this.nested.start(i), this.nested.end(i));
    this.nested.n = 0;
  }
}
