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
// its bytes from an account still in credit. So the worker's earnings are
// kept lazily, in integers: each unit of mutator time earns p "shares"
// (p = the background percent) and a word of work costs 100 − p of them, so
// u/(1−u) words per unit, exactly, with no rounding to accumulate. Whenever
// the earnings change (a mark starts, a slice runs, a setting changes), the
// mutator-clock value at which they next reach a quantum is computed once
// (bgDue); until then a safe point compares the clock with it and charges
// its account: a compare and a branch, a subtraction and a store. Only a
// due slice or an account in debt (and the limiter allowing an assist)
// takes safePointSlow. Skipping the termination check on the fast path
// changes nothing: mark work is done only by slices and assists, each
// followed by the check, so after any safe point of a mark markWorkDone()
// was false, and a safe point that does no work cannot make it true (write
// barriers and stack scans only add grey objects; the root jobs advance only
// in markWork).
//
// Before the integers, the earnings were a float sum of units·u/(1−u), one
// term per safe point, whose rounding drifts: earned one unit at a time at
// u = 60% with a 333-word quantum, it reached the quantum one safe point
// late (223 units instead of ⌈333·40/60⌉ = 222; tests/pacer-go.test.ts).
// So the integer form can start a slice a safe point earlier than the float
// one did. On the scenarios (binary-trees, churn, producer-consumer,
// lru-cache, under several strategies, shares and quanta) the per-cycle
// background and assist words came out identical.

import { nowNs } from "./host";
import { phase, mutatorClock, PHASE_MARK } from "./state";
import { slice, markTermination, markWorkDone, inGC, setInGC } from "./gc";
import { assistCredit, setAssistCredit } from "./roots";
import { limiting } from "./limiter";
import * as pacer from "./pacer";
import { EV_MARK_SLICE, EV_ASSIST } from "../contract/abi";

// @ts-ignore: decorator
@inline const MAX_BANKED_QUANTA: i64 = 32;
// @ts-ignore: decorator
@inline const OVER_ASSIST_QUANTA: f64 = 4;

/** Words of mark work per background slice (default 4096): smaller interleaves the collector more finely. */
let quantum: f64 = 4096;
let quantumWords: i64 = 4096;
let earned: i64 = 0; // the worker's unspent earnings, in shares (a word costs 100 − p), as of lastSafeClock
let lastSafeClock: u64 = 0; // mutator clock up to which `earned` is counted
let bgDue: u64 = u64.MAX_VALUE; // the first clock at which the earnings reach a quantum (while marking)
let hostCredit: f64 = 0; // the assist account of allocations that name no goroutine

/** Words per slice; mid-mark, the earnings so far keep their value in words. */
export function setQuantum(words: u32): void {
  catchUp();
  quantum = <f64>max<u32>(words, 1);
  quantumWords = <i64>max<u32>(words, 1);
  scheduleSlice();
}

/** What a unit of mutator time earns: p, the background percent. */
// @ts-ignore: decorator
@inline function sharesPerUnit(): i64 { return <i64>pacer.bgPercent; }
/** What a word of background work costs: 100 − p. */
// @ts-ignore: decorator
@inline function sharesPerWord(): i64 { return 100 - <i64>pacer.bgPercent; }

/** Sets the background share to `p` percent (1–99); mid-mark, the earnings so far keep their value in words (rounded toward zero). */
export function setBackgroundShare(p: u32): void {
  catchUp();
  earned = earned * <i64>(100 - p) / sharesPerWord();
  pacer.setBgPercent(p);
  scheduleSlice();
}

/** A mark starts: the background worker starts with nothing banked. */
export function beginMarkSchedule(): void {
  earned = 0;
  lastSafeClock = mutatorClock;
  scheduleSlice();
}

/** Counts the earnings of the mutator time since lastSafeClock (saturating: the clock is a u64). */
function catchUp(): void {
  let units = mutatorClock - lastSafeClock;
  lastSafeClock = mutatorClock;
  let room = <u64>(i64.MAX_VALUE - max<i64>(earned, 0)) / <u64>sharesPerUnit();
  earned = units >= room ? i64.MAX_VALUE : earned + <i64>units * sharesPerUnit();
}

/** Sets bgDue: the first clock value at which `earned` plus what the mutator earns from lastSafeClock on reaches a quantum. */
function scheduleSlice(): void {
  let need = quantumWords * sharesPerWord() - earned;
  bgDue = need <= 0 ? lastSafeClock : lastSafeClock + <u64>((need + sharesPerUnit() - 1) / sharesPerUnit());
}

/** Clears the shared assist account (mark start, with every goroutine's). */
export function resetAssistAccount(): void { hostCredit = 0; }

/**
 * A safe point: the mutator has run since the last one (the mutator clock
 * says how long) and just allocated `bytes` as goroutine descriptor `d`
 * (0: no goroutine). Outside a mark this costs one branch in the caller;
 * during one, a compare with bgDue and the account's charge unless work is due.
 */
// @ts-ignore: decorator
@inline export function safePoint(bytes: u64, d: usize): void {
  if (phase != PHASE_MARK || inGC) return;
  if (mutatorClock >= bgDue) { safePointSlow(bytes, d); return; }
  if (bytes == 0) return;
  let credit = (d != 0 ? assistCredit(d) : hostCredit) - <f64>bytes;
  if (credit < 0 && !limiting) { safePointSlow(bytes, d); return; }
  if (d != 0) setAssistCredit(d, credit); else hostCredit = credit;
}

/** A safe point with work due: a background slice, an assist, or both; then mark termination if nothing is left. */
function safePointSlow(bytes: u64, d: usize): void {
  setInGC(true);
  catchUp();
  backgroundSlice();
  if (bytes > 0) assist(<f64>bytes, d);
  if (phase == PHASE_MARK && markWorkDone()) markTermination(nowNs(), 0, 0);
  setInGC(false);
}

/** Runs a background slice if the worker has earned a quantum; either way, schedules the next. */
function backgroundSlice(): void {
  if (earned >= quantumWords * sharesPerWord()) {
    let done = <f64>slice(EV_MARK_SLICE, quantum);
    pacer.bgScanCredit += done * 4;
    earned = done < quantum ? 0 : min<i64>(earned - <i64>done * sharesPerWord(), quantumWords * sharesPerWord() * <i64>MAX_BANKED_QUANTA);
  }
  scheduleSlice();
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
