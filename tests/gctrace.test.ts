/**
 * gctrace and gcpacertrace lines against Go 1.19 (src/gctrace.ts).
 *
 * The fixtures in tests/fixtures/go/ were captured once by capture.sh (see
 * there): real runtime output of gcprog.go, and tables of what the
 * runtime's own itoaDiv, fmtNSAsMS and printfloat print. Go is not needed
 * here.
 *
 *   (a) the ports reproduce every row of the tables;
 *   (b) a grammar written from Go's print statements (runtime/mgc.go
 *       gcMarkTermination, runtime/mgcpacer.go startCycle and endCycle,
 *       runtime/mgcsweep.go sweepone) parses every line Go printed, and the
 *       lines we print for hand-built records, which must also equal strings
 *       worked out by hand from Go's rules;
 *   (c)-(e) stw's mark counts as GC CPU, the no-goal MB, "(forced)".
 */
import { readFileSync } from "node:fs";
import { spawnSync } from "node:child_process";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import type { CycleRecord } from "../src/engine/engine.js";
import { fmtNSAsMS, GcTracer, itoaDiv, pacerLines, printfloat } from "../src/report/gctrace.js";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..");
const FIXTURES = join(ROOT, "tests/fixtures/go");
const MiB = 2 ** 20;

/** Rows of a capture.sh table, without its "# generated" header; every row must have `columns` fields. */
function table(name: string, columns: 2): [string, string][];
function table(name: string, columns: 3): [string, string, string][];
function table(name: string, columns: number): string[][] {
  const rows = readFileSync(join(FIXTURES, name), "utf8")
    .split("\n")
    .filter((l) => l !== "" && !l.startsWith("#"))
    .map((l) => l.split("\t"));
  const bad = rows.findIndex((r) => r.length !== columns);
  if (bad >= 0) throw new Error(`${name}: row ${bad + 1} has ${rows[bad]?.length} fields, not ${columns}`);
  return rows;
}

/** The lines of a captured stderr. */
const goLines = (name: string) => readFileSync(join(FIXTURES, name), "utf8").trimEnd().split("\n");

// ── (a) the ports, row by row ─────────────────────────────────────────────

describe("ports of the runtime's formatting, against the Go 1.19 tables", () => {
  it("fmtNSAsMS (runtime/mgc.go)", () => {
    const rows = table("fmtnsasms-go1.19.tsv", 2);
    expect(rows.length).toBeGreaterThan(400);
    const wrong = rows.filter(([ns, want]) => fmtNSAsMS(BigInt(ns)) !== want);
    expect(wrong).toEqual([]);
    // The same as float nanoseconds, as records carry them (exact up to 2^53).
    const small = rows.filter(([ns]) => Number(ns) <= Number.MAX_SAFE_INTEGER);
    expect(small.filter(([ns, want]) => fmtNSAsMS(Number(ns)) !== want)).toEqual([]);
  });

  it("itoaDiv (runtime/mgc.go), dec 0 to 5", () => {
    const rows = table("itoadiv-go1.19.tsv", 3);
    expect(rows.length).toBeGreaterThan(1000);
    const wrong = rows.filter(([val, dec, want]) => itoaDiv(BigInt(val), Number(dec)) !== want);
    expect(wrong).toEqual([]);
  });

  it("printfloat (runtime/print.go), NaN, ±Inf, ±0 and denormals included", () => {
    const rows = table("printfloat-go1.19.tsv", 2);
    expect(rows.length).toBeGreaterThan(450);
    const value = (s: string) => (s === "+Inf" ? Infinity : s === "-Inf" ? -Infinity : Number(s));
    expect(Object.is(value("-0"), -0)).toBe(true);
    const wrong = rows.filter(([v, want]) => printfloat(value(v)) !== want);
    expect(wrong).toEqual([]);
  });
});

// ── (b) the grammar ───────────────────────────────────────────────────────
//
// Each numeric field is held to the exact shapes its formatter can produce.

