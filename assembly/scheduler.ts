// The mark scheduler: who does mark work, and when, during a concurrent
// mark. The core is single-threaded, so "concurrent" means the collector runs
// at safe points — every allocation and every yield — by these rules:
//
// Background worker (Go's dedicated/fractional mark worker, mgc.go
// gcBgMarkWorker). At each safe point it earns u/(1−u) units of work per unit
// of mutator time since the last one (u = 25% by default), and runs one slice
// of `quantum` words when it has earned a quantum (the rest waits, up to 32
// quanta, like a worker preempted after its time slice). Its work becomes
// background scan credit that assists may steal (Go's gcFlushBgCredit).
//
// Mark assists (mgcmark.go gcAssistAlloc). Each goroutine has an assist
// credit in bytes (Go's gcAssistBytes), reset at mark start; allocations that
// name no goroutine (alloc, allocWith) share one account. An allocation of n
// bytes takes n from its account; a negative balance is debt, paid in scan
// work at assistWorkPerByte (pacer.ts revise), rounded up to
// gcOverAssistWork so assists are not tiny — first by stealing background
// credit, then by marking, one over-assist at a time so the CPU limiter can
// stop it between chunks. Go's gcOverAssistWork is 64 KiB of scan work,
// which is four quanta at the default quantum (4096 words = 16 KiB); it
// scales with the quantum so tests can interleave finely. While the GC CPU
// limiter is on (limiter.ts), assists are skipped, as in Go. Go parks an
// assist that finds no work to do; here the mark simply ends at that safe
// point, since no work left means mark termination.
//
// Mark termination runs at the first safe point that finds no root job and
// no grey object left.
//
// Fast and slow path (whippet's naming). Most safe points during a mark do
// nothing but bookkeeping: the worker's earnings grow, the allocation takes
// its bytes from an account still in credit. safePoint does just that, with
// the same floating-point operations in the same order as before the split,
// and calls safePointSlow only when a slice is due or the
// account goes into debt (and the limiter allows an assist). Skipping the
// termination check on the fast path changes nothing: mark work is done only
// by slices and assists, each followed by the check, so after any safe point
// of a mark markWorkDone() was false, and a safe point that does no work
// cannot make it true (write barriers and stack scans only add grey objects;
// the root jobs advance only in markWork). Work counts are unchanged.

import { nowNs } from "./host";
import { phase, mutatorClock, PHASE_MARK } from "./state";
import { slice, markTermination, markWorkDone, inGC, setInGC } from "./gc";
import { assistCredit, setAssistCredit } from "./roots";
import { limiting } from "./limiter";
import * as pacer from "./pacer";
import { EV_MARK_SLICE, EV_ASSIST } from "../contract/abi";

// @ts-ignore: decorator
@inline const MAX_BANKED_QUANTA: f64 = 32;
// @ts-ignore: decorator
@inline const OVER_ASSIST_QUANTA: f64 = 4;

/** Words of mark work per background slice (default 4096): smaller interleaves the collector more finely. */
let quantum: f64 = 4096;
let bgTime: f64 = 0; // units of work the background worker has earned and not yet spent
let lastSafeClock: u64 = 0; // mutator clock at the last safe point
let hostCredit: f64 = 0; // the assist account of allocations that name no goroutine

export function setQuantum(words: u32): void { quantum = <f64>max<u32>(words, 1); }

/** A mark starts: the background worker starts with nothing banked. */
export function beginMarkSchedule(): void {
  bgTime = 0;
  lastSafeClock = mutatorClock;
}

/** Clears the shared assist account (mark start, with every goroutine's). */
export function resetAssistAccount(): void { hostCredit = 0; }

/**
 * A safe point: the mutator has run since the last one (the mutator clock
 * says how long) and just allocated `bytes` as goroutine descriptor `d`
 * (0: no goroutine). Outside a mark this costs one branch in the caller;
 * during one, a few loads, a division and a compare unless work is due.
 */
export function safePoint(bytes: u64, d: usize): void {
  if (phase != PHASE_MARK || inGC) return;
  earnBackground();
  if (bgTime >= quantum) { safePointSlow(bytes, d); return; }
  if (bytes == 0) return;
  let credit = (d != 0 ? assistCredit(d) : hostCredit) - <f64>bytes;
  if (credit < 0 && !limiting) { safePointSlow(bytes, d); return; }
  if (d != 0) setAssistCredit(d, credit); else hostCredit = credit;
}

/** A safe point with work due: a background slice, an assist, or both; then mark termination if nothing is left. */
function safePointSlow(bytes: u64, d: usize): void {
  setInGC(true);
  backgroundSlice();
  if (bytes > 0) assist(<f64>bytes, d);
  if (phase == PHASE_MARK && markWorkDone()) markTermination(nowNs(), 0, 0);
  setInGC(false);
}

/** The background worker earns its share of the mutator time since the last safe point. */
// @ts-ignore: decorator
@inline function earnBackground(): void {
  let units = <f64>(mutatorClock - lastSafeClock);
  lastSafeClock = mutatorClock;
  let u = <f64>pacer.bgPercent / 100;
  bgTime += units * u / (1 - u);
}

/** Runs a background slice if the worker has earned a quantum. */
function backgroundSlice(): void {
  if (bgTime < quantum) return;
  let done = <f64>slice(EV_MARK_SLICE, quantum);
  pacer.bgScanCredit += done * 4;
  bgTime = done < quantum ? 0 : min<f64>(bgTime - done, quantum * MAX_BANKED_QUANTA);
}

/** Charges an allocation of `bytes` to `d`'s assist account and pays any debt (Go's gcAssistAlloc). */
function assist(bytes: f64, d: usize): void {
  let credit = (d != 0 ? assistCredit(d) : hostCredit) - bytes;
  if (credit < 0 && !limiting) credit = payDebt(credit);
  if (d != 0) setAssistCredit(d, credit); else hostCredit = credit;
}

/** Pays the debt of an account at `credit` (< 0) bytes: steal background credit, then mark. Returns the new credit. */
function payDebt(credit: f64): f64 {
  let debtBytes = -credit;
  let scanWork = pacer.assistWorkPerByte * debtBytes;
  let overAssist = OVER_ASSIST_QUANTA * quantum * 4;
  if (scanWork < overAssist) {
    scanWork = overAssist;
    debtBytes = pacer.assistBytesPerWork * scanWork;
  }
  if (pacer.bgScanCredit > 0) {
    let stolen: f64;
    if (pacer.bgScanCredit < scanWork) {
      stolen = pacer.bgScanCredit;
      credit += 1 + pacer.assistBytesPerWork * stolen;
    } else {
      stolen = scanWork;
      credit += debtBytes;
    }
    pacer.bgScanCredit -= stolen;
    scanWork -= stolen;
    if (scanWork <= 0) return credit;
  }
  // Mark in chunks of one over-assist, as Go's gcDrainN can be preempted, so the
  // CPU limiter (updated as each chunk is counted) can stop a long assist.
  while (scanWork > 0 && !limiting) {
    let chunk = min<f64>(scanWork, overAssist);
    let done = <f64>slice(EV_ASSIST, Math.ceil(chunk / 4)) * 4;
    credit += 1 + pacer.assistBytesPerWork * done;
    scanWork -= done;
    if (done < chunk) break; // no work left: the mark is done
  }
  return credit;
}
