/**
 * Minimum mutator utilization (Cheng & Blelloch, PLDI 2001; Go's
 * internal/trace MMU): for a window length w, the smallest fraction of any
 * window of length w inside the run during which the mutator ran.
 *
 * Not-mutator time is the union of every stop-the-world pause, every
 * per-goroutine stack-scan pause, and every slice of background mark work and
 * assists: the core is single-threaded, so while the collector works no
 * mutator code runs.
 *
 * Two ways to compute it:
 *
 *   Mmu        exact, from every interval held at once. The minimum over all
 *              window positions is attained where a window starts at the
 *              start of a GC interval or ends at the end of one (between
 *              such positions the GC time inside the window changes
 *              monotonically), so only those positions are tried:
 *              O(n log n) per window length. Memory grows with the run.
 *   OnlineMmu  bounded, as intervals arrive in time order: for each window of
 *              a fixed log-spaced set it samples the cumulative GC time on a
 *              grid of w/K and keeps at most K+2 samples; it is never below
 *              the exact MMU and at most 2/K above it (see OnlineMmu).
 */

export type Interval = readonly [start: number, end: number];

export interface MmuPoint {
  windowNs: number;
  /** 0..1: the worst window's share of mutator time. */
  utilization: number;
}

/** Sorted, non-overlapping intervals clipped to [lo, hi]. */
export function mergeIntervals(intervals: readonly Interval[], lo: number, hi: number): Interval[] {
  const sorted = intervals
    .map(([s, e]) => [Math.max(s, lo), Math.min(e, hi)] as const)
    .filter(([s, e]) => e > s)
    .sort((a, b) => a[0] - b[0]);
  const out: [number, number][] = [];
  for (const [s, e] of sorted) {
    const last = out[out.length - 1];
    if (last && s <= last[1]) last[1] = Math.max(last[1], e);
    else out.push([s, e]);
  }
  return out;
}

/** Computes MMU for any window over a fixed set of GC intervals. */
export class Mmu {
  private readonly iv: Interval[];
  private readonly prefix: number[];

  constructor(intervals: readonly Interval[], private readonly start: number, private readonly end: number) {
    this.iv = mergeIntervals(intervals, start, end);
    this.prefix = [0];
    for (const [s, e] of this.iv) this.prefix.push(this.prefix[this.prefix.length - 1] + (e - s));
  }

  /** Total GC time in the run. */
  get gcTime(): number {
    return this.prefix[this.prefix.length - 1];
  }

  /** First interval index whose end is after t. */
  private firstEndingAfter(t: number): number {
    let lo = 0;
    let hi = this.iv.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.iv[mid][1] > t) hi = mid;
      else lo = mid + 1;
    }
    return lo;
  }

  /** GC time inside [a, b]. */
  gcIn(a: number, b: number): number {
    const i = this.firstEndingAfter(a);
    const j = this.firstEndingAfter(b); // intervals i..j may overlap [a, b]
    let total = 0;
    if (i < j) total += this.prefix[j] - this.prefix[i];
    if (j < this.iv.length && this.iv[j][0] < b) total += b - this.iv[j][0];
    if (i < this.iv.length && this.iv[i][0] < a) total -= a - this.iv[i][0];
    return total;
  }

  /** MMU for windows of length w (ns). */
  at(w: number): number {
    const span = this.end - this.start;
    if (span <= 0) return 1;
    if (w >= span) return 1 - this.gcTime / span;
    let worst = this.gcIn(this.start, this.start + w);
    const last = this.end - w;
    for (const [s, e] of this.iv) {
      for (const a of [s, e - w]) {
        const x = Math.min(Math.max(a, this.start), last);
        worst = Math.max(worst, this.gcIn(x, x + w));
      }
    }
    return Math.max(0, (w - worst) / w);
  }

  /** The curve over log-spaced windows from `fromNs` to the run length, `perDecade` points a decade. */
  curve(fromNs = 10_000, perDecade = 5): MmuPoint[] {
    const span = this.end - this.start;
    const out: MmuPoint[] = [];
    if (span <= 0) return out;
    for (let k = 0; ; k++) {
      const w = fromNs * 10 ** (k / perDecade);
      if (w >= span) break;
      out.push({ windowNs: Math.round(w), utilization: this.at(w) });
    }
    out.push({ windowNs: Math.round(span), utilization: this.at(span) });
    return out;
  }
}

// ── Online, bounded MMU ────────────────────────────────────────────────────

