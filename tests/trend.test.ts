/**
 * src/analysis/trend.ts against values computed by hand, not by the code:
 *
 *  - Mann–Kendall, the worked example "A Mann-Kendall Example (By Hand)"
 *    (mathcs.holycross.edu/~little/Montserrat/MannKendallByHand.txt): the 14
 *    values below give S = 54 (72 rises, 18 falls, one tie among 91 pairs),
 *    V = 14·13·33/18 − 2·1·9/18, Z = (S − 1)/√V = 2.9058 and a one-sided
 *    p ≈ .0018 from the normal table (two-sided: twice that);
 *  - a series with two tie groups, worked here: S and Var(S) by the formulas
 *    of R's trend::mk.test documentation, p from a standard normal table;
 *  - Theil–Sen on four points, the six pairwise slopes listed by hand.
 *
 * And properties (fast-check): reversing a series negates S; a strictly
 * rising series has S = n(n−1)/2; Theil–Sen returns the slope of any exact
 * line, is unmoved by adding a constant, and scales with the values.
 */
import { describe, expect, test } from "vitest";
import fc from "fast-check";
import { erfc, mannKendall, MIN_TREND_POINTS, theilSen } from "../src/analysis/trend.js";
import { at } from "./helpers.js";

describe("Mann–Kendall", () => {
  test("the Holy Cross worked example: S = 54, V = (6006 − 18)/18, Z = 2.9058, one-sided p ≈ .0018", () => {
    const xs = [12.9, 14.8, 13.2, 15.7, 13.8, 15.6, 12.9, 11.0, 17.3, 15.9, 19.0, 18.3, 20.1, 21.7];
    const mk = mannKendall(xs);
    expect(mk.n).toBe(14);
    expect(mk.s).toBe(54);
    expect(mk.variance).toBeCloseTo((14 * 13 * 33 - 2 * 1 * 9) / 18, 10);
    expect(mk.z).toBeCloseTo(2.9058, 4);
    expect(mk.pValue / 2).toBeCloseTo(0.0018, 4);
  });

  test("two tie groups, by hand: S = 24, Var = (1176 − 18 − 66)/18 = 60.667, z = 23/√60.667 = 2.9529, p ≈ 0.00315", () => {
    // Pairs by hand: 1 → +7; each 2 → +5 (the other 2 ties); each 3 → +2; 4 → +1: 7 + 5 + 5 + 2 + 2 + 2 + 1 = 24.
    // Ties: t = 2 (the 2s): 2·1·9 = 18; t = 3 (the 3s): 3·2·11 = 66. n(n−1)(2n+5) = 8·7·21 = 1176.
    const mk = mannKendall([1, 2, 2, 3, 3, 3, 4, 5]);
    expect(mk.s).toBe(24);
    expect(mk.variance).toBeCloseTo(1092 / 18, 10);
    expect(mk.z).toBeCloseTo(2.9529, 4);
    // Normal table: Φ(2.95) = 0.99841, Φ(2.96) = 0.99846; interpolated at 2.9529, two-sided 2·(1 − 0.998425).
    expect(mk.pValue).toBeCloseTo(0.00315, 4);
  });

  test(`below ${MIN_TREND_POINTS} points the test says nothing (p = 1), however steep`, () => {
    expect(mannKendall([1, 2, 3, 4, 5, 6, 7]).pValue).toBe(1);
    expect(mannKendall([1, 2, 3, 4, 5, 6, 7]).s).toBe(21);
    expect(mannKendall([1, 2, 3, 4, 5, 6, 7, 8]).pValue).toBeLessThan(0.01);
  });

  test("no variation: S = 0, z = 0, p = 1", () => {
    expect(mannKendall(new Array(20).fill(5))).toMatchObject({ s: 0, z: 0, pValue: 1 });
  });

  test("properties: reversal negates S; a strictly rising series has S = n(n−1)/2", () => {
    fc.assert(fc.property(fc.array(fc.integer({ min: -50, max: 50 }), { maxLength: 40 }), (xs) => {
      expect(mannKendall([...xs].reverse()).s + mannKendall(xs).s).toBe(0);
    }), { numRuns: 200 });
    fc.assert(fc.property(fc.uniqueArray(fc.integer({ min: -1e6, max: 1e6 }), { minLength: 1, maxLength: 40 }), (xs) => {
      const sorted = [...xs].sort((a, b) => a - b);
      expect(mannKendall(sorted).s).toBe((sorted.length * (sorted.length - 1)) / 2);
    }), { numRuns: 200 });
  });

  test("bad input: a value that is not a finite number is one RangeError naming it", () => {
    expect(() => mannKendall([1, 2, Number.NaN, 4])).toThrow(new RangeError("mannKendall: value 2 is NaN, not a finite number"));
    expect(() => mannKendall([1, Infinity])).toThrow(/value 1 is Infinity/);
  });
});

