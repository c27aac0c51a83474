/**
 * Pause statistics, named as DESIGN.md §8 names them. Percentiles use the
 * nearest-rank method (the value at rank ⌈p·n⌉ of the sorted sample), so
 * every reported figure is a pause that really happened.
 */
import type { Pause } from "./engine.js";

export interface PauseSummary {
  count: number;
  totalNs: number;
  p50Ns: number;
  p95Ns: number;
  p99Ns: number;
  maxNs: number;
}

export interface WorkSummary {
  /** Root and object words scanned in the pause at each rank (by work, not by wall time). */
  p50Words: number;
  p95Words: number;
  p99Words: number;
  maxWords: number;
  totalWords: number;
}

/** The value at nearest rank ⌈p·n⌉ of an ascending array; 0 for an empty one. */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return 0;
  const rank = Math.max(1, Math.ceil(p * sorted.length));
  return sorted[rank - 1];
}

export function summarizePauses(pauses: readonly Pause[]): PauseSummary {
  const ns = pauses.map((p) => p.endNs - p.startNs).sort((a, b) => a - b);
  return {
    count: ns.length,
    totalNs: ns.reduce((a, b) => a + b, 0),
    p50Ns: percentile(ns, 0.5),
    p95Ns: percentile(ns, 0.95),
    p99Ns: percentile(ns, 0.99),
    maxNs: ns.length ? ns[ns.length - 1] : 0,
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
