/**
 * Trend tests for series over cycles: Mann–Kendall's test for a monotonic
 * trend (Mann 1945, Kendall 1975; the variance with the tie correction of
 * Kendall's "Rank Correlation Methods", as in Hipel & McLeod §23.3) and the
 * Theil–Sen slope (Theil 1950, Sen 1968): the median of the pairwise slopes.
 * No assumption on the distribution of the values, robust to outliers — a
 * heap that grows by steps is a trend, one spike is not.
 */

/** The standard normal CDF, via Numerical Recipes' erfcc (a Chebyshev fit; fractional error below 1.2e-7 everywhere). */
export function normalCdf(z: number): number {
  const x = Math.abs(z) / Math.SQRT2;
  const t = 1 / (1 + 0.5 * x);
  const erfc =
    t * Math.exp(-x * x - 1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418 + t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))));
  return z >= 0 ? 1 - erfc / 2 : erfc / 2;
}

/**
 * Mann–Kendall: S = Σ_{i<j} sign(x_j − x_i); Var(S) = [n(n−1)(2n+5) −
 * Σ_t t(t−1)(2t+5)] / 18 over groups of t tied values; z = (S − sign S)/√Var
 * (the continuity correction), 0 when S = 0; p two-sided = 2(1 − Φ(|z|)).
 * A series of fewer than 3 values, or all equal, has s = 0, z = 0, p = 1.
 */
export function mannKendall(xs: readonly number[]): { s: number; z: number; p: number } {
  const n = xs.length;
  let s = 0;
  for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) s += Math.sign(xs[j] - xs[i]);
  const ties = new Map<number, number>();
  for (const x of xs) ties.set(x, (ties.get(x) ?? 0) + 1);
  let tieTerm = 0;
  for (const t of ties.values()) tieTerm += t * (t - 1) * (2 * t + 5);
  const variance = (n * (n - 1) * (2 * n + 5) - tieTerm) / 18;
  if (n < 3 || variance <= 0 || s === 0) return { s, z: 0, p: 1 };
  const z = (s - Math.sign(s)) / Math.sqrt(variance);
  return { s, z, p: Math.min(1, 2 * (1 - normalCdf(Math.abs(z)))) };
}

/** Theil–Sen: the median of (x_j − x_i)/(j − i) over all pairs i < j; 0 for fewer than 2 values. */
export function theilSen(xs: readonly number[]): number {
  const slopes: number[] = [];
  for (let i = 0; i < xs.length; i++) for (let j = i + 1; j < xs.length; j++) slopes.push((xs[j] - xs[i]) / (j - i));
  if (slopes.length === 0) return 0;
  slopes.sort((a, b) => a - b);
  const m = slopes.length >> 1;
  return slopes.length % 2 === 1 ? slopes[m] : (slopes[m - 1] + slopes[m]) / 2;
}
