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
 * The minimum over all window positions is attained where a window starts
 * at the start of a GC interval or ends at the end of one (between such
 * positions the GC time inside the window changes monotonically), so only
 * those positions are tried: O(n log n) per window length.
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