/** Grid steps per window: the online MMU is at most 2/K = 0.2 percentage points above the exact one. */
export const MMU_GRID = 1000;

/** The fixed windows: 10 µs × 10^(k/5), five a decade, up to 10^14 ns (27.8 h). */
export function mmuWindows(fromNs = 10_000, perDecade = 5, toNs = 1e14): number[] {
  const out: number[] = [];
  for (let k = 0; ; k++) {
    const w = fromNs * 10 ** (k / perDecade);
    if (w > toNs * (1 + 1e-12)) return out;
    out.push(w);
  }
}

/**
 * The MMU of one window length w, online. G(t) is the GC time in
 * [start, t]; grid point j is t_j = start + j·δ with δ = w/K. The worst GC
 * share of a grid-aligned window is max_j G(t_j) − G(t_{j−K}).
 *
 * G is known at a grid point once time has passed it, and between grid
 * points it only rises inside intervals, so the samples are stored as knots
 * (j, G(t_j)) at the grid points where G changed — a knot flagged as a ramp
 * says G rises linearly (one δ per step) up to the next knot, else it stays
 * flat until then. Only knots within K steps of the newest are kept (plus the
 * one before them): at most K+2, whatever the run length, and a gap longer
 * than w empties the window down to that one knot.
 *
 * Where to evaluate: inside a ramp G(t_j) − G(t_{j−K}) can only grow (the
 * newer end rises at full rate), across a flat stretch it can only shrink, so
 * the maximum over all grid points is reached at a ramp's last grid point or
 * at the first grid point after an interval (when its value is final). That
 * is at most two evaluations per interval.
 *
 * Error bound. Every evaluated window is a real window of length w inside the
 * run (or a part of one), so the estimate never exceeds the true worst GC
 * time M, and the utilization is never below the exact MMU. Any real window
 * [a, a+w] has a grid window ending at the first grid point ≥ a+w that holds
 * all of [a+δ, a+w], so it misses at most δ of GC; near the run's end the
 * final window [end−w, end] is evaluated from the first grid point after
 * end−w, missing at most 2δ. So M − 2δ ≤ estimate ≤ M: the utilization is
 * at most 2/K above the exact MMU.
 */
class WindowMmu {
  private readonly step: number;
  private readonly perNs: number;
  /** Knots in a ring whose size is a power of two ≥ K+2 (index with a mask). */
  private readonly j: Float64Array;
  private readonly g: Float64Array;
  private readonly ramp: Uint8Array;
  private readonly mask: number;
  private head = 0;
  private size = 0;
  /** Grid point after the last interval whose G is not final yet; -1 if none. */
  private pending = -1;
  /** The largest GC time in a grid window so far. */
  worst = 0;
  /** Set once an unbroken stretch of GC as long as w was seen: MMU(w) = 0, nothing more to track. */
  dead = false;

  constructor(readonly w: number, private readonly k: number, private readonly start: number) {
    this.step = w / k;
    this.perNs = k / w;
    const cap = 2 ** Math.ceil(Math.log2(k + 2));
    this.mask = cap - 1;
    this.j = new Float64Array(cap);
    this.g = new Float64Array(cap);
    this.ramp = new Uint8Array(cap);
  }

  /** Interval [s, e] (s ≥ the previous interval's end); `total` is the GC time before s. */
  add(s: number, e: number, total: number): void {
    const x = (s - this.start) * this.perNs;
    const ja = Math.floor(x) + 1; // first grid point after s
    const jb = Math.ceil((e - this.start) * this.perNs) - 1; // last grid point before e
    // The common case for long windows: another interval inside the same grid cell.
    if (ja > jb && this.pending === jb + 1) return;
    if (this.pending >= 0 && this.pending < ja) this.settle(this.pending, total);
    if (ja <= jb) {
      const gb = total + (jb - x) * this.step;
      if (ja < jb) this.push(ja, total + (ja - x) * this.step, true);
      this.push(jb, gb, false);
      this.evaluate(jb, gb);
    }
    this.pending = jb + 1;
  }

  /** Ends the run at `end` with `total` GC time: settles the last grid point and the final window [end − w, end]. */
  finish(end: number, total: number): void {
    if (this.dead) return;
    const last = (end - this.start) * this.perNs;
    if (this.pending >= 0 && this.pending <= last) this.settle(this.pending, total);
    const first = Math.floor((end - this.w - this.start) * this.perNs) + 1;
    this.worst = Math.max(this.worst, total - this.valueAt(first));
  }

