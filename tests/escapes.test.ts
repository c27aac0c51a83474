/**
 * Escapes: objects allocated as frame locals (engine.allocLocal) and the
 * core's verdict once their frame is gone (assembly/escapes.ts): escaped if
 * the first mark that starts after the frame returned reaches them, stayed
 * otherwise. Hand-built heaps where it is known which locals escape and
 * where to, the corner cases of the rule (dead before the frame returned,
 * escaped and dropped again, popped mid-mark, goroutine exit), the sample
 * that names destinations, the pacer arithmetic of the report's "cycles
 * saved", and the escape scenario end to end.
 */
import { describe, expect, it } from "vitest";
import { engine, expectThrow, at } from "./helpers.js";
import { loadEngine } from "../src/node/loader.js";
import type { Engine } from "../src/engine/engine.js";
import { OutOfMemoryError } from "../src/engine/errors.js";
import { runScenario, type RunResult } from "../src/run/run.js";
import { escape } from "../src/scenarios/escape.js";
import { escapeFindings, meanRunway } from "../src/analysis/escapes.js";
import { escapeLines } from "../src/report/memory.js";
import { BARRIERS } from "../src/engine/strategies.js";
import * as abi from "../contract/abi.js";

/** A local of 1 pointer + 32 bytes: 44 B → the 48-byte class. */
const LOCAL = { pointers: 1, scalar: 32, slot: 48 };

function verdict(e: Engine, name = "L") {
  const x = e.escapes().find((c) => c.name === name);
  return { allocated: x?.allocObjects ?? 0, escaped: x?.escapedObjects ?? 0, stayed: x?.stayedObjects ?? 0, pending: x?.pendingObjects ?? 0, escapedBytes: x?.escapedBytes ?? 0, stayedBytes: x?.stayedBytes ?? 0 };
}

describe("which locals escape, and where to, on a hand-built heap", () => {
  for (const barrier of BARRIERS) {
    it(`${barrier}: of five locals, one stays; one escapes to global 0, one into the heap under global 1, one to an outer frame, one to another goroutine`, async () => {
      const e = await engine({ barrier, globals: 4 });
      const g = e.spawn("caller");
      const other = e.spawn("other");
      const L = e.site("L");
      e.pushFrame(g, 1); // the caller's frame: one slot for the returned value
      e.pushFrame(g, 5); // the call
      const local = (slot: number) => e.allocLocal(g, slot, LOCAL.pointers, LOCAL.scalar, L);
      local(0); // stays: nothing but this frame ever holds it
      e.setGlobal(0, local(1)); // escapes: stored in a global
      const o2 = local(2);
      const holder = e.alloc(1, 0, e.site("holder")); // a safe point: o2 is rooted by the frame meanwhile
      e.setGlobal(1, holder);
      e.writeField(holder, 0, o2); // escapes: stored into the heap
      const o3 = local(3);
      const o4 = local(4);
      e.push(other, o4); // escapes: handed to another goroutine (a channel send)
      expect(verdict(e)).toEqual({ allocated: 5, escaped: 0, stayed: 0, pending: 5, escapedBytes: 0, stayedBytes: 0 });
      e.popFrame(g);
      e.setLocal(g, 0, o3); // return o3: stored in the caller's frame (no safe point since the pop)
      // Nothing is judged before a mark has started after the pop.
      expect(verdict(e).pending).toBe(5);
      e.collect();
      expect(verdict(e)).toEqual({ allocated: 5, escaped: 4, stayed: 1, pending: 0, escapedBytes: 4 * LOCAL.slot, stayedBytes: LOCAL.slot });
      const to = e.escapeDestinations().map(({ to, objects }) => [to, objects]);
      expect(to).toEqual([["an outer frame", 1], ["global 0", 1], ["global 1", 1], [`goroutine ${other}'s frames`, 1]]);
      // The verdicts are final: further cycles change nothing; the heap is intact.
      e.collect();
      expect(verdict(e)).toMatchObject({ escaped: 4, stayed: 1, pending: 0 });
      const v = e.verify();
      expect({ lost: v.lostObjects, integrity: v.integrityErrors, reachable: v.reachableObjects }).toEqual({ lost: 0, integrity: 0, reachable: 5 });
    });
  }
});

