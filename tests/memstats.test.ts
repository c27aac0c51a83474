/**
 * `--json`'s memstats: Go's runtime.MemStats names over a run's own figures.
 * Each field is checked against the same run's RunResult (through the CLI,
 * as a user's script reads it) and HeapInuse against spans counted by hand; PauseNs's ring is checked on hand-built cycles
 * against Go's rule (runtime/mgc.go gcMarkTermination: cycle k, counted
 * from 0, at pause_ns[k % 256]; the most recent at (NumGC + 255) % 256).
 */
import { describe, expect, it } from "vitest";
import type { CycleRecord } from "../src/engine/engine.js";
import type { Scenario } from "../src/scenario/scenario.js";
import { loadEngine } from "../src/node/loader.js";
import { runScenario } from "../src/run/run.js";
import { cli, cliJson } from "./cli-helper.js";
import { cyclePauseNs, memstats, NO_GOAL, pauseRing, type MemStats } from "../src/report/memstats.js";
import { at } from "./helpers.js";
import { jsonReport } from "../src/report/text.js";
import type { RunResult } from "../src/run/run.js";

type Doc = RunResult & { memstats: MemStats };

/** The fields every run's memstats must agree with in its own RunResult. */
function expectOwnNumbers(j: Doc): void {
  const m = j.memstats;
  // After the runner's final collection and sweep, what is allocated is what is live.
  expect(m.HeapAlloc).toBe(j.heap.bytesAllocated - j.heap.bytesFreed);
  expect(m.HeapAlloc).toBe(j.heap.liveBytes);
  expect(m.HeapObjects).toBe(j.heap.liveObjects);
  expect([m.Mallocs, m.Frees]).toEqual([j.heap.objectsAllocated, j.heap.objectsFreed]);
  expect(m.HeapObjects).toBe(m.Mallocs - m.Frees);
  expect(m.HeapSys).toBe(j.heap.mappedBytes - j.heap.stackBytes);
  expect(m.StackInuse).toBe(j.heap.stackBytes);
  // In-use spans are whole pages holding at least the allocated bytes, and part of the heap's memory.
  expect(m.HeapInuse % 8192).toBe(0);
  expect(m.HeapInuse).toBeGreaterThanOrEqual(m.HeapAlloc);
  expect(m.HeapInuse).toBeLessThanOrEqual(m.HeapSys);
  expect([m.NumGC, m.NumForcedGC]).toEqual([j.gc.cycles, j.gc.forcedCycles]);
  expect(m.PauseTotalNs).toBe(Math.round(j.gc.pauses.totalNs));
  expect(m.GCCPUFraction).toBe(j.gcCpuFraction);
  expect(m.NextGC).toBe(j.cycles.at(-1)!.nextGoalBytes);
  // The ring: 256 entries, the last cycle's pause total at (NumGC + 255) % 256, all of them summing to PauseTotalNs.
  const stw = j.config.barrier === "stw";
  expect(m.PauseNs).toHaveLength(256);
  expect(j.gc.cycles).toBeLessThanOrEqual(256);
  expect(m.PauseNs[(m.NumGC + 255) % 256]).toBe(Math.round(cyclePauseNs(j.cycles.at(-1)!, stw)));
  const sum = m.PauseNs.reduce((a, b) => a + b, 0);
  expect(Math.abs(sum - m.PauseTotalNs)).toBeLessThanOrEqual(m.NumGC); // each entry rounded to whole ns
  expect(m.PauseNs.slice(m.NumGC).every((x) => x === 0)).toBe(true);
}

