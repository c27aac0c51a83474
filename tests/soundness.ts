/**
 * The soundness property, shared by tests/soundness-<strategy>.test.ts:
 * "the collector never frees a reachable object", for any sequence of public
 * API calls, not only the built-in scenarios.
 *
 * A random multi-goroutine program (tests/model.ts: moves between
 * goroutines' stacks, stores of values read from one goroutine while acting
 * on another, spawns and exits during marks, allocWith/allocPush of popped
 * values at phase boundaries, yields short and long, startCycle, collect)
 * runs on an engine with random GOGC (often 1–8, so the pacer starts cycles
 * inside allocations), mark quantum (1–8 words: the finest interleavings)
 * and background share, with verifyEachCycle OFF: the core does not rescue
 * what its barrier misses, so a loss is a really freed object. The model
 * catches it:
 *   - after every op: every object reachable from the roots or from a value
 *     the program holds (tests/model.ts "held") is live (isLive);
 *   - an allocation that hands out the slot of a held object fails;
 *   - readField of a model object returns the model's value;
 *   - after every completed cycle: the verifier's reachable set (count and
 *     bytes) is the model's, with no integrity error and nothing lost, and
 *     every held object's fields and scalar tag are intact;
 *   - at the end: collect, sweep, collect, each checked exhaustively;
 *     after the first collect, the escape verdicts of the frame locals
 *     (allocLocal) against the model (exact under stw, bounded otherwise:
 *     tests/model.ts expectLocals).
 *
 * Seeds are random per run and printed; a failure prints the seed and
 * fast-check's counterexample path with the command that replays it
 * (TRICOLOR_SEED, TRICOLOR_PATH). Shrinking stops after TRICOLOR_SHRINK_MS
 * (default 30 s); then the smallest failing program is cut down further by
 * removing ops for up to TRICOLOR_MINIMIZE_MS (default 20 s) and printed op
 * by op.
 */
import { expect } from "vitest";
import fc from "fast-check";
import { loadEngine, type Build } from "../src/node/loader.js";
import type { Barrier } from "../src/engine/engine.js";
import { Driver, GLOBALS, programOpsArb, type Op } from "./model.js";

// ── Seeds and replay ──────────────────────────────────────────────────────

function envInt(name: string): number | undefined {
  const v = process.env[name];
  if (v === undefined || v === "") return undefined;
  const n = Number(v);
  if (!Number.isInteger(n)) throw new Error(`${name} must be an integer, got ${JSON.stringify(v)}`);
  return n;
}

/** The run's base seed: TRICOLOR_SEED, else derived from the clock (a new one each run). */
export const BASE_SEED = envInt("TRICOLOR_SEED") ?? Date.now() % 0x7fffffff;
const SHRINK_MS = envInt("TRICOLOR_SHRINK_MS") ?? 30_000;
const MINIMIZE_MS = envInt("TRICOLOR_MINIMIZE_MS") ?? 20_000;

/** Each property gets its own seed from the base seed and its name, so one base seed replays the whole file. */
export function seedFor(key: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) h = Math.imul(h ^ key.charCodeAt(i), 0x01000193);
  return (h ^ BASE_SEED) | 0;
}

/**
 * fc.check with a printed seed, a bounded shrink and a replayable report.
 * `test` names the property (its seed derives from it); `file` is the vitest
 * file the replay command runs, filtered to the vitest test now running.
 */
export async function checkProperty<T>(
  file: string,
  test: string,
  arb: fc.Arbitrary<T>,
  predicate: (v: T) => Promise<void>,
  numRuns: number,
  /** Further minimisation of fast-check's counterexample; returns a report to append. */
  minimize?: (counterexample: T) => Promise<string>,
): Promise<void> {
  const seed = seedFor(test);
  const vitestName = (expect.getState().currentTestName ?? test).split(" > ").pop()!;
  const path = process.env.TRICOLOR_PATH || undefined;
  console.log(`[${test}] fast-check seed ${seed} (TRICOLOR_SEED=${BASE_SEED}), ${numRuns} runs${path ? `, replaying path ${path}` : ""}`);
  let firstFailure = 0;
  const details = await fc.check(
    fc.asyncProperty(arb, async (v) => {
      // Once the budget for shrinking is spent, the remaining candidates are skipped, not run:
      // the smallest failing program found so far is the one reported.
      if (firstFailure !== 0 && Date.now() - firstFailure > SHRINK_MS) fc.pre(false);
      try {
        await predicate(v);
      } catch (err) {
        if (firstFailure === 0) firstFailure = Date.now();
        throw err;
      }
    }),
    { seed, numRuns, ...(path ? { path, endOnFailure: true } : {}) },
  );
  if (!details.failed) return;
  const replay = `TRICOLOR_SEED=${BASE_SEED} TRICOLOR_PATH=${details.counterexamplePath ?? ""} npx vitest run ${file} -t ${JSON.stringify(vitestName)}`;
  const report = fc.defaultReportMessage(details) ?? "property failed";
  const cause = details.errorInstance instanceof Error ? details.errorInstance.message : String(details.errorInstance);
  console.log(`[${test}] FAILED: seed ${details.seed}, path ${details.counterexamplePath}\n  replay: ${replay}\n  ${cause}`);
  const smaller = minimize && details.counterexample ? await minimize(details.counterexample[0]) : "";
  if (smaller) console.log(`[${test}] ${smaller}`);
  throw new Error(`${test}: ${cause}\nseed ${details.seed}, counterexample path ${details.counterexamplePath}\nreplay: ${replay}\n${report}${smaller ? `\n${smaller}` : ""}`);
}