const UINT = /0|[1-9]\d*/; // printuint, uint64 >> 20
const INT = /-?[1-9]\d*|0/; // printint: no "-0", no leading zeros
/** fmtNSAsMS: "0" (< 1 µs); 0.00d, 0.0dd, 0.dd, d.d (two significant digits); whole ms from 10. */
const MS = /[1-9]\d+|[1-9]\.\d|0\.[1-9]\d|0\.0[1-9]\d|0\.00[1-9]|0/;
/** itoaDiv(ms, 3): seconds with exactly three decimals. */
const SECONDS = /(?:0|[1-9]\d*)\.\d{3}/;
/** printfloat: sign, a nonzero leading digit (or all zeros), six decimals, a signed three-digit exponent. */
const FLOAT = /[+-](?:[1-9]\.\d{6}e[+-]\d{3}|0\.000000e\+000)|NaN|[+-]Inf/;

type Part = string | { name: string; re: RegExp } | { optional: string };
const f = (name: string, re: RegExp): Part => ({ name, re });

/** runtime/mgc.go gcMarkTermination. */
const GC_LINE: Part[] = [
  "gc ", f("cycle", UINT), " @", f("at", SECONDS), "s ", f("util", UINT), "%: ",
  f("sweepTermClock", MS), "+", f("markClock", MS), "+", f("markTermClock", MS), " ms clock, ",
  f("sweepTermCpu", MS), "+", f("assistCpu", MS), "/", f("backgroundCpu", MS), "/", f("idleCpu", MS), "+", f("markTermCpu", MS), " ms cpu, ",
  f("heap0", UINT), "->", f("heap1", UINT), "->", f("heap2", UINT), " MB, ",
  f("goal", UINT), " MB goal, ", f("stacks", UINT), " MB stacks, ", f("globals", UINT), " MB globals, ",
  f("procs", UINT), " P", { optional: " (forced)" },
];
/** runtime/mgcpacer.go startCycle. */
const PACER_START: Part[] = [
  "pacer: assist ratio=", f("assistRatio", FLOAT), " (scan ", f("scan", UINT), " MB in ",
  f("heap0", UINT), "->", f("goal", UINT), " MB) workers=", f("dedicated", INT), "+", f("fractional", FLOAT),
];
/** runtime/mgcpacer.go endCycle. */
const PACER_END: Part[] = [
  "pacer: ", f("util", INT), "% CPU (", f("goalUtil", INT), " exp.) for ",
  f("heapScanWork", INT), "+", f("stackScanWork", INT), "+", f("globalsScanWork", INT), " B work (",
  f("expected", UINT), " B exp.) in ", f("triggered", UINT), " B -> ", f("heapLive", UINT), " B (\u2206goal ",
  f("deltaGoal", INT), ", cons/mark ", f("consMark", FLOAT), ")", { optional: "[controller reset]" },
];
/** runtime/mgcsweep.go sweepone (Go prints it; tricolor does not). */
const PACER_SWEEP: Part[] = [
  "pacer: sweep done at heap size ", f("heapLive", UINT), "MB; allocated ", f("allocated", UINT), "MB during sweep; swept ",
  f("pages", UINT), " pages at ", f("pagesPerByte", FLOAT), " pages/byte",
];
const GRAMMARS = { gc: GC_LINE, pacerStart: PACER_START, pacerEnd: PACER_END, pacerSweep: PACER_SWEEP };
type Kind = keyof typeof GRAMMARS;

/** Parses `line` against `grammar`, part by part; returns the fields, or throws naming where it failed. */
function parse(line: string, grammar: Part[]): Record<string, string> {
  const fields: Record<string, string> = {};
  let at = 0;
  for (const part of grammar) {
    if (typeof part === "string") {
      if (!line.startsWith(part, at)) throw new Error(`expected ${JSON.stringify(part)} at ${at} in ${JSON.stringify(line)}`);
      at += part.length;
    } else if ("optional" in part) {
      if (line.startsWith(part.optional, at)) at += part.optional.length;
    } else {
      const m = new RegExp(`(?:${part.re.source})`, "y");
      m.lastIndex = at;
      const hit = m.exec(line);
      if (!hit) throw new Error(`field ${part.name} malformed at ${at} in ${JSON.stringify(line)}`);
      fields[part.name] = hit[0];
      at += hit[0].length;
    }
  }
  if (at !== line.length) throw new Error(`trailing ${JSON.stringify(line.slice(at))} in ${JSON.stringify(line)}`);
  return fields;
}

