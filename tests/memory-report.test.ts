/**
 * The text report's memory section (src/report/memory.ts): the suspect line
 * exactly as issue 9 writes it, from a suspect built by hand with the
 * issue's figures; silence on a clean run; top retainers only beside
 * something they explain; sizes below 1 KiB in bytes.
 */
import { describe, expect, test } from "vitest";
import type { LeakSuspect, MemoryFindings, TopRetainer } from "../src/analysis/findings.js";
import { formatP, memoryReport, suspectLines } from "../src/report/memory.js";
import { formatBytesShort } from "../src/report/text.js";

const PATH = "global[0] → sessions.head.0 → sessions.entry.0 → (× 99,998 sessions.entry.0) → sessions.entry";

/** The suspect: 327 KiB per cycle over 14 cycles, 100,001 objects, 7.8 MiB live and retained. */
const suspect: LeakSuspect = {
  site: 2,
  name: "sessions.entry",
  signals: ["trend", "middle-third"],
  bytesPerCycle: 327 * 1024,
  bytesPerMillionAllocs: 0,
  cycles: 14,
  pValue: 0.0004,
  middleThirdObjects: 33_334,
  liveObjects: 100_001,
  liveBytes: 8_180_000,
  retainedBytes: 8_180_080,
  paths: [{ text: PATH, steps: [], objects: 12, length: 100_001 }],
  sampledObjects: 12,
};

const retainer: TopRetainer = { kind: "object", site: 1, name: "sessions.head", handle: 4096, retainedBytes: 8_180_096, fraction: 1, path: { text: "global[0] → sessions.head", steps: [], objects: 1, length: 1 } };

const findings = (f: Partial<MemoryFindings>): Partial<MemoryFindings> => ({ sites: [], leaks: [], retainers: [], escapes: [], ...f });

describe("the memory section", () => {
  test("a suspect: the issue's line, then its path indented by two spaces", () => {
    expect(suspectLines(suspect)).toEqual([
      "leak suspect sessions.entry · +327 KiB per cycle over 14 cycles (p < 0.001) · 100,001 objects · 7.8 MiB live · retains 7.8 MiB",
      "  global[0] → sessions.head.0 → sessions.entry.0 → (× 99,998 sessions.entry.0) → sessions.entry",
    ]);
  });

  test("flagged by memlab's rule alone, with too few cycles for the trend test: says so, and how many from the middle third", () => {
    const s = { ...suspect, signals: ["middle-third" as const], cycles: 5, pValue: 1 };
    expect(suspectLines(s)[0]).toBe(
      "leak suspect sessions.entry · +327 KiB per cycle over 5 cycles (too few for a trend test) · 100,001 objects · 7.8 MiB live · retains 7.8 MiB · 33,334 allocated in the run's middle third still live",
    );
  });

  test("several path shapes: each says how many of the sample it holds", () => {
    const s = { ...suspect, paths: [{ text: "a → x", steps: [], objects: 9, length: 1 }, { text: "b → x", steps: [], objects: 3, length: 1 }] };
    expect(suspectLines(s).slice(1)).toEqual(["  a → x (9 of 12 sampled)", "  b → x (3 of 12 sampled)"]);
  });

  test("the section: labelled as the summary's lines, the suspects, then the top retainers that explain them, indented under the label", () => {
    expect(memoryReport(findings({ leaks: [suspect], retainers: [retainer] }))).toBe([
      "memory   leak suspect sessions.entry · +327 KiB per cycle over 14 cycles (p < 0.001) · 100,001 objects · 7.8 MiB live · retains 7.8 MiB",
      `           ${PATH}`,
      "         top retainer sessions.head (object) · retains 7.8 MiB · 100.0% of the live heap",
      "           global[0] → sessions.head",
    ].join("\n"));
  });

  test("silent on a clean run, top retainers or not, and without any analysis", () => {
    expect(memoryReport(findings({ retainers: [retainer] }))).toBeNull();
    expect(memoryReport(findings({}))).toBeNull();
    expect(memoryReport({})).toBeNull();
  });
});

describe("sizes and p-values", () => {
  test("below 1 KiB in bytes; one decimal under 100 of the unit, none from 100 on", () => {
    expect([0, 512, 1023, 1024, 1536, 99.94 * 1024, 100 * 1024, 327 * 1024, 8_180_000, 1.5 * 2 ** 30].map(formatBytesShort))
      .toEqual(["0 B", "512 B", "1023 B", "1.0 KiB", "1.5 KiB", "99.9 KiB", "100 KiB", "327 KiB", "7.8 MiB", "1.5 GiB"]);
  });

  test("p below 0.001 as a bound, else two significant figures", () => {
    expect([0.0004, 0.001, 0.00842, 0.5].map(formatP)).toEqual(["p < 0.001", "p = 0.001", "p = 0.0084", "p = 0.5"]);
  });
});