describe("the corner cases of the rule", () => {
  it("a local that dies before its frame returns stayed, judged while the frame still lives; a live one in a live frame waits", async () => {
    const e = await engine({ barrier: "hybrid" });
    const g = e.spawn();
    const L = e.site("L");
    e.pushFrame(g, 2);
    e.allocLocal(g, 0, 1, 32, L);
    e.allocLocal(g, 1, 1, 32, L);
    e.setLocal(g, 0, 0); // the first is garbage now
    e.collect();
    expect(verdict(e)).toMatchObject({ allocated: 2, escaped: 0, stayed: 1, pending: 1 });
    e.popFrame(g);
    e.collect();
    expect(verdict(e)).toMatchObject({ allocated: 2, escaped: 0, stayed: 2, pending: 0 });
  });

  it("the approximation: a local that escaped and was dropped again before the next mark started counts as stayed", async () => {
    const e = await engine({ barrier: "stw" });
    const g = e.spawn();
    e.pushFrame(g, 1);
    e.setGlobal(0, e.allocLocal(g, 0, 1, 32, e.site("L")));
    e.popFrame(g);
    e.setGlobal(0, 0);
    e.collect();
    expect(verdict(e)).toMatchObject({ escaped: 0, stayed: 1, pending: 0 });
  });

  for (const escapes of [false, true]) {
    it(`popped during a mark: not judged by that mark (it may be floating garbage), but by the next one: ${escapes ? "escaped" : "stayed"}`, async () => {
      const e = await engine({ barrier: "hybrid", maxHeap: 64 << 20 });
      const busy = e.spawn();
      e.allocList(busy, 200_000); // work for the mark, so it spans the ops below
      const g = e.spawn();
      e.startCycle();
      expect(e.marking).toBe(true);
      e.pushFrame(g, 1);
      const o = e.allocLocal(g, 0, 1, 32, e.site("L")); // born black in cycle 1
      if (escapes) e.setGlobal(0, o);
      e.popFrame(g);
      expect(e.marking).toBe(true);
      for (let i = 0; e.marking && i < 100_000; i++) e.yield(0, 100_000); // the background marker finishes cycle 1; yields start no other
      expect({ marking: e.marking, cycles: e.cycles.length }).toEqual({ marking: false, cycles: 1 });
      expect(verdict(e)).toMatchObject({ escaped: 0, stayed: 0, pending: 1 });
      e.collect(); // cycle 2 started after the pop: it judges
      expect(verdict(e)).toMatchObject({ escaped: escapes ? 1 : 0, stayed: escapes ? 0 : 1, pending: 0 });
    });
  }

  it("a goroutine's exit returns all its frames, its first frame's locals included", async () => {
    const e = await engine({ barrier: "dijkstra" });
    const g = e.spawn();
    const L = e.site("L");
    e.push(g, 0);
    e.push(g, 0); // two slots in the first frame
    e.allocLocal(g, 0, 1, 32, L);
    e.setGlobal(0, e.allocLocal(g, 1, 1, 32, L));
    e.pushFrame(g, 1);
    e.allocLocal(g, 0, 1, 32, L);
    e.exit(g);
    e.collect();
    expect(verdict(e)).toMatchObject({ allocated: 3, escaped: 1, stayed: 2, pending: 0 });
  });

  it("a local overwritten by another in the same slot is still its frame's until the frame returns", async () => {
    const e = await engine({ barrier: "yuasa" });
    const g = e.spawn();
    const L = e.site("L");
    e.pushFrame(g, 1);
    const first = e.allocLocal(g, 0, 1, 32, L);
    e.setGlobal(0, first); // kept by a global
    e.allocLocal(g, 0, 1, 32, L); // the slot now holds the second
    e.popFrame(g);
    e.collect();
    expect(verdict(e)).toMatchObject({ allocated: 2, escaped: 1, stayed: 1, pending: 0 });
  });
});