/** The kind of a line, by its fixed opening. */
function kindOf(line: string): Kind {
  if (line.startsWith("gc ")) return "gc";
  if (line.startsWith("pacer: assist ratio=")) return "pacerStart";
  if (line.startsWith("pacer: sweep done")) return "pacerSweep";
  if (line.startsWith("pacer: ")) return "pacerEnd";
  throw new Error(`not a gctrace or gcpacertrace line: ${JSON.stringify(line)}`);
}

const parseAny = (line: string) => ({ kind: kindOf(line), fields: parse(line, GRAMMARS[kindOf(line)]) });

describe("the grammar, on Go 1.19's own output", () => {
  for (const file of ["gctrace-go1.19.txt", "gctrace-stw-go1.19.txt"]) {
    it(`parses every line of ${file}`, () => {
      const parsed = goLines(file).map(parseAny);
      const kinds = new Set(parsed.map((p) => p.kind));
      expect(kinds).toContain("gc");
      expect(kinds).toContain("pacerStart");
      expect(kinds).toContain("pacerEnd");
      const gc = parsed.filter((p) => p.kind === "gc");
      // Cycles are numbered 1, 2, ... and run with one P.
      expect(gc.map((p) => Number(p.fields.cycle))).toEqual(gc.map((_, i) => i + 1));
      for (const p of gc) expect(p.fields.procs).toBe("1");
    });
  }

  it("the capture has forced cycles, GOGC=off cycles, and endCycle's silence for runtime.GC()", () => {
    const lines = goLines("gctrace-go1.19.txt");
    const forced = lines.filter((l) => l.endsWith(" (forced)"));
    expect(forced.length).toBeGreaterThanOrEqual(4);
    // GOGC=off: Go 1.19 caps the goal by the default memory limit, math.MaxInt64 less
    // non-heap memory (mgcpacer.go memoryLimitHeapGoal), just under 2^63>>20.
    const offGoals = forced.map((l) => Number(parse(l, GC_LINE).goal)).filter((g) => g > 2 ** 40);
    expect(offGoals.length).toBeGreaterThanOrEqual(2);
    for (const g of offGoals) expect(g).toBeLessThanOrEqual(2 ** 43 - 1);
    // For runtime.GC() heapLive <= triggered: endCycle returns before printing.
    for (const l of forced) expect(lines[lines.indexOf(l) - 1]).toMatch(/^pacer: assist ratio=/);
  });

  it("GOMAXPROCS=1 runs fractional workers; gcstoptheworld=1 one dedicated worker", () => {
    const workers = (file: string) => new Set(goLines(file).filter((l) => kindOf(l) === "pacerStart").map((l) => l.slice(l.indexOf("workers="))));
    expect(workers("gctrace-go1.19.txt")).toEqual(new Set(["workers=0++2.500000e-001"]));
    expect(workers("gctrace-stw-go1.19.txt")).toEqual(new Set(["workers=1++0.000000e+000"]));
  });

  it("the grammar refuses shapes Go cannot print", () => {
    const good = "gc 1 @0.012s 8%: 0.060+1.1+0.023 ms clock, 0.060+1.0/0/0+0.023 ms cpu, 3->4->1 MB, 4 MB goal, 4 MB stacks, 2 MB globals, 1 P";
    expect(() => parse(good, GC_LINE)).not.toThrow();
    for (const bad of [
      good.replace("0.060+1.1", "0.06+1.1"), // fmtNSAsMS keeps two significant digits
      good.replace("+1.1+", "+1.10+"),
      good.replace("+1.1+", "+12.3+"), // whole ms from 10 ms
      good.replace("@0.012s", "@0.01s"),
      good.replace("4 MB goal", "∞ MB goal"),
      good.replace("8%", "8.5%"),
      good + " (forced) ",
    ]) {
      expect(() => parse(bad, GC_LINE), bad).toThrow();
    }
    expect(() => parse("pacer: assist ratio=0.25 (scan 0 MB in 3->4 MB) workers=0+0.25", PACER_START)).toThrow();
  });
});