// ── Programs ──────────────────────────────────────────────────────────────

export interface Program {
  goroutines: number;
  gogc: number | "off";
  backgroundPercent: number;
  markQuantum: number;
  maxHeap: number;
  ops: Op[];
}

export const programArb: fc.Arbitrary<Program> = fc.record({
  goroutines: fc.integer({ min: 1, max: 4 }),
  gogc: fc.oneof(
    { weight: 3, arbitrary: fc.integer({ min: 1, max: 8 }) },
    { weight: 2, arbitrary: fc.integer({ min: 9, max: 200 }) },
    { weight: 1, arbitrary: fc.constant("off" as const) },
  ),
  backgroundPercent: fc.oneof(fc.integer({ min: 1, max: 30 }), fc.integer({ min: 31, max: 95 })),
  // Mostly the finest interleavings; sometimes coarse slices, under which an allocation's own safe point may do no mark work at all.
  markQuantum: fc.oneof({ weight: 3, arbitrary: fc.integer({ min: 1, max: 8 }) }, { weight: 1, arbitrary: fc.constantFrom(64, 512, 4096) }),
  maxHeap: fc.constantFrom(4 << 20, 8 << 20),
  // 20–200 operations.
  ops: programOpsArb(10, 110).filter((ops) => ops.length >= 20).map((ops) => ops.slice(0, 200)),
});

/** What the programs did, summed over a property's runs: evidence that they reached the interleavings that matter. */
export interface Tally {
  programs: number;
  ops: number;
  cycles: number;
  opsWhileMarking: number;
  /** Stores of host-held values (push, setLocal, setGlobal, writeField from a register) while marking. */
  storesWhileMarking: number;
  spawnsWhileMarking: number;
  exitsWhileMarking: number;
  /** Allocations inside which a cycle started (or, for stw, ran whole). */
  allocsStartingCycle: number;
  /** Allocations inside which a mark ended. */
  allocsEndingMark: number;
  /** allocWith calls (pinned arguments) inside which a cycle started, or a mark ended. */
  allocWithsStartingCycle: number;
  allocWithsEndingMark: number;
  /** Frame locals (allocLocal) judged escaped and stayed by the end, and frames popped while marking. */
  localsEscaped: number;
  localsStayed: number;
  framesPoppedWhileMarking: number;
}

export const emptyTally = (): Tally => ({
  programs: 0, ops: 0, cycles: 0, opsWhileMarking: 0, storesWhileMarking: 0, spawnsWhileMarking: 0, exitsWhileMarking: 0, allocsStartingCycle: 0, allocsEndingMark: 0, allocWithsStartingCycle: 0, allocWithsEndingMark: 0,
  localsEscaped: 0, localsStayed: 0, framesPoppedWhileMarking: 0,
});

const ALLOCS = new Set<Op["k"]>(["alloc", "allocWith", "allocWithRegs", "allocReg", "chain"]);
const STORES = new Set<Op["k"]>(["pushReg", "setLocalReg", "setGlobalReg", "writeFieldReg"]);