  /** Knots held (≤ K+2). */
  get knots(): number {
    return this.size;
  }

  /** Utilization of the worst window seen: 1 − worst/w. */
  get utilization(): number {
    return this.dead ? 0 : Math.max(0, (this.w - this.worst) / this.w);
  }

  private settle(j: number, g: number): void {
    this.push(j, g, false);
    this.evaluate(j, g);
    this.pending = -1;
  }

  private evaluate(j: number, g: number): void {
    const gc = g - this.valueAt(j - this.k);
    if (gc > this.worst) this.worst = gc;
  }

  private push(j: number, g: number, ramp: boolean): void {
    this.valueAt(j - this.k); // drops knots no later evaluation can reach
    const i = (this.head + this.size) & this.mask;
    this.j[i] = j;
    this.g[i] = g;
    this.ramp[i] = ramp ? 1 : 0;
    this.size++;
  }

  /** G at grid point q; q never decreases between calls. Drops knots before the last one at or below q. */
  private valueAt(q: number): number {
    while (this.size >= 2 && this.j[(this.head + 1) & this.mask] <= q) {
      this.head = (this.head + 1) & this.mask;
      this.size--;
    }
    // No knot at or below q: G has not risen yet there.
    if (this.size === 0 || this.j[this.head] > q) return 0;
    const g = this.g[this.head];
    return this.ramp[this.head] ? g + (q - this.j[this.head]) * this.step : g;
  }
}

/**
 * MMU for a fixed set of windows, fed GC intervals as they happen.
 *
 * Intervals must come in order of their start (each one's end is then at or
 * after the previous ones' ends or inside them): the part of an interval that
 * lies before the end of the ones already seen is counted once. Memory: a
 * ring of K+2 knots per window, fixed at construction.
 */
export class OnlineMmu {
  private readonly windows: WindowMmu[];
  /** GC time so far (the union of the intervals). */
  private total = 0;
  /** End of the latest interval. */
  private frontier: number;
  /** Start of the unbroken stretch of GC that ends at the frontier. */
  private runStart: number;
  private end: number | null = null;

  constructor(private readonly start: number, windows: readonly number[] = mmuWindows(), readonly grid = MMU_GRID) {
    this.frontier = start;
    this.runStart = start;
    this.windows = windows.map((w) => new WindowMmu(w, grid, start));
  }

  /** Adds the GC interval [s, e]; ignored once finish() was called. */
  add(s: number, e: number): void {
    if (this.end !== null) return;
    if (s > this.frontier) this.runStart = s;
    else s = this.frontier; // overlap (or the run's start): counted already
    if (e <= s) return;
    this.frontier = e;
    const run = e - this.runStart;
    const ws = this.windows;
    for (let i = 0; i < ws.length; i++) {
      const w = ws[i];
      if (w.dead) continue;
      if (run >= w.w) w.dead = true;
      else w.add(s, e, this.total);
    }
    this.total += e - s;
  }

  /** Ends the run at `end` (at or after every interval added); later intervals are ignored. */
  finish(end: number): void {
    if (this.end !== null) return;
    this.end = Math.max(end, this.frontier);
    for (const w of this.windows) if (w.w < this.end - this.start) w.finish(this.end, this.total);
  }

  /** Knots held over all windows: at most windows × (K+2), however long the run. */
  get knots(): number {
    return this.windows.reduce((a, w) => a + w.knots, 0);
  }

  /** Total GC time added. */
  get gcTime(): number {
    return this.total;
  }

  /** MMU at one of the windows given to the constructor (after finish); 1 − gcTime/span at the run length or more. */
  at(w: number): number {
    const span = (this.end ?? this.frontier) - this.start;
    if (span <= 0) return 1;
    if (w >= span) return 1 - this.total / span;
    const win = this.windows.find((x) => x.w === w);
    if (!win) throw new RangeError(`no online MMU window of ${w} ns`);
    return win.utilization;
  }

  /** The curve: each window shorter than the run, then the run length itself — the shape Mmu.curve() gives. */
  curve(): MmuPoint[] {
    const span = (this.end ?? this.frontier) - this.start;
    if (span <= 0) return [];
    const out = this.windows.filter((w) => w.w < span).map((w) => ({ windowNs: Math.round(w.w), utilization: w.utilization }));
    out.push({ windowNs: Math.round(span), utilization: this.at(span) });
    return out;
  }
}