describe("the sample that names destinations", () => {
  it("keeps at most 64 live escaped locals per site, drops the dead, and takes new ones after", async () => {
    const e = await engine({ barrier: "hybrid" });
    const g = e.spawn();
    const L = e.site("L");
    const batch = (n: number) => {
      e.pushFrame(g, n);
      for (let i = 0; i < n; i++) {
        const o = e.allocLocal(g, i, 1, 0, L); // 12 B → 16
        e.writeField(o, 0, e.getGlobal(0));
        e.setGlobal(0, o); // a list in global 0
      }
      e.popFrame(g);
      e.collect();
    };
    batch(70);
    expect(verdict(e)).toMatchObject({ escaped: 70, stayed: 0, escapedBytes: 70 * 16 });
    const sample = e.escapeSample();
    expect(sample.length).toBe(abi.ESCAPE_SAMPLE_PER_SITE);
    expect(sample.every((x) => e.isLive(x.handle) && x.site === L && x.goroutine === g)).toBe(true);
    expect(e.escapeDestinations().map(({ to, objects }) => [to, objects])).toEqual([["global 0", 64]]);
    e.setGlobal(0, 0);
    e.collect(); // every sampled object died: the sample empties
    expect(e.escapeSample()).toEqual([]);
    batch(10);
    expect(e.escapeSample().length).toBe(10);
    expect(verdict(e)).toMatchObject({ escaped: 80 });
  });
});

describe("allocLocal at out of memory", () => {
  it("a full heap refuses the local with OutOfMemoryError naming its site; nothing is counted; the engine goes on", async () => {
    const e = await engine({ maxHeap: 1 << 20 });
    const g = e.spawn();
    const L = e.site("L");
    e.pushFrame(g, 1);
    e.allocLocal(g, 0, 1, 32, L); // the table exists now
    e.popFrame(g);
    const h = e.spawn();
    let n = 0;
    for (;;) {
      try {
        e.allocPush(h, 0, 8184, 0); // one page each
        n++;
      } catch (err) {
        expect(err).toBeInstanceOf(OutOfMemoryError);
        break;
      }
    }
    e.pushFrame(g, 1);
    const err = expectThrow(() => e.allocLocal(g, 0, 0, 8184, L), OutOfMemoryError);
    expect(err.detail?.request).toBe("object");
    expect(err.detail?.site).toBe("L");
    expect(err.message).toContain("for an object of L (allocLocal)");
    expect(verdict(e).allocated).toBe(1);
    expect(e.getLocal(g, 0)).toBe(0);
    e.drop(h, n);
    e.allocLocal(g, 0, 0, 8184, L);
    expect(verdict(e).allocated).toBe(2);
  });
});

// ── The report ──────────────────────────────────────────────────────────────

/** A RunResult with only what the escape findings read: cycles (trigger, goal, marked) and the raw counters. */
function synthetic(cycles: { trigger: "heap" | "user"; nextGoalBytes: number; heapMarkedBytes: number }[], escapes: NonNullable<RunResult["memoryRaw"]>["escapes"]): RunResult {
  return { cycles, memoryRaw: { escapes, goroutines: { alive: 0, main: 0, groups: [], stackBytes: 0, retainedBytes: 0, retainedObjects: 0, series: { cycles: [], alive: [] } } } } as unknown as RunResult;
}

const RAW = {
  site: 7, name: "escape.local", allocObjects: 600_000, allocBytes: 600_000 * 48, escapedObjects: 59_400, escapedBytes: 59_400 * 48,
  stayedObjects: 540_600, stayedBytes: 28_311_552, pendingObjects: 0, pendingBytes: 0, escapedTo: [{ to: "global 0", objects: 64 }],
};