describe("Theil–Sen", () => {
  test("four points by hand: slopes 2, 0.5, 4/3, −1, 1, 3 → median (1 + 4/3)/2 = 7/6", () => {
    expect(theilSen([1, 3, 2, 5])).toBeCloseTo(7 / 6, 12);
  });

  test("with x positions: (0,0) (1,10) (3,12) (4,30) → slopes 10, 4, 7.5, 1, 6.67, 18 → median (6.67 + 7.5)/2", () => {
    expect(theilSen([0, 10, 12, 30], [0, 1, 3, 4])).toBeCloseTo((20 / 3 + 7.5) / 2, 12);
  });

  test("one point, or equal x everywhere: 0", () => {
    expect(theilSen([5])).toBe(0);
    expect(theilSen([1, 2, 3], [7, 7, 7])).toBe(0);
  });

  test("properties: an exact line's slope, unmoved by a constant, scaled with the values; robust to one outlier in 5+", () => {
    fc.assert(fc.property(fc.integer({ min: -1000, max: 1000 }), fc.integer({ min: -1000, max: 1000 }), fc.integer({ min: 2, max: 40 }), (a, b, n) => {
      const ys = Array.from({ length: n }, (_, i) => a + b * i);
      expect(theilSen(ys)).toBeCloseTo(b, 9);
      expect(theilSen(ys.map((y) => y + 12345))).toBeCloseTo(b, 9);
      expect(theilSen(ys.map((y) => 3 * y))).toBeCloseTo(3 * b, 9);
    }), { numRuns: 200 });
    fc.assert(fc.property(fc.integer({ min: -100, max: 100 }), fc.integer({ min: 5, max: 40 }), fc.nat(), (b, n, k) => {
      const ys = Array.from({ length: n }, (_, i) => b * i);
      ys[k % n] = at(ys, k % n) + 1e9; // one wild cycle
      expect(theilSen(ys)).toBeCloseTo(b, 6);
    }), { numRuns: 200 });
  });

  test("bad input: x positions of another length, or a value that is not finite, are one RangeError each", () => {
    expect(() => theilSen([1, 2, 3], [0, 1])).toThrow(new RangeError("theilSen: 3 values but 2 x positions"));
    expect(() => theilSen([1, Number.NaN])).toThrow(new RangeError("theilSen: value 1 is NaN, not a finite number"));
    expect(() => theilSen([1, 2], [0, Number.NaN])).toThrow(/theilSen \(x\): value 1 is NaN/);
  });
});

describe("erfc", () => {
  test("table values: erfc(0) = 1, erfc(1) = 0.157299207, erfc(2) = 0.004677735, erfc(−1) = 1.842700793", () => {
    // Abramowitz & Stegun, Table 7.1 (erf 1 = 0.8427007929, erf 2 = 0.9953222650).
    expect(erfc(0)).toBeCloseTo(1, 7);
    expect(erfc(1)).toBeCloseTo(0.157299207, 7);
    expect(erfc(2)).toBeCloseTo(0.004677735, 8);
    expect(erfc(-1)).toBeCloseTo(1.842700793, 7);
  });
});
