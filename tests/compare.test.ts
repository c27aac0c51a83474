/**
 * compare's table and verdicts on runs whose figures the test sets: every
 * verdict has a row; a wall-clock difference inside max(10%, 10 clock ticks)
 * is a tie, a work-count difference never is; figures that do not apply
 * show "–"; a run that lost objects or failed is never crowned.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { loadEngine } from "../src/node/loader.js";
import { runScenario, type RunResult } from "../src/run/run.js";
import { scenarios } from "../src/scenarios/index.js";
import type { Barrier } from "../src/engine/strategies.js";
import { compareTable, isTie, ROW_LABELS, VERDICTS, verdicts } from "../src/report/compare.js";

let base: RunResult;

beforeAll(async () => {
  base = await runScenario(scenarios.get("binary-trees")!, (o) => loadEngine({ ...o, build: "release" }), { params: { depth: 6 } });
});

/** A copy of the base run under `barrier`, changed by `edit`. */
function run(barrier: Barrier, edit: (r: RunResult) => void = () => {}): RunResult {
  const r = structuredClone(base);
  r.config.barrier = barrier;
  edit(r);
  return r;
}

const verdict = (label: string) => VERDICTS.find((v) => v.label === label)!;
/** The verdict block's line for `label`. */
const lineOf = (text: string, label: string) => text.split("\n").find((l) => l.trimStart().startsWith(label))!;

describe("compare table", () => {
  it("every verdict has a row in the table, and the table prints each", () => {
    const table = compareTable([run("stw"), run("hybrid")]);
    for (const v of VERDICTS) {
      const row = ROW_LABELS.find((r) => r.verdict === v.label);
      expect(row, v.label).toBeDefined();
      expect(table).toMatch(new RegExp(`^\\s*${row!.label.replace(/[()]/g, "\\$&")}\\s`, "m"));
    }
    for (const label of ["MMU at 1 ms", "GC CPU share (wall)"]) expect(table).toMatch(new RegExp(`^${label.replace(/[()]/g, "\\$&")}\\s`, "m"));
  });

  it("goroutine pauses and barrier counts show – under stw, the figure under the others", () => {
    const table = compareTable([run("stw"), run("hybrid", (r) => { r.barrier.calls = 1234; r.gc.stackPauses.count = 5; })]);
    expect(table).toMatch(/^goroutine pauses\s+–\s+5$/m);
    expect(table).toMatch(/^barrier calls\s+–\s+1,234$/m);
    expect(table).toMatch(/^ {2}objects shaded\s+–\s+\d+$/m);
  });

  it("a failed run adds the step it stopped at; the others show –", () => {
    const table = compareTable([run("stw", (r) => { r.error = { message: "x", step: 1000 }; }), run("hybrid")]);
    expect(table).toMatch(/^failed at step\s+1000\s+–$/m);
    expect(compareTable([run("stw")])).not.toContain("failed at step");
  });
});

describe("verdict tie rule", () => {
  const RES = 100; // ns: 10 ticks = 1 µs

  it("wall time: a difference under 10% of the larger value is a tie, one over it is not", () => {
    const v = verdict("wall time");
    const a = run("stw", (r) => { r.wallNs = 100e6; });
    expect(isTie(v, a, run("hybrid", (r) => { r.wallNs = 109e6; }), RES)).toBe(true);
    expect(isTie(v, a, run("hybrid", (r) => { r.wallNs = 112e6; }), RES)).toBe(false);
  });

  it("pauses of a few clock ticks: under 10 ticks apart is a tie, however large the ratio", () => {
    const v = verdict("max STW pause (wall)");
    const a = run("stw", (r) => { r.gc.pauses.maxNs = 300; });
    expect(isTie(v, a, run("hybrid", (r) => { r.gc.pauses.maxNs = 900; }), RES)).toBe(true);
    expect(isTie(v, a, run("hybrid", (r) => { r.gc.pauses.maxNs = 1400; }), RES)).toBe(false);
  });

  it("work counts are exact: one word apart decides", () => {
    const v = verdict("max STW pause (work)");
    const a = run("stw", (r) => { r.gc.stwWork.maxWords = 1000; });
    expect(isTie(v, a, run("hybrid", (r) => { r.gc.stwWork.maxWords = 1001; }), RES)).toBe(false);
    expect(isTie(v, a, run("hybrid", (r) => { r.gc.stwWork.maxWords = 1000; }), RES)).toBe(true);
  });

  it("a share is judged in time over its span: 10 ticks over a 1 µs window is 100%", () => {
    const v = verdict("GC CPU share (wall)");
    const a = run("stw", (r) => { r.gcCpuFraction = 0.5; r.wallNs = 1e9; });
    expect(isTie(v, a, run("hybrid", (r) => { r.gcCpuFraction = 0.46; r.wallNs = 1e9; }), RES)).toBe(true);
    expect(isTie(v, a, run("hybrid", (r) => { r.gcCpuFraction = 0.4; r.wallNs = 1e9; }), RES)).toBe(false);
    expect(isTie(v, a, run("hybrid", (r) => { r.gcCpuFraction = 0.1; r.wallNs = 1000; }), RES)).toBe(true);
  });

  it("when wall times are within noise and the work counts differ, the wall verdict says tie and the work verdict names the winner", () => {
    const stw = run("stw", (r) => { r.wallNs = 50e6; r.gc.work.totalWords = 9000; r.gc.pauses.maxNs = 20_000; r.gc.pauses.p99Ns = 20_000; });
    const hybrid = run("hybrid", (r) => { r.wallNs = 52e6; r.gc.work.totalWords = 8000; r.gc.pauses.maxNs = 5000; r.gc.pauses.p99Ns = 5000; });
    const yuasa = run("yuasa", (r) => { r.wallNs = 80e6; r.gc.work.totalWords = 8500; r.gc.pauses.maxNs = 5200; r.gc.pauses.p99Ns = 5200; });
    const text = verdicts([stw, hybrid, yuasa], undefined, { resolutionNs: RES });
    expect(lineOf(text, "wall time")).toMatch(/tie: stw, hybrid \(50\.00 ms … 52\.00 ms\)$/);
    expect(lineOf(text, "total GC work")).toMatch(/ hybrid \(8,000 words\)$/);
    expect(lineOf(text, "max STW pause (wall)")).toMatch(/tie: hybrid, yuasa \(5\.0 µs … 5\.2 µs\)$/);
    expect(lineOf(text, "heap peak")).toMatch(/no difference/);
    expect(text).toContain("10 × the clock's 100 ns resolution");
  });

  it("a run that lost objects or failed is excluded, and said to be", () => {
    const unsafe = run("none", (r) => { r.verify.lostObjects = 2081; r.wallNs = 1; });
    const failed = run("dijkstra", (r) => { r.error = { message: "x", step: 7 }; r.wallNs = 2; });
    const text = verdicts([run("hybrid"), unsafe, failed], undefined, { resolutionNs: RES });
    expect(lineOf(text, "wall time")).toMatch(/ hybrid \(/);
    expect(text).toMatch(/unsafe\s+none lost 2,081 objects: excluded from the verdicts/);
    expect(text).toMatch(/failed\s+dijkstra stopped at step 7: excluded from the verdicts/);
    expect(verdicts([run("hybrid"), run("none", (r) => { r.verify.lostObjects = 1; })], undefined, { resolutionNs: RES })).toContain("lost 1 object:");
  });
});