// ── Hand-built records ────────────────────────────────────────────────────

/** A cycle record: zeros, then `r`. */
function rec(r: Partial<CycleRecord>): CycleRecord {
  return {
    cycle: 1, forced: false, startNs: 0, endNs: 0, sweepTermNs: 0, markNs: 0, markTermNs: 0,
    heapStartBytes: 0, heapEndBytes: 0, heapMarkedBytes: 0, markedObjects: 0, heapGoalBytes: 4 * MiB, nextGoalBytes: 4 * MiB,
    triggerBytes: 0, stackBytes: 0, globalsBytes: 0, assistWords: 0, backgroundWords: 0, assistNs: 0, backgroundNs: 0,
    barrierCalls: 0, barrierShaded: 0, stacksScanned: 0, rescanWords: 0, lostObjects: 0, floatingObjects: -1,
    sweepTermWords: 0, markTermWords: 0, spansSweptInPause: 0,
    assistRatio: 0, heapScanBytes: 0, goalAtStartBytes: 4 * MiB, backgroundUtilization: 0.25, utilization: 0,
    heapScanWork: 0, stackScanWork: 0, globalsScanWork: 0, expectedScanWork: 0, triggeredBytes: 0, consMarkBefore: 0,
    lastGoalBytes: 4 * MiB, trigger: "heap", mutatorUnits: 0, limiterOn: false, consMark: 0, goroutines: 0,
    ...r,
  };
}

/** Asserts `got` is `want`, and that it parses with the Go grammar. */
function expectGoLine(got: string | undefined, want: string): void {
  expect(got).toBe(want);
  expect(() => parseAny(want)).not.toThrow();
}

