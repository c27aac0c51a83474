/**
 * Trend statistics for a series of measurements in time order: does it
 * grow (Mann–Kendall), and how fast (Theil–Sen). Both are rank-based, so a
 * few wild cycles — a mark that caught a burst of floating garbage — move
 * neither much, and neither assumes the growth is linear.
 *
 * Mann–Kendall, as R's trend::mk.test computes it (two-sided, continuity
 * correction on): S = Σ_{i<j} sgn(x_j − x_i); under "no trend" S has mean 0
 * and variance [n(n−1)(2n+5) − Σ_t t(t−1)(2t+5)] / 18, the sum over groups
 * of t tied values; z = sgn(S)·(|S| − 1)/σ; p = 2·(1 − Φ(|z|)). The normal
 * approximation is close to the exact distribution from n ≈ 8 on (Gilbert
 * 1987 tabulates exact values below 10); below MIN_TREND_POINTS points this
 * module does not trust it and reports p = 1, "not significant".
 *
 * Theil–Sen: the median of the slopes (y_j − y_i)/(x_j − x_i) over all pairs
 * with x_i ≠ x_j (Theil 1950, Sen 1968); O(n²) pairs, fine for the series
 * here (at most SITE_SERIES_CAP points).
 */

/** Below this many points the normal approximation is not trusted: p = 1. */
export const MIN_TREND_POINTS = 8;

export interface MannKendall {
  n: number;
  /** Σ sgn(x_j − x_i) over i < j. */
  s: number;
  /** Var(S) with the tie correction. */
  variance: number;
  /** The continuity-corrected normal score (0 when S = 0 or the variance is 0). */
  z: number;
  /** Two-sided p-value; 1 below MIN_TREND_POINTS points. */
  pValue: number;
}

/** Throws the one error for a series that is not all finite numbers. */
function checkFinite(what: string, xs: readonly number[]): void {
  const i = xs.findIndex((x) => !Number.isFinite(x));
  if (i >= 0) throw new RangeError(`${what}: value ${i} is ${xs[i]}, not a finite number`);
}

/** The Mann–Kendall test of `xs` (in time order) for a monotonic trend. */
export function mannKendall(xs: readonly number[]): MannKendall {
  checkFinite("mannKendall", xs);
  const n = xs.length;
  let s = 0;
  for (let i = 0; i < n - 1; i++) {
    const xi = xs[i];
    for (let j = i + 1; j < n; j++) s += Math.sign(xs[j] - xi);
  }
  let ties = 0;
  const groups = new Map<number, number>();
  for (const x of xs) groups.set(x, (groups.get(x) ?? 0) + 1);
  for (const t of groups.values()) ties += t * (t - 1) * (2 * t + 5);
  const variance = (n * (n - 1) * (2 * n + 5) - ties) / 18;
  const z = s === 0 || variance <= 0 ? 0 : (Math.sign(s) * (Math.abs(s) - 1)) / Math.sqrt(variance);
  const pValue = n < MIN_TREND_POINTS || variance <= 0 ? 1 : Math.min(1, erfc(Math.abs(z) / Math.SQRT2));
  return { n, s, variance, z, pValue };
}

/**
 * The Theil–Sen slope of `ys` against `xs` (default 0, 1, 2, …: per step);
 * 0 with fewer than two distinct x values.
 */
export function theilSen(ys: readonly number[], xs?: readonly number[]): number {
  checkFinite("theilSen", ys);
  if (xs) {
    if (xs.length !== ys.length) throw new RangeError(`theilSen: ${ys.length} values but ${xs.length} x positions`);
    checkFinite("theilSen (x)", xs);
  }
  const x = (i: number) => (xs ? xs[i] : i);
  const slopes: number[] = [];
  for (let i = 0; i < ys.length - 1; i++) {
    for (let j = i + 1; j < ys.length; j++) {
      const dx = x(j) - x(i);
      if (dx !== 0) slopes.push((ys[j] - ys[i]) / dx);
    }
  }
  if (slopes.length === 0) return 0;
  slopes.sort((a, b) => a - b);
  const m = slopes.length >> 1;
  return slopes.length % 2 === 1 ? slopes[m] : (slopes[m - 1] + slopes[m]) / 2;
}

/**
 * The complementary error function, erfc(x) = 1 − erf(x), for x ≥ 0 to a
 * fractional error below 1.2e-7 everywhere (Numerical Recipes' erfcc, a
 * Chebyshev fit): 2·(1 − Φ(|z|)) = erfc(|z|/√2).
 */
export function erfc(x: number): number {
  const z = Math.abs(x);
  const t = 1 / (1 + 0.5 * z);
  const r = t * Math.exp(-z * z - 1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418 + t * (-0.18628806 +
    t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))));
  return x >= 0 ? r : 2 - r;
}
