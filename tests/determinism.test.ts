/**
 * Same seed, same run: the scheduler interleaves the collector by counted
 * work, never by the clock, so every counter of two runs is identical; only
 * wall times differ. A different seed must change them, or the comparison
 * proves nothing.
 */
import { execFileSync } from "node:child_process";
import { describe, expect, it } from "vitest";

const CLI = new URL("../bin/tricolor.js", import.meta.url).pathname;

function compareJson(seed: number): Record<string, unknown> {
  const out = execFileSync(process.execPath, [
    CLI, "compare", "churn", "--live", "20000", "--goroutines", "20", "--stack-depth", "8", "--steps", "80000",
    "--gogc", "25", "--seed", String(seed), "--json",
  ], { encoding: "utf8", maxBuffer: 1 << 28 });
  return JSON.parse(out);
}

/** Wall-clock fields and figures derived from them (MMU, GC CPU share, allocation rate). */
const WALL = /Ns$|^mmu$|^gcCpuFraction$|^allocBytesPerSec$/;

/** Drops every wall-clock field (names ending in Ns: totalNs, p50Ns, startNs, …) and what is computed from them. */
function withoutWallTimes(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(withoutWallTimes);
  if (v && typeof v === "object") {
    return Object.fromEntries(Object.entries(v).filter(([k]) => !WALL.test(k)).map(([k, x]) => [k, withoutWallTimes(x)]));
  }
  return v;
}

describe("determinism", () => {
  it("two runs with the same seed give identical counters under every strategy", () => {
    const a = compareJson(7);
    const b = compareJson(7);
    expect(Object.keys(a)).toEqual(["stw", "dijkstra", "yuasa", "hybrid", "none"]);
    for (const k of Object.keys(a)) {
      const r = a[k] as { gc: { cycles: number; stwWork: { maxWords: number } }; barrier: unknown; verify: { lostObjects: number } };
      expect(r.gc.cycles).toBeGreaterThan(1);
      expect(r.gc.stwWork.maxWords).toBeGreaterThanOrEqual(0);
      expect(r).toHaveProperty("barrier.calls");
      if (k !== "none") expect(r.verify.lostObjects).toBe(0);
    }
    expect(withoutWallTimes(a)).toEqual(withoutWallTimes(b));
    const c = compareJson(8);
    expect(withoutWallTimes(c)).not.toEqual(withoutWallTimes(a));
  });
});