// The expected strings below are worked out by hand from Go's rules, in the comments.
describe("gctrace lines for hand-built records", () => {
  it("concurrent cycles: fmtNSAsMS fields, >>20 sizes, a cumulative and truncated %", () => {
    const T0 = 5_000_000_000;
    const t = new GcTracer(T0, { barrier: "hybrid" });
    // @: 50 ms -> "0.050". clock: 11 µs -> 0.011; 2100 µs -> 210 -> 21, dec 1 -> 2.1; 20.499 µs -> 0.020.
    // cpu: assist 400 µs -> 40, dec 2 -> 0.40; background 1700 µs -> 1.7.
    // %: (11000+400000+1700000+20499) / 52131499 = 0.0409 -> 4.
    // MB: 8.5 MiB -> 8; 9 MiB+1 -> 9; 4 MiB-1 -> 3; goal 9 MiB+123 -> 9; stacks 64 KiB -> 0; globals 1.5 MiB -> 1.
    const c7 = rec({
      cycle: 7, startNs: T0 + 50_000_000, endNs: T0 + 52_131_499, sweepTermNs: 11_000, markNs: 2_100_000, markTermNs: 20_499,
      assistNs: 400_000, backgroundNs: 1_700_000, heapStartBytes: 8_912_896, heapEndBytes: 9 * MiB + 1, heapMarkedBytes: 4 * MiB - 1,
      heapGoalBytes: 9 * MiB + 123, stackBytes: 65_536, globalsBytes: 1_572_864,
    });
    expectGoLine(t.line(c7), "gc 7 @0.050s 4%: 0.011+2.1+0.020 ms clock, 0.011+0.40/1.7/0+0.020 ms cpu, 8->9->3 MB, 9 MB goal, 0 MB stacks, 1 MB globals, 1 P");
    // clock: 999 ns -> 0; 15 ms -> whole ms 15; 1 µs -> 0.001. background 5868.501 µs -> 5868 -> 586 -> 58, dec 1 -> 5.8.
    // %: (2131499 + 999+5868501+1000) / 75001999 = 0.10669 -> 10 (truncated, not rounded to 11).
    // MB: 100 MiB+1 -> 100; 1 GiB -> 1024; goal 2 GiB -> 2048 (past 2^31: no 32-bit shifts); stacks 3 MiB -> 3.
    const c8 = rec({
      cycle: 8, startNs: T0 + 60_000_000, endNs: T0 + 75_001_999, sweepTermNs: 999, markNs: 15_000_000, markTermNs: 1_000,
      backgroundNs: 5_868_501, heapStartBytes: 100 * MiB + 1, heapEndBytes: 2 ** 30, heapMarkedBytes: 0, heapGoalBytes: 2 ** 31,
      stackBytes: 3 * MiB,
    });
    expectGoLine(t.line(c8), "gc 8 @0.060s 10%: 0+15+0.001 ms clock, 0+0/5.8/0+0.001 ms cpu, 100->1024->0 MB, 2048 MB goal, 3 MB stacks, 0 MB globals, 1 P");
  });

  // stw: the mark (12.345678 ms) runs inside the pause. clock 3 µs -> 0.003, 12 ms -> 12, 999 ns -> 0.
  // The mark is printed in the background slot; %: (3000+12345678+999) / 100000000 = 0.1235 -> 12.
  const stw = rec({
    startNs: 87_650_323, endNs: 100_000_000, sweepTermNs: 3_000, markNs: 12_345_678, markTermNs: 999,
    heapStartBytes: 4 * MiB, heapEndBytes: 4 * MiB + 100, heapMarkedBytes: MiB, heapGoalBytes: 4 * MiB,
  });
  const STW_LINE = "gc 1 @0.087s 12%: 0.003+12+0 ms clock, 0.003+0/12/0+0 ms cpu, 4->4->1 MB, 4 MB goal, 0 MB stacks, 0 MB globals, 1 P";

  it("(c) stw: the mark inside the pause is GC CPU time, so the % is not 0", () => {
    expectGoLine(new GcTracer(0, { barrier: "stw" }).line(stw), STW_LINE);
    // A tracer not told the strategy takes a cycle with no assist or background time for stw's.
    expect(new GcTracer(0).line(stw)).toBe(STW_LINE);
    // The same record as a concurrent cycle: the mark was the mutator's time, (3000+999)/1e8 -> 0%.
    expectGoLine(
      new GcTracer(0, { barrier: "dijkstra" }).line(stw),
      "gc 1 @0.087s 0%: 0.003+12+0 ms clock, 0.003+0/0/0+0 ms cpu, 4->4->1 MB, 4 MB goal, 0 MB stacks, 0 MB globals, 1 P",
    );
  });

  // runtime.GC() under GOGC=off. clock 36 µs -> 0.036, 900 µs -> 90, dec 2 -> 0.90, 1 µs -> 0.001; background 130 µs -> 0.13.
  // %: (36000+130000+1000) / 186937000 = 0.00089 -> 0. MB: 18 MiB+5 -> 18; 1 MiB-1 -> 0; globals 2 MiB -> 2.
  const off = rec({
    cycle: 13, startNs: 186_000_000, endNs: 186_937_000, sweepTermNs: 36_000, markNs: 900_000, markTermNs: 1_000, backgroundNs: 130_000,
    heapStartBytes: 18 * MiB + 5, heapEndBytes: 18 * MiB + 5, heapMarkedBytes: MiB - 1, heapGoalBytes: -1, globalsBytes: 2 * MiB,
  });
  const OFF_LINE = "gc 13 @0.186s 0%: 0.036+0.90+0.001 ms clock, 0.036+0/0.13/0+0.001 ms cpu, 18->18->0 MB, 17592186044415 MB goal, 0 MB stacks, 2 MB globals, 1 P";

  it("(d) no goal prints ^uint64(0)>>20 = 17592186044415, never ∞", () => {
    expectGoLine(new GcTracer(0, { barrier: "hybrid" }).line(off), OFF_LINE);
    // The core's u64 max, as an f64 (2^64), is the same "no goal".
    expect(new GcTracer(0, { barrier: "hybrid" }).line({ ...off, heapGoalBytes: 2 ** 64 })).toBe(OFF_LINE);
    expect(new GcTracer(0, { barrier: "hybrid" }).line(off)).not.toContain("∞");
  });

  it("(e) (forced) ends the line only when the record says forced", () => {
    expectGoLine(new GcTracer(0, { barrier: "hybrid" }).line({ ...off, forced: true }), OFF_LINE + " (forced)");
    expect(new GcTracer(0, { barrier: "hybrid" }).line({ ...off, forced: false })).not.toContain("forced");
    expect(new GcTracer(0, { barrier: "stw" }).line({ ...stw, forced: true })).toBe(STW_LINE + " (forced)");
  });

  it("tiny and huge durations", () => {
    // Under 1 µs, fractional nanoseconds included, is "0"; no time elapsed at all is 0%.
    expectGoLine(
      new GcTracer(0, { barrier: "yuasa" }).line(rec({ sweepTermNs: 999.9, markNs: 0.5, markTermNs: 1, assistNs: 998, backgroundNs: 999 })),
      "gc 1 @0.000s 0%: 0+0+0 ms clock, 0+0/0/0+0 ms cpu, 0->0->0 MB, 4 MB goal, 0 MB stacks, 0 MB globals, 1 P",
    );
    // @: 3723456789999 ns -> 3723456 ms -> "3723.456". clock 10 ms -> 10 (whole from 10 ms); 123456789012 ns -> 123456;
    // 9999999 ns -> 9999 µs -> 999 -> 99, dec 1 -> 9.9. cpu: assist 1234 µs -> 1.2; background 99 µs -> 0.099.
    // %: 21334565 / 3846933579010 -> 0. MB: 3 GiB -> 3072; 3 GiB-1 -> 3071; 2^31 -> 2048; goal 2^40 -> 1048576; stacks 2^33 -> 8192; 5 MiB-1 -> 4.
    const T0 = 1_000;
    expectGoLine(
      new GcTracer(T0, { barrier: "hybrid" }).line(rec({
        cycle: 123456, startNs: T0 + 3_723_456_789_999, endNs: 3_846_933_580_010, sweepTermNs: 10_000_000, markNs: 123_456_789_012,
        markTermNs: 9_999_999, assistNs: 1_234_567, backgroundNs: 99_999, heapStartBytes: 3 * 2 ** 30, heapEndBytes: 3 * 2 ** 30 - 1,
        heapMarkedBytes: 2 ** 31, heapGoalBytes: 2 ** 40, stackBytes: 2 ** 33, globalsBytes: 5 * MiB - 1,
      })),
      "gc 123456 @3723.456s 0%: 10+123456+9.9 ms clock, 10+1.2/0.099/0+9.9 ms cpu, 3072->3071->2048 MB, 1048576 MB goal, 8192 MB stacks, 4 MB globals, 1 P",
    );
  });
});