describe("the report: -gcflags=-m's words, the pacer's arithmetic", () => {
  it("cycles saved = bytes kept off the heap / mean runway (goal − marked), at most the paced cycles", () => {
    // 44 paced cycles with a runway of 27 MiB / 40 each, and a forced one with the same runway: 40 cycles saved of 44.
    const runway = 28_311_552 / 40;
    const cycles = [...Array.from({ length: 44 }, () => ({ trigger: "heap" as const, nextGoalBytes: 5e6 + runway, heapMarkedBytes: 5e6 })), { trigger: "user" as const, nextGoalBytes: 1e6 + runway, heapMarkedBytes: 1e6 }];
    const r = synthetic(cycles, [RAW]);
    expect(meanRunway(r)).toBeCloseTo(runway, 6);
    const [f] = escapeFindings(r);
    expect(f).toMatchObject({ savedBytes: 28_311_552, cycles: 44 });
    expect(f?.savedCycles).toBeCloseTo(40, 9);
    expect(escapeLines(escapeFindings(r))).toEqual([
      "escape.local: 600,000 allocated, 9.9% escape to heap (stored in global 0) · the other 90.1% could live on the stack: 27.0 MiB and ~40 of 44 cycles saved",
    ]);
    // A runway so short that the bytes would pay for more cycles than ran: capped at the paced cycles.
    const short = synthetic(cycles.map((c) => ({ ...c, nextGoalBytes: c.heapMarkedBytes + 1000 })), [RAW]);
    expect(escapeFindings(short)[0]?.savedCycles).toBe(44);
    // No goal (GOGC=off): no cycle saved.
    expect(escapeFindings(synthetic(cycles.map((c) => ({ ...c, nextGoalBytes: -1 })), [RAW]))[0]?.savedCycles).toBe(0);
  });

  it("none escaping, all escaping, unjudged ones, and no locals at all", () => {
    const cycles = [{ trigger: "heap" as const, nextGoalBytes: 2 << 20, heapMarkedBytes: 1 << 20 }];
    const none = { ...RAW, allocObjects: 100, escapedObjects: 0, escapedBytes: 0, stayedObjects: 100, stayedBytes: 4800, escapedTo: [] };
    const all = { ...RAW, allocObjects: 100, escapedObjects: 100, escapedBytes: 4800, stayedObjects: 0, stayedBytes: 0 };
    const pending = { ...none, allocObjects: 130, pendingObjects: 30, pendingBytes: 1440 };
    expect(escapeLines(escapeFindings(synthetic(cycles, [none, all, pending])))).toEqual([
      "escape.local: 100 allocated, none escape · all could live on the stack: 4.7 KiB and ~0 of 1 cycle saved",
      "escape.local: 100 allocated, 100.0% escape to heap (stored in global 0)",
      "escape.local: 130 allocated, none escape · all could live on the stack: 4.7 KiB and ~0 of 1 cycle saved · 30 not judged yet (frames still live, or no cycle since)",
    ]);
    expect(escapeLines(escapeFindings(synthetic(cycles, [])))).toEqual([]);
  });
});

describe("the escape scenario", () => {
  for (const barrier of ["hybrid", "stw"] as const) {
    it(`${barrier}: the engine's verdicts are the scenario's own count, to global 0, and the bytes the others cost`, async () => {
      const r = await runScenario(escape, (o) => loadEngine({ ...o, build: "release" }), { params: { calls: 20_000 }, engine: { barrier } });
      const escaped = r.result.escaped as number;
      const allocated = r.result.allocated as number;
      expect(allocated).toBe(40_000);
      expect(r.result.judged).toEqual({ escaped, stayed: allocated - escaped, pending: 0 });
      const [f, ...rest] = escapeFindings(r);
      expect(rest).toEqual([]);
      // object-bytes 32 + one pointer + the header: 44 B → 48.
      expect(f).toMatchObject({ name: "escape.local", allocObjects: allocated, allocBytes: allocated * 48, escapedObjects: escaped, stayedObjects: allocated - escaped, savedBytes: (allocated - escaped) * 48 });
      expect(f?.escapedTo).toEqual([{ to: "global 0", objects: 64 }]);
      expect(at(escapeLines(escapeFindings(r)), 0)).toMatch(/^escape\.local: 40,000 allocated, \d+\.\d% escape to heap \(stored in global 0\) · the other \d+\.\d% could live on the stack: /);
    });
  }
});
