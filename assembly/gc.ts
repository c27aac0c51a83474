// The GC cycle. Go's collector (mgc.go) runs four phases:
//
//   1. sweep termination (STW)  finish sweeping the last cycle's spans
//   2. mark                     scan roots, drain grey objects
//   3. mark termination (STW)   the mark is complete; the heap goal is set
//   4. sweep                    spans are swept lazily, by the allocator
//
// This file is the stop-the-world collector: phases 1–3 happen in one pause,
// and phase 4 runs lazily afterwards (sweep.ts). Each pause is timed with the
// host's clock and reported with its deterministic work — root and object
// words scanned, objects and bytes marked — so tests compare work and
// benchmarks compare time.
//
// Invariants at the end of mark termination: every object reachable from a
// root is marked (the verifier checks this when verifyEachCycle is set), and
// every allocation cache is empty, so no span escapes its sweep.

import { nowNs, gcEvent } from "./host";
import { flushAllCaches } from "./alloc";
import { finishSweep, startSweep } from "./sweep";
import { resetMarkCounters, shadeSlot, drainAll, markedBytes, markedObjects, wordsScanned } from "./mark";
import { forEachRoot, stackBytes } from "./roots";
import { advanceEpoch, listLength } from "./spans";
import { setHeapLive, updateGoal } from "./pacer";
import { verifyHeap } from "./verify";
import { globalsCount } from "./layout";
import { EV_PAUSE, NUM_CLASSES, VERIFY_AGAINST_MARK } from "../src/abi";

/** Objects allocated while marking are born black. Always false for the STW collector. */
export let allocBlack: bool = false;
export let cycles: u32 = 0;
export let forcedCycles: u32 = 0;
export let pauseTotalNs: f64 = 0;
export let pauseMaxNs: f64 = 0;
export let verifyEachCycle: bool = false;
export let lostAtMark: u64 = 0;
let inCycle: bool = false;

export function setVerifyEachCycle(on: bool): void { verifyEachCycle = on; }

/** Bytes of roots the pacer adds to the goal: stacks and globals (Go 1.18+). */
export function rootBytes(): u64 {
  return stackBytes + <u64>globalsCount * 4;
}

/** Runs one full cycle; `forced` when allocation failed or the host asked. */
export function gcCycle(forced: bool): void {
  if (inCycle) return; // a cycle never allocates, but be explicit about re-entry
  inCycle = true;
  let t0 = nowNs();
  let words0 = wordsScanned;

  // 1. Sweep termination: no span may carry last cycle's marks into this one.
  flushAllCaches();
  finishSweep();

  // 2. Mark.
  resetMarkCounters();
  let rootWords = forEachRoot(shadeSlot);
  drainAll();

  // 3. Mark termination.
  if (verifyEachCycle) lostAtMark += verifyHeap(VERIFY_AGAINST_MARK);
  cycles++;
  if (forced) forcedCycles++;
  setHeapLive(markedBytes);
  updateGoal(markedBytes, rootBytes());
  advanceEpoch();
  startSweep(objectSpans());

  let t1 = nowNs();
  let pause = t1 - t0;
  pauseTotalNs += pause;
  if (pause > pauseMaxNs) pauseMaxNs = pause;
  gcEvent(EV_PAUSE, <i32>cycles, t0, t1, <f64>(wordsScanned - words0 + rootWords), <f64>markedObjects, <f64>markedBytes);
  inCycle = false;
}

/** Spans holding objects (not stacks): the ones a sweep must visit. */
function objectSpans(): u32 {
  let n: u32 = 0;
  for (let c: u32 = 0; c < <u32>NUM_CLASSES; c++) n += listLength(c);
  return n;
}