describe("gcpacertrace lines for hand-built records", () => {
  // Numbers from the Go capture's cycle 4, goals and scan rounded to whole MiB plus change.
  const c = rec({
    assistRatio: 0.25, heapScanBytes: 5 * MiB + 7, heapStartBytes: 23 * MiB, goalAtStartBytes: 28 * MiB + 5,
    utilization: 0.58, heapScanWork: 483_856, stackScanWork: 3_243_552, globalsScanWork: 2_318_704, expectedScanWork: 5_907_224,
    triggeredBytes: 9_196_785, heapEndBytes: 11_831_240, lastGoalBytes: 11_769_496, consMarkBefore: -0.1289298,
  });

  it("start then end, as startCycle and endCycle print them", () => {
    const [start, end, ...rest] = pacerLines(c, false);
    expect(rest).toEqual([]);
    // One P at 25%: dedicated int(0.25+0.5) = 0 is 100% off, so fractional (0.25-0)/1; printfloat has its own sign.
    expectGoLine(start, "pacer: assist ratio=+2.500000e-001 (scan 5 MB in 23->28 MB) workers=0++2.500000e-001");
    // int(0.58*100) = int(57.99999999999999) = 57, as Go's would be; goal int(0.25*100) = 25; ∆goal 11831240-11769496.
    expectGoLine(end!, "pacer: 57% CPU (25 exp.) for 483856+3243552+2318704 B work (5907224 B exp.) in 9196785 B -> 11831240 B (\u2206goal 61744, cons/mark -1.289298e-001)");
    expect(new GcTracer(0, { barrier: "hybrid" }).pacerLines(c)).toEqual([start, end]);
  });

  it("stw: one dedicated worker (startCycle under gcstoptheworld)", () => {
    expectGoLine(pacerLines(c, true)[0], "pacer: assist ratio=+2.500000e-001 (scan 5 MB in 23->28 MB) workers=1++0.000000e+000");
    expect(new GcTracer(0, { barrier: "stw" }).pacerLines(c)[0]).toBe(pacerLines(c, true)[0]);
  });

  it("other background utilizations go through startCycle's worker rounding", () => {
    // 0.5: int(1.0) = 1 is 100% over; one too many, so 0 dedicated + 0.5 fractional.
    expect(pacerLines({ ...c, backgroundUtilization: 0.5 }, false)[0]).toMatch(/ workers=0\+\+5\.000000e-001$/);
    // 0 (a core that does not report it): 0/0 is NaN, within no bound, so no fractional workers.
    expect(pacerLines({ ...c, backgroundUtilization: 0 }, false)[0]).toMatch(/ workers=0\+\+0\.000000e\+000$/);
  });

  it("GOGC=off runtime.GC(): the no-goal MB, and no end line while heapLive <= triggered", () => {
    const forced = rec({
      forced: true, assistRatio: 6.482211e-13, heapScanBytes: 3 * MiB, heapStartBytes: 18 * MiB + 5, goalAtStartBytes: -1,
      heapEndBytes: 18 * MiB + 5, triggeredBytes: 2 ** 62, lastGoalBytes: -1,
    });
    const lines = pacerLines(forced, false);
    expect(lines).toHaveLength(1);
    expectGoLine(lines[0], "pacer: assist ratio=+6.482211e-013 (scan 3 MB in 18->17592186044415 MB) workers=0++2.500000e-001");
    expect(pacerLines({ ...forced, triggeredBytes: forced.heapEndBytes }, false)).toHaveLength(1);
  });

  it("∆goal: negative, and heapLive+1 against no goal (int64(^uint64(0)) = -1)", () => {
    const neg = { ...c, heapEndBytes: 12_552_136, lastGoalBytes: 13_579_512, triggeredBytes: 10_738_109, consMarkBefore: 0.4640319, utilization: 0.45 };
    expectGoLine(pacerLines(neg, false)[1], "pacer: 45% CPU (25 exp.) for 483856+3243552+2318704 B work (5907224 B exp.) in 10738109 B -> 12552136 B (\u2206goal -1027376, cons/mark +4.640319e-001)");
    const none = rec({ heapEndBytes: 14_559_176, lastGoalBytes: -1, utilization: 1.1 });
    // int(1.1*100) = int(110.00000000000001) = 110.
    expectGoLine(pacerLines(none, false)[1], "pacer: 110% CPU (25 exp.) for 0+0+0 B work (0 B exp.) in 0 B -> 14559176 B (\u2206goal 14559177, cons/mark +0.000000e+000)");
  });
});

