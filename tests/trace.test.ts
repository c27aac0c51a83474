/** The Chrome trace export: valid trace-event JSON whose STW events add up to the run's STW time (every event recorded, as --trace asks). */
import { describe, expect, it } from "vitest";
import { loadEngine } from "../src/node/loader.js";
import { runScenario } from "../src/run/run.js";
import { churn } from "../src/scenarios/churn.js";
import { traceJson, type TraceEvent as Ev } from "../src/report/trace.js";

describe("--trace", () => {
  it("one complete event per STW pause, durations summing to the run's STW total, under each strategy", async () => {
    const runs = [];
    for (const barrier of ["stw", "dijkstra", "hybrid"] as const) {
      runs.push(await runScenario(churn, (o) => loadEngine({ ...o, build: "debug", barrier, gogc: 25, recordEvents: "all" }), { params: { live: 5000, goroutines: 8, "stack-depth": 4, steps: 40_000 } }));
    }
    const doc = JSON.parse(traceJson(runs)) as { traceEvents: Ev[] };
    // One process per run, in order, named after it.
    const processes = doc.traceEvents.filter((e) => e.name === "process_name").map((e) => [e.pid, e.args?.name]);
    expect(processes).toEqual([[1, "churn · stw"], [2, "churn · dijkstra"], [3, "churn · hybrid"]]);
    for (const e of doc.traceEvents) {
      expect(["X", "C", "M"]).toContain(e.ph);
      expect(typeof e.name).toBe("string");
      if (e.ph !== "M") expect(Number.isFinite(e.ts)).toBe(true);
      if (e.ph === "X") expect(e.dur).toBeGreaterThanOrEqual(0);
    }
    runs.forEach((r, i) => {
      const pid = i + 1;
      expect(r.timeline.recorded).toBe("all");
      const stw = doc.traceEvents.filter((e) => e.pid === pid && e.ph === "X" && e.cat === "stw");
      expect(r.gc.pauses.count).toBeGreaterThan(1);
      expect(stw.length).toBe(r.gc.pauses.count);
      const totalUs = stw.reduce((a, e) => a + e.dur!, 0);
      expect(totalUs).toBeCloseTo(r.gc.pauses.totalNs / 1e3, 3);
      // Tracks are named, the process is named after the run, and heap is a counter.
      const names = doc.traceEvents.filter((e) => e.pid === pid && e.name === "thread_name").map((e) => e.args!.name);
      expect(names).toEqual(expect.arrayContaining(["STW pauses", "stack scans", "background mark", "assists", "mutator"]));
      expect(doc.traceEvents.some((e) => e.pid === pid && e.ph === "C" && e.name === "heap")).toBe(true);
      const scans = doc.traceEvents.filter((e) => e.pid === pid && e.cat === "stack").length;
      expect(scans).toBe(r.gc.stackPauses.count);
      // Every mark slice, and every cycle with its two heap counter samples (start and end).
      expect(doc.traceEvents.filter((e) => e.pid === pid && e.cat === "mark").length).toBe(r.records.slices.total);
      expect(doc.traceEvents.filter((e) => e.pid === pid && e.cat === "cycle").length).toBe(r.records.cycles.total);
      expect(doc.traceEvents.filter((e) => e.pid === pid && e.ph === "C" && e.name === "heap").length).toBe(2 * r.records.cycles.total);
    });
  });
});