/** Runs one program with verifyEachCycle off; throws (naming the op) at the first divergence from the model. */
export async function runProgram(barrier: Barrier, build: Build, p: Program, tally: Tally): Promise<void> {
  const e = await loadEngine({
    build, barrier, gogc: p.gogc, backgroundPercent: p.backgroundPercent, markQuantum: p.markQuantum, maxHeap: p.maxHeap, globals: GLOBALS, verifyEachCycle: false,
  });
  const d = new Driver(e);
  d.heldBudget = p.maxHeap / 4;
  for (let i = 0; i < p.goroutines; i++) d.spawn();
  let seen = 0;
  let step = "setup";
  try {
    p.ops.forEach((op, i) => {
      step = `op #${i} ${JSON.stringify(op)}`;
      const marking = e.marking;
      const cycles = e.cycles.length;
      const applied = d.apply(op);
      d.expectHeldLive();
      if (e.cycles.length > seen) {
        seen = e.cycles.length;
        d.pruneFreed();
        d.expectSameGraph();
        d.expectContents();
      }
      if (!applied) return;
      tally.ops++;
      if (marking) {
        tally.opsWhileMarking++;
        if (STORES.has(op.k)) tally.storesWhileMarking++;
        if (op.k === "spawn") tally.spawnsWhileMarking++;
        if (op.k === "exit") tally.exitsWhileMarking++;
        if (op.k === "popFrame") tally.framesPoppedWhileMarking++;
      }
      if (ALLOCS.has(op.k)) {
        const started = !marking && (e.marking || e.cycles.length > cycles);
        const ended = marking && (!e.marking || e.cycles.length > cycles);
        if (started) tally.allocsStartingCycle++;
        if (ended) tally.allocsEndingMark++;
        if (op.k === "allocWith" || op.k === "allocWithRegs") {
          if (started) tally.allocWithsStartingCycle++;
          if (ended) tally.allocWithsEndingMark++;
        }
      }
    });
    step = "final collect";
    d.collect();
    step = "escape verdicts after the final collect";
    d.expectLocals();
    step = "final sweep";
    d.sweep();
    step = "second collect";
    d.collect();
  } catch (err) {
    const msg = err instanceof Error ? err.message : String(err);
    throw new Error(`${barrier}/${build}, ${step}: ${msg}`, { cause: err });
  }
  // verifyEachCycle is off, so only `none` verifies at mark termination; nothing may be reported lost either way.
  expect(e.cycles.filter((c) => c.lostObjects !== 0)).toEqual([]);
  tally.programs++;
  tally.cycles += e.cycles.length;
  for (const x of e.escapes()) {
    tally.localsEscaped += x.escapedObjects;
    tally.localsStayed += x.stayedObjects;
  }
}

/**
 * Greedy delta debugging on a failing program, within MINIMIZE_MS: drop runs
 * of 16, 8, 4, 2, then single ops, keeping each removal after which the
 * program still fails. (fast-check's shrinker stalls on chunked programs.)
 */
export async function minimizeProgram(barrier: Barrier, build: Build, p: Program): Promise<string> {
  const deadline = Date.now() + MINIMIZE_MS;
  const failure = async (q: Program): Promise<string | null> => {
    try {
      await runProgram(barrier, build, q, emptyTally());
      return null;
    } catch (err) {
      return err instanceof Error ? err.message : String(err);
    }
  };
  let best = p;
  let why = await failure(best);
  if (why === null) return "";
  for (let changed = true; changed && Date.now() < deadline; ) {
    changed = false;
    for (const size of [16, 8, 4, 2, 1]) {
      for (let i = 0; i < best.ops.length && Date.now() < deadline; ) {
        const q = { ...best, ops: [...best.ops.slice(0, i), ...best.ops.slice(i + size)] };
        const w = q.ops.length >= 1 ? await failure(q) : null;
        if (w !== null) {
          best = q;
          why = w;
          changed = true;
        } else i += size;
      }
    }
    if (best.goroutines > 1) {
      const q = { ...best, goroutines: best.goroutines - 1 };
      const w = await failure(q);
      if (w !== null) [best, why, changed] = [q, w, true];
    }
  }
  const { ops, ...knobs } = best;
  return `minimized to ${ops.length} ops: ${why}\n  ${JSON.stringify(knobs)}\n${ops.map((op, i) => `  ${i}: ${JSON.stringify(op)}`).join("\n")}`;
}

/** The property for one strategy and core: `numRuns` programs, then evidence that they interleaved. */
export async function checkSoundness(file: string, barrier: Barrier, build: Build, numRuns: number): Promise<Tally> {
  const tally = emptyTally();
  const name = `${barrier}/${build}: ${numRuns} random programs, verifyEachCycle off`;
  await checkProperty(file, name, programArb, (p) => runProgram(barrier, build, p, tally), numRuns, (p) => minimizeProgram(barrier, build, p));
  console.log(`[${name}] ${JSON.stringify(tally)}`);
  // The programs must really interleave with the collector, or the property says nothing.
  expect(tally.cycles).toBeGreaterThan(numRuns);
  expect(tally.allocsStartingCycle).toBeGreaterThan(0);
  // Frame locals were judged both ways, so the escape verdicts were checked against the model.
  expect(tally.localsEscaped).toBeGreaterThan(numRuns / 10);
  expect(tally.localsStayed).toBeGreaterThan(numRuns / 10);
  if (barrier !== "stw") {
    expect(tally.framesPoppedWhileMarking).toBeGreaterThan(numRuns / 10);
    expect(tally.opsWhileMarking).toBeGreaterThan(numRuns);
    expect(tally.storesWhileMarking).toBeGreaterThan(numRuns / 10);
    expect(tally.spawnsWhileMarking).toBeGreaterThan(0);
    expect(tally.exitsWhileMarking).toBeGreaterThan(0);
    expect(tally.allocsEndingMark).toBeGreaterThan(0);
  }
  return tally;
}
