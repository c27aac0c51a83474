/**
 * Pause statistics, named as docs/architecture.md §7 names them. Percentiles use the
 * nearest-rank method (the value at rank ⌈p·n⌉ of the sorted sample), so
 * every reported figure is a pause that really happened — exactly so while a
 * run has few pauses, within a stated bound once it has many.
 *
 * A run can stop the world a few hundred times but scan stacks or slice mark
 * work millions of times, so `PauseStats` keeps its statistics in bounded
 * memory as the pauses arrive:
 *
 *   - count, total and max (of wall ns and of work words) are exact always;
 *   - p50/p95/p99 are exact nearest-rank while there are at most
 *     EXACT_PERCENTILES (4096) pauses: the values sit in typed arrays;
 *   - beyond that they come from HDR histograms (hdr-histogram-js, its pure-JS
 *     Int32 build, no WebAssembly, so it runs in browsers too) with
 *     HISTOGRAM_DIGITS = 3 significant digits (32-bit counts, auto-resized). The rank is the same ⌈p·n⌉;
 *     the value reported is the upper end of the histogram bucket holding the
 *     exact nearest-rank value v (capped at the exact max), so it lies in
 *     [v, v·(1 + 1/1024)] — never below, at most 0.1% above. Wall times are
 *     rounded to whole ns before they are recorded (±0.5 ns more); words are
 *     integers already. Memory grows only with the logarithm of the largest
 *     value (≈100 KiB for values up to 10 s in ns), never with the count.
 *
 * The 1-2-5 log bins of the wall durations (the HTML report's histogram) are
 * counted exactly for every pause, in a fixed array.
 */
// The JS histogram classes only: the package's root entry also loads its WebAssembly build and codecs.
import { constructorFromBucketSize } from "hdr-histogram-js/dist/JsHistogramFactory.js";
/** What a pause is to these statistics: an interval of host time and its deterministic work. */
export interface Pause {
  startNs: number;
  endNs: number;
  words: number;
}

export interface PauseSummary {
  count: number;
  totalNs: number;
  p50Ns: number;
  p95Ns: number;
  p99Ns: number;
  maxNs: number;
  /** How p50/p95/p99 (wall and work) were found: "exact" nearest rank, or an HDR "histogram" (≤ 0.1% high). */
  percentiles: "exact" | "histogram";
}

export interface WorkSummary {
  /** Root and object words scanned in the pause at each rank (by work, not by wall time). */
  p50Words: number;
  p95Words: number;
  p99Words: number;
  maxWords: number;
  totalWords: number;
}

/** Pauses up to which percentiles are exact (their values are kept); beyond it the histograms answer. */
export const EXACT_PERCENTILES = 4096;
/** Significant decimal digits the histograms keep: a bucket is at most 1/1024 of its values wide. */
export const HISTOGRAM_DIGITS = 3;

/** The value at nearest rank ⌈p·n⌉ of an ascending array; 0 for an empty one. */
export function percentile(sorted: ArrayLike<number>, p: number): number {
  if (sorted.length === 0) return 0;
  const rank = Math.max(1, Math.ceil(p * sorted.length));
  return sorted[rank - 1];
}

/** Exact summary of a list of pauses (for lists held whole; runs use PauseStats). */
export function summarizePauses(pauses: readonly Pause[]): PauseSummary {
  const ns = pauses.map((p) => p.endNs - p.startNs).sort((a, b) => a - b);
  return {
    count: ns.length,
    totalNs: ns.reduce((a, b) => a + b, 0),
    p50Ns: percentile(ns, 0.5),
    p95Ns: percentile(ns, 0.95),
    p99Ns: percentile(ns, 0.99),
    maxNs: ns.length ? ns[ns.length - 1] : 0,
    percentiles: "exact",
  };
}

export function summarizeWork(pauses: readonly Pause[]): WorkSummary {
  const words = pauses.map((p) => p.words).sort((a, b) => a - b);
  return {
    p50Words: percentile(words, 0.5),
    p95Words: percentile(words, 0.95),
    p99Words: percentile(words, 0.99),
    maxWords: words.length ? words[words.length - 1] : 0,
    totalWords: words.reduce((a, b) => a + b, 0),
  };
}

// ── 1-2-5 log bins ─────────────────────────────────────────────────────────