describe("tricolor run --gctrace --gcpacertrace", () => {
  it("prints, per cycle and in Go's order, startCycle's line, endCycle's, then the gc line, all in Go's grammar", () => {
    const r = spawnSync(process.execPath, [join(ROOT, "bin/tricolor.js"), "run", "churn", "--live", "20000", "--barrier", "hybrid", "--gogc", "25", "--gctrace", "--gcpacertrace"], { encoding: "utf8", cwd: ROOT });
    expect(r.status).toBe(0);
    const kinds = r.stderr.trimEnd().split("\n").map((l) => parseAny(l).kind);
    expect(kinds.filter((k) => k === "gc").length).toBeGreaterThan(1);
    expect(kinds.join(" ")).toMatch(/^(pacerStart (pacerEnd )?gc ?)+$/);
    const pacerOnly = spawnSync(process.execPath, [join(ROOT, "bin/tricolor.js"), "run", "churn", "--live", "20000", "--gogc", "25", "--gcpacertrace"], { encoding: "utf8", cwd: ROOT });
    expect(pacerOnly.status).toBe(0);
    expect(pacerOnly.stderr.trimEnd().split("\n").map((l) => parseAny(l).kind).join(" ")).toMatch(/^(pacerStart ?(pacerEnd ?)?)+$/);
  });
});
