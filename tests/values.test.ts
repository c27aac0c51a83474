/**
 * The value syntaxes the CLI's flags and the page's form share
 * (src/metrics/values.ts): expected values worked out by hand.
 */
import { describe, expect, test } from "vitest";
import { gogcValue, MAX_GOGC, sizeValue } from "../src/metrics/values.js";

describe("sizes", () => {
  test("binary units in every spelling, decimals rounded down to a byte", () => {
    expect(["4096", "64m", "64MiB", "64 MB", "64mb", "1.5 GiB", "1.5g", "2k", "0.5KiB", "3b", "1.0000001k"].map(sizeValue))
      .toEqual([4096, 67_108_864, 67_108_864, 67_108_864, 67_108_864, 1_610_612_736, 1_610_612_736, 2048, 512, 3, 1024]);
  });

  test("bad input: no number, a sign, an unknown unit, two numbers or empty text is not a size (null)", () => {
    for (const t of ["", "MiB", "-1", "+5", "64q", "64 MiB MiB", "1 2", "0x10", "1e6"]) expect(sizeValue(t), t).toBeNull();
  });
});

describe("GOGC", () => {
  test("off in any case, or a whole percentage up to 1,000,000, spaces allowed", () => {
    expect(["off", "OFF", " 100 ", "0", "1000000"].map(gogcValue)).toEqual(["off", "off", 100, 0, 1_000_000]);
    expect(MAX_GOGC).toBe(1_000_000);
  });

  test("bad input: above the cap, negative, fractional, empty or a word is not a GOGC (null)", () => {
    for (const t of ["1000001", "-1", "1.5", "", "on", "100%"]) expect(gogcValue(t), t).toBeNull();
  });
});