const SERIES = [1, 2, 5];
/** Bins of the fixed 1-2-5 grid: 1 ns up to 10^16 ns (115 days); longer values fall in the last. */
export const LOG_BINS = 48;

/** The 1-2-5 value at index k (k = 0 → 1 ns, 3 → 10 ns, …). */
export const series125 = (k: number) => SERIES[((k % 3) + 3) % 3] * 10 ** Math.floor(k / 3);

/** The bin of `ns` on the 1-2-5 grid: bin k holds [series(k), series(k+1)); below 1 ns is bin 0. */
export function bin125(ns: number): number {
  if (!(ns >= 2)) return 0;
  let k = Math.min(LOG_BINS - 1, 3 * Math.floor(Math.log10(ns)) + 2);
  // log10 is not exact at every power of ten: settle on the grid itself.
  while (k > 0 && series125(k) > ns) k--;
  while (k < LOG_BINS - 1 && series125(k + 1) <= ns) k++;
  return k;
}

// ── streaming statistics ───────────────────────────────────────────────────

/** One stream of values (wall ns or words): exact values while few, an HDR histogram after. */
class ValueStream {
  total = 0;
  max = 0;
  private values: Float64Array | null = new Float64Array(64);
  private hist: JsHistogram | null = null;

  constructor(private readonly round: boolean) {}

  add(v: number, n: number): void {
    this.total += v;
    if (v > this.max) this.max = v;
    if (this.values) {
      if (n <= EXACT_PERCENTILES) {
        if (n > this.values.length) this.values = grow(this.values);
        this.values[n - 1] = v;
        return;
      }
      this.toHistogram(n - 1);
    }
    this.hist!.recordValue(this.round ? Math.round(v) : v);
  }

  /** Moves the kept values into a histogram and drops them. */
  private toHistogram(n: number): void {
    // 32-bit counts; lowest discernible value 1, grown as larger values come.
    this.hist = new Int32Histogram(1, 2, HISTOGRAM_DIGITS);
    this.hist.autoResize = true;
    for (let i = 0; i < n; i++) this.hist.recordValue(this.round ? Math.round(this.values![i]) : this.values![i]);
    this.values = null;
  }

  /** The nearest-rank values at each of `ps` (0..1) over the first n values. */
  at(ps: readonly number[], n: number): number[] {
    if (this.values) {
      const sorted = this.values.slice(0, n).sort();
      return ps.map((p) => percentile(sorted, p));
    }
    return ps.map((p) => Math.min(this.hist!.getValueAtPercentile(100 * p), this.max));
  }

  /** Bytes held, for the boundedness test. */
  get footprint(): number {
    return this.values ? this.values.byteLength : this.hist!.estimatedFootprintInBytes;
  }
}

const Int32Histogram = constructorFromBucketSize(32);
type JsHistogram = InstanceType<typeof Int32Histogram>;

function grow(a: Float64Array): Float64Array {
  const b = new Float64Array(Math.min(2 * a.length, EXACT_PERCENTILES));
  b.set(a);
  return b;
}

const RANKS = [0.5, 0.95, 0.99];

/** Pause statistics kept as pauses arrive, in memory bounded whatever their number (see the header). */
export class PauseStats {
  count = 0;
  private readonly ns = new ValueStream(true);
  private readonly words = new ValueStream(false);
  /** Pauses per 1-2-5 bin of wall duration (bin125), exact. */
  readonly bins = new Float64Array(LOG_BINS);

  add(ns: number, words: number): void {
    this.count++;
    this.ns.add(ns, this.count);
    this.words.add(words, this.count);
    this.bins[bin125(ns)]++;
  }

  get exact(): boolean {
    return this.count <= EXACT_PERCENTILES;
  }

  wall(): PauseSummary {
    const [p50Ns, p95Ns, p99Ns] = this.ns.at(RANKS, this.count);
    return { count: this.count, totalNs: this.ns.total, p50Ns, p95Ns, p99Ns, maxNs: this.ns.max, percentiles: this.exact ? "exact" : "histogram" };
  }

  work(): WorkSummary {
    const [p50Words, p95Words, p99Words] = this.words.at(RANKS, this.count);
    return { p50Words, p95Words, p99Words, maxWords: this.words.max, totalWords: this.words.total };
  }

  /** Bytes held by the percentile stores (values or histograms). */
  get footprint(): number {
    return this.ns.footprint + this.words.footprint + this.bins.byteLength;
  }
}
