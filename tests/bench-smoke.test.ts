/**
 * The benchmark scripts still run and their own sanity checks still pass,
 * at smoke-test sizes (their figures are never asserted: wall time is not
 * a test). `npm run bench` went broken once without any test noticing: the
 * sweep benchmark's setup relied on collect() leaving the sweep undone, and
 * collect() began sweeping before it returns (Go's runtime.GC()).
 *
 *  - `BENCH_QUICK=1 node dist/bench/run.js`: exits 0, every section printed,
 *    its sanity checks (sweep freed every object, outputs identical) passed;
 *  - `bench/pauses.mjs` at live 20,000 and 60,000: stw's largest pause does
 *    work proportional to the live heap (about 3× from 20 k to 60 k: it is
 *    the whole mark), hybrid's does a handful of words at both sizes;
 *  - bad input to bench/pauses.mjs (LIVES=abc, LIVES=0, an unknown barrier,
 *    STEPS_PER_LIVE=-1, RUNS=0, RUNS=1.5): exit 2 with one message naming the
 *    variable, before anything runs.
 */
import { spawnSync } from "node:child_process";
import { describe, expect, test } from "vitest";

const run = (args: string[], env: Record<string, string> = {}) =>
  spawnSync(process.execPath, args, { encoding: "utf8", env: { ...process.env, ...env }, timeout: 300_000 });

describe("benchmark scripts", () => {
  test("npm run bench at smoke size: every section runs and its sanity checks pass", () => {
    const r = run(["dist/bench/run.js"], { BENCH_QUICK: "1" });
    expect(r.stderr).not.toMatch(/sanity check failed/);
    expect(r.status).toBe(0);
    for (const section of ["1. allocate", "2. mark", "3. sweep", "4. host→wasm", "5. binary-trees"]) expect(r.stdout).toContain(section);
    expect(r.stdout).toMatch(/output: identical/);
  });

  test("bench:pauses: stw's largest pause grows with the live heap, hybrid's stays a few words", () => {
    const r = run(["bench/pauses.mjs"], { LIVES: "20000,60000", BARRIERS: "hybrid,stw", RUNS: "2" });
    expect(r.status).toBe(0);
    const rows = new Map<string, number>();
    for (const m of r.stdout.matchAll(/^\| (\w+) \| ([\d,]+) \| \d+ \| \d+ \| [^|]+ \| ([\d,]+) \| [^|]+ \|$/gm)) {
      rows.set(`${m[1]} ${m[2]}`, Number((m[3] ?? "").replaceAll(",", "")));
    }
    expect([...rows.keys()].sort()).toEqual(["hybrid 20,000", "hybrid 60,000", "stw 20,000", "stw 60,000"]);
    // stw's one pause per cycle is the whole mark: ≥ one word per live object, and about 3× at 3× the objects.
    expect(rows.get("stw 20,000")!).toBeGreaterThan(20_000);
    const growth = rows.get("stw 60,000")! / rows.get("stw 20,000")!;
    expect(growth).toBeGreaterThan(2.5);
    expect(growth).toBeLessThan(3.5);
    // hybrid's global pauses scan no heap: the pins and a few words, whatever the heap.
    expect(rows.get("hybrid 20,000")!).toBeLessThan(64);
    expect(rows.get("hybrid 60,000")!).toBeLessThan(64);
  });

  test.each([
    [{ LIVES: "abc" }, /LIVES must be a comma-separated list of positive integers, got "abc"/],
    [{ LIVES: "0" }, /LIVES must be a comma-separated list of positive integers, got "0"/],
    [{ LIVES: "1000", BARRIERS: "hybrd" }, /BARRIERS must name strategies \(stw, dijkstra, yuasa, hybrid, none\), got "hybrd"/],
    [{ LIVES: "1000", STEPS_PER_LIVE: "-1" }, /STEPS_PER_LIVE must be a positive number, got "-1"/],
    [{ LIVES: "1000", RUNS: "0" }, /RUNS must be a positive integer, got "0"/],
    [{ LIVES: "1000", RUNS: "1.5" }, /RUNS must be a positive integer, got "1.5"/],
  ])("bench:pauses refuses bad input %o before running anything", (env, message) => {
    const r = run(["bench/pauses.mjs"], env);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(r.stderr).not.toMatch(/churn live/); // nothing ran
    expect(r.stdout).toBe("");
  });
});