describe("memstats in --json", () => {
  it("run --json carries Go's MemStats names, each equal to the run's own figure (hybrid, several cycles)", () => {
    const j = cliJson<Doc>("run", "binary-trees", "--depth", "14", "--gogc", "50");
    expect(j.gc.cycles).toBeGreaterThan(2);
    expectOwnNumbers(j);
    // hybrid: a cycle's PauseNs is its sweep termination plus its mark termination pause.
    const c = at(j.cycles, 0);
    expect(j.memstats.PauseNs[0]).toBe(Math.round(c.sweepTermNs + c.markTermNs));
  });

  it("under stw a cycle's PauseNs is its one pause: all three phases", () => {
    const j = cliJson<Doc>("run", "binary-trees", "--depth", "12", "--barrier", "stw");
    expectOwnNumbers(j);
    const c = at(j.cycles, 0);
    expect(j.memstats.PauseNs[0]).toBe(Math.round(c.sweepTermNs + c.markNs + c.markTermNs));
  });

  it("with no goal (GOGC=off) NextGC is ^uint64(0), written exactly as Go's encoding/json writes it", () => {
    const r = cli("run", "binary-trees", "--depth", "6", "--gogc", "off", "--json");
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/"NextGC": 18446744073709551615,/);
  });

  it("HeapInuse counts the pages of spans still holding objects: 16-byte objects, 512 to a one-page span", async () => {
    // One goroutine allocates 3,000 16-byte objects (8-byte header + 8 bytes) and keeps the first `keep`.
    const keeper = (keep: number): Scenario => ({
      name: "keeper",
      description: "",
      params: [],
      run(ctx) {
        const e = ctx.engine;
        const g = e.spawn();
        for (let i = 0; i < 3000; i++) {
          e.allocPush(g, 0, 8, 0);
          if (i >= keep) e.drop(g);
        }
      },
    });
    for (const [keep, pages] of [[0, 0], [512, 1], [513, 2], [1000, 2]] as const) {
      const r = await runScenario(keeper(keep), (o) => loadEngine({ ...o, build: "release" }));
      const m = memstats(r);
      expect([m.HeapInuse, m.HeapAlloc, m.HeapObjects, m.StackInuse], `keep ${keep}`).toEqual([pages * 8192, keep * 16, keep, 8192]);
    }
  });
});

/** A cycle record with only the fields PauseNs reads set. */
const cycle = (n: number, sweepTermNs: number, markNs: number, markTermNs: number): CycleRecord =>
  ({ cycle: n, sweepTermNs, markNs, markTermNs, nextGoalBytes: 4 << 20 }) as CycleRecord;

describe("PauseNs, Go's circular buffer", () => {
  it("fewer than 256 cycles: cycle n at index n − 1, the rest 0, the latest at (NumGC + 255) % 256", () => {
    const cycles = [cycle(1, 10, 500, 1), cycle(2, 20, 500, 2), cycle(3, 30, 500, 3)];
    const ring = pauseRing(cycles, false, 3);
    expect(ring.slice(0, 4)).toEqual([11, 22, 33, 0]);
    expect(ring[(3 + 255) % 256]).toBe(33);
    expect(ring.slice(3).every((x) => x === 0)).toBe(true);
  });

  it("past 256 cycles the buffer wraps: each entry holds the latest cycle that maps to it", () => {
    const cycles = Array.from({ length: 300 }, (_, i) => cycle(i + 1, i + 1, 0, 1_000_000));
    const ring = pauseRing(cycles, false, 300);
    expect(ring).toHaveLength(256);
    // The most recent pause (cycle 300) is at (300 + 255) % 256 = 43; the oldest kept (cycle 45) at 44.
    expect(ring[(300 + 255) % 256]).toBe(300 + 1_000_000);
    expect(ring[43]).toBe(300 + 1_000_000);
    expect(ring[44]).toBe(45 + 1_000_000);
    for (let k = 0; k < 256; k++) {
      const n = k < 44 ? k + 1 + 256 : k + 1; // the latest cycle n ≤ 300 with (n − 1) % 256 = k
      expect(ring[k], `index ${k}`).toBe(n + 1_000_000);
    }
  });

  it("stw's one pause counts its mark; a concurrent cycle's concurrent mark is no pause", () => {
    expect(pauseRing([cycle(1, 5, 700, 9)], true, 1)[0]).toBe(714);
    expect(pauseRing([cycle(1, 5, 700, 9)], false, 1)[0]).toBe(14);
  });

  it("cycles the run did not keep (past the first 100,000) stay 0, never another cycle's figure", () => {
    const kept = Array.from({ length: 100 }, (_, i) => cycle(i + 1, 1, 0, i + 1));
    const ring = pauseRing(kept, false, 300);
    // Cycles 45…100 are among the last 256 and kept; 101…300 were not kept.
    expect(ring[44]).toBe(1 + 45);
    expect(ring[99]).toBe(1 + 100);
    expect(ring.filter((x) => x !== 0)).toHaveLength(56);
  });

  it("a BigInt (no goal) goes into the JSON as its exact digits", () => {
    expect(jsonReport({ memstats: { NextGC: NO_GOAL } } as unknown as RunResult)).toBe('{\n  "memstats": {\n    "NextGC": 18446744073709551615\n  }\n}');
  });
});
