// The embedder API: everything the host may call, and nothing more.
//
// Every export that takes a handle checks it before touching the heap and,
// on bad input, changes nothing. Exports that return a handle, a goroutine
// id or a stored value return the error code itself on failure (codes are
// below abi.MIN_VALID, no address or id is); exports that return a status
// return OK or the code; counts come back negated. The failing value and
// index of that same call are in lastErrorAddr / lastErrorArg, for the host
// to turn into a typed error. No error state outlives the call that set it
// in a way that matters: a caller learns of a failure from the return value.
// The collector's internals (spans.ts, mark.ts, sweep.ts, ...) never see an
// unchecked host value.
//
// Looking at a goroutine (lookup: peek, getLocal, frames, ...) never changes
// a run; acting as one (act: push, pop, setLocal, ...) advances the mutator
// clock by a stack operation. Hot exports the host calls per object —
// allocPush, allocWith, alloc — keep their checks to a few loads; reading
// fields needs no call at all (the host reads memory through a typed-array
// view, since reads take no barrier).

import { layOut, initialized, statsBase, verifyBlockBase, profileBase, cycleBase, arenaBase, maxPages, PAGE_SIZE, NONE } from "./layout";
import { initSizeClasses, sizeToClass, classSize } from "./sizeclasses";
import { initClassLists, spanOf, spanElemSize, spanBase, spanNelems, listHead, spanNext, spansInUse, spansFreed } from "./spans";
import { mappedPages, freePageCount, pagesReused } from "./pages";
import { initCaches, allocObject, allocObjectFast, measureCaches, peakNow, objectsAllocated, bytesAllocated, uncountedObjects, uncountedBytes } from "./alloc";
import { finishSweep, sweepDone, heapAlloc, objectsFreed, bytesFreed, unsweptSpans } from "./sweep";
import { wordsScanned, objectsScanned, queueOverflows, markedBytes, markedObjects, heapCorruptions, firstCorruption } from "./mark";
import {
  gcCollect, gcTrigger, cycles, forcedCycles, pauseTotalNs, pauseMaxNs, setVerifyEachCycle as setVerify, lostAtMark,
  gcWork, gcWorkStw, gcWorkBackground, gcWorkAssist
} from "./gc";
import { safePoint, setQuantum, setBackgroundShare } from "./scheduler";
import * as pacer from "./pacer";
import { limiterEnabledCount } from "./limiter";
import { phase, tick, mutatorClock, PHASE_MARK, STACK_OP_UNITS } from "./state";
import { allocBlack } from "./state";
import { setStrategy, validStrategy, concurrent } from "./strategy";
import { verifyHeap, classify, heldLive } from "./verify";
import { setQuarantine as setQuarantineOn, quarantinedBytes } from "./quarantine";
import {
  lookup, lookupError, spawn as spawnG, exitGoroutine, pushFrame as pushF, popFrame as popF, pushValue, pushRaw, popValue, setSlot,
  slotAddress, topAddress, topSlots, dropValues, globalAddress, pin, unpin, frameCount, stackDepthWords, liveGoroutines, stackBytes,
  stackBytesWanted, PIN_FIELD0, PIN_FIELD1, MIN_GOROUTINE_ID, touch, goroutineSlots, frameRoom, topValues, replaceTop
} from "./roots";
import { reserveLocal, addLocal, framePopped, goroutineExiting, tableAddress, sampleListHead, tableBytes, tableBytesWanted } from "./escapes";
import { escapeSitesBase, fragBase, goroutineMaskBase, goroutineBase } from "./layout";
import { largestFreeRun } from "./pages";
import { fillFragmentation } from "./spans";
import { buildList, buildTree } from "./bulk";
import { siteAllocBase, siteLiveBase } from "./layout";
import { liveSiteEnd } from "./sites";
import * as analysis from "./analysis";
import * as ages from "./ages";
import { writePointer, initPointers } from "./barrier";
import * as abi from "../contract/abi";

let errCode: i32 = abi.OK;
let errAddr: usize = 0;
let errArg: u32 = 0;

export function lastErrorCode(): i32 { return errCode; }
export function lastErrorAddr(): usize { return errAddr; }
export function lastErrorArg(): u32 { return errArg; }

/** Records an error's details; returns `code` so callers can `return fail(...)`. */
function fail(code: i32, addr: usize, arg: u32): i32 {
  errCode = code;
  errAddr = addr;
  errArg = arg;
  return code;
}

/** OK if `p` is nil or a live object's start; else records and returns why not. */
function checkRef(p: usize): i32 {
  if (p == 0) return abi.OK;
  let code = classify(p, abi.VERIFY_AGAINST_ALLOC);
  return code == abi.OK ? abi.OK : fail(code, p, 0);
}

/** OK if `p` is a live object's start (not nil). */
function checkObj(p: usize): i32 {
  if (p == 0) return fail(abi.E_NOT_IN_HEAP, 0, 0);
  return checkRef(p);
}

/** Goroutine `g`'s descriptor for a read-only query, or 0 with the error recorded. */
function look(g: u32): usize {
  let d = lookup(g);
  if (d == 0) fail(lookupError(g), 0, g);
  return d;
}

/** An operation that acts as goroutine `d` passed its checks: a stack operation's worth of mutator time, and `d` ran now. */
// @ts-ignore: decorator
@inline function acted(d: usize): void { tick(STACK_OP_UNITS); touch(d); }

/** The error code `look`/`act` recorded, as a value-returning export returns it. */
// @ts-ignore: decorator
@inline function lastCode(): usize { return <usize>errCode; }

// ── Setup ──────────────────────────────────────────────────────────────────

/** Lays out a heap of at most `maxHeapPages` pages. Must be called once, first. */
export function init(maxHeapPages: u32, globals: u32, goroutines: u32, queueEntries: u32): i32 {
  if (initialized) return fail(abi.E_BAD_ARGUMENT, 0, 0);
  if (maxHeapPages < 8 || goroutines == 0 || goroutines > 65536 || queueEntries < 16) return fail(abi.E_BAD_ARGUMENT, 0, maxHeapPages);
  // Whole wasm pages only: the arena grows in 64 KiB steps.
  if (!layOut(maxHeapPages & ~7, globals, goroutines, queueEntries)) return fail(abi.E_TOO_LARGE, 0, maxHeapPages);
  initSizeClasses();
  initClassLists(abi.NUM_CLASSES);
  initCaches();
  setStrategy(abi.STRATEGY_STW);
  repace();
  return abi.OK;
}

/** Recomputes the goal after a pacer setting changed (Go's gcControllerCommit). */
function repace(): void {
  pacer.commit(sweepDone());
  if (phase == PHASE_MARK) pacer.revise(stackBytes);
}

/** Sets GOGC; negative turns the collector's trigger off (GOGC=off). */
export function setGogc(value: i32): void {
  pacer.setGcPercent(value);
  repace();
}

/** Sets the soft memory limit in bytes (GOMEMLIMIT semantics); 0 removes it. */
export function setMemoryLimitBytes(bytes: f64): void {
  pacer.setMemoryLimit(<u64>bytes);
  repace();
}

/** Selects the barrier strategy (abi STRATEGY_*). Only between cycles. */
export function setBarrier(s: i32): i32 {
  if (!validStrategy(s) || phase == PHASE_MARK) return fail(abi.E_BAD_ARGUMENT, 0, <u32>s);
  setStrategy(s);
  repace();
  return abi.OK;
}

/** Words of mark work per slice (default 4096): smaller interleaves the collector more finely. */
export function setMarkQuantum(words: u32): i32 {
  if (words < 1 || words > 1 << 24) return fail(abi.E_BAD_ARGUMENT, 0, words);
  setQuantum(words);
  return abi.OK;
}

/** Background mark share of the time, percent (1–99; Go: 25). */
export function setBackgroundPercent(p: u32): i32 {
  if (p < 1 || p > 99) return fail(abi.E_BAD_ARGUMENT, 0, p);
  setBackgroundShare(p);
  repace();
  return abi.OK;
}

/** Makes every cycle run the verifier at mark termination. */
export function setVerifyEachCycle(on: i32): void { setVerify(on != 0); }

/** Debug core: quarantine freed slots (on by default); no effect on the release core. */
export function setQuarantine(on: i32): void { setQuarantineOn(on != 0); }

// ── Allocation ─────────────────────────────────────────────────────────────

/** Checks sizes; returns total bytes (header included) or 0 with the error recorded. */
function objectBytes(site: u32, nptr: u32, scalarBytes: u32): u32 {
  if (nptr > <u32>abi.MAX_POINTER_SLOTS) { fail(abi.E_TOO_LARGE, 0, nptr); return 0; }
  if (site >= <u32>abi.MAX_SITES) { fail(abi.E_BAD_ARGUMENT, 0, site); return 0; }
  let payload = <u64>nptr * 4 + <u64>scalarBytes;
  if (payload + abi.HEADER_BYTES > <u64>maxPages * PAGE_SIZE) { fail(abi.E_TOO_LARGE, 0, <u32>min<u64>(payload, 0xffffffff)); return 0; }
  return <u32>payload + abi.HEADER_BYTES;
}

/** Allocates and initialises an object for goroutine `d` (0: the embedder); 0 on out of memory (error recorded). */
// @ts-ignore: decorator
@inline function newObject(site: u32, nptr: u32, bytes: u32, d: usize): usize {
  let p = allocObject(site, nptr, bytes, d);
  if (p == 0) fail(abi.E_OUT_OF_MEMORY, site + abi.OOM_SITE_BIAS, bytes);
  return p;
}

/**
 * True if an object of `nptr` pointer slots, `scalarBytes` and `bytes` in all
 * (header included, computed by the caller in u32) for `site` is small and
 * valid: what objectBytes would accept, below the large-object size, in three
 * compares (an OR of the two sizes bounds both, so `bytes` cannot have wrapped).
 */
// @ts-ignore: decorator
@inline function smallShape(site: u32, nptr: u32, scalarBytes: u32, bytes: u32): bool {
  return (nptr | scalarBytes) < <u32>abi.MAX_SMALL_OBJECT && bytes <= <u32>abi.MAX_SMALL_OBJECT && site < <u32>abi.MAX_SITES;
}

/**
 * A new object with `nptr` nil pointer slots and `scalarBytes` zeroed bytes; an error code on failure.
 * Fast path, while no mark runs: a small object from its class's cache (allocObjectFast), with no
 * call. While marking, allocMarking; anything else, and every error, takes allocChecked.
 */
export function alloc(site: u32, nptr: u32, scalarBytes: u32): usize {
  if (allocBlack) return allocMarking(site, nptr, scalarBytes);
  let bytes = abi.HEADER_BYTES + (nptr << 2) + scalarBytes;
  if (smallShape(site, nptr, scalarBytes, bytes)) {
    let p = allocObjectFast(sizeToClass(bytes), site, nptr, bytes, 0, 0, false);
    if (p != 0) return p;
  }
  return allocChecked(site, nptr, scalarBytes);
}

/** alloc while marking: the same fast path with the new object born black and the safe point. */
function allocMarking(site: u32, nptr: u32, scalarBytes: u32): usize {
  let bytes = abi.HEADER_BYTES + (nptr << 2) + scalarBytes;
  if (smallShape(site, nptr, scalarBytes, bytes)) {
    let p = allocObjectFast(sizeToClass(bytes), site, nptr, bytes, 0, 0, true);
    if (p != 0) return p;
  }
  return allocChecked(site, nptr, scalarBytes);
}

/** alloc's slow path: every check, any size, the cache refilled (allocObject). */
function allocChecked(site: u32, nptr: u32, scalarBytes: u32): usize {
  let bytes = objectBytes(site, nptr, scalarBytes);
  if (bytes == 0) return lastCode();
  let p = newObject(site, nptr, bytes, 0);
  return p != 0 ? p : lastCode();
}

/** A new object whose first pointer slots are `f0` and `f1` (nptr ≥ 2); an error code on failure. */
export function allocWith(site: u32, nptr: u32, scalarBytes: u32, f0: usize, f1: usize): usize {
  if (nptr < 2) return <usize>fail(abi.E_FIELD_RANGE, 0, nptr);
  if (checkRef(f0) != abi.OK || checkRef(f1) != abi.OK) return lastCode();
  let bytes = objectBytes(site, nptr, scalarBytes);
  if (bytes == 0) return lastCode();
  // Roots while the allocation may collect; cleared through the barrier (roots.ts).
  pin(PIN_FIELD0, f0);
  pin(PIN_FIELD1, f1);
  let p = newObject(site, nptr, bytes, 0);
  if (p != 0) {
    writePointer(p + abi.HEADER_BYTES, f0);
    writePointer(p + abi.HEADER_BYTES + 4, f1);
  }
  unpin(PIN_FIELD0);
  unpin(PIN_FIELD1);
  return p != 0 ? p : lastCode();
}

/**
 * Allocates an object whose first `npop` pointer slots are the top `npop`
 * values of goroutine g's top frame (deepest first), pops them and pushes
 * the new object. The children stay rooted on the stack while the
 * allocation may collect, so a constructor is one call and the host holds
 * no reference across it. An error code on failure.
 */
export function allocPush(g: u32, site: u32, nptr: u32, scalarBytes: u32, npop: u32): usize {
  // Fast path, while no mark runs (so no barrier either): a live goroutine, a small valid shape, the
  // values on its frame (or room for the result), a slot in the cache; no call. The checks change
  // nothing, so anything else starts over in allocPushChecked. While marking: allocPushMarking.
  if (allocBlack) return allocPushMarking(g, site, nptr, scalarBytes, npop);
  let d = lookup(g);
  let bytes = abi.HEADER_BYTES + (nptr << 2) + scalarBytes;
  if (d != 0 && smallShape(site, nptr, scalarBytes, bytes) && npop <= nptr && frameRoom(d, npop)) {
    let p = allocObjectFast(sizeToClass(bytes), site, nptr, bytes, STACK_OP_UNITS, d, false);
    if (p != 0) {
      touch(d); // acted: the goroutine's last-active cycle, as allocPushChecked's acted(d)
      if (npop > 0) initPointers(p, topValues(d, npop), npop, false);
      replaceTop(d, npop, p);
      return p;
    }
  }
  return allocPushChecked(g, site, nptr, scalarBytes, npop);
}

/** allocPush while marking: the same fast path with the new object born black, the safe point and the barrier. */
function allocPushMarking(g: u32, site: u32, nptr: u32, scalarBytes: u32, npop: u32): usize {
  let d = lookup(g);
  let bytes = abi.HEADER_BYTES + (nptr << 2) + scalarBytes;
  if (d != 0 && smallShape(site, nptr, scalarBytes, bytes) && npop <= nptr && frameRoom(d, npop)) {
    let p = allocObjectFast(sizeToClass(bytes), site, nptr, bytes, STACK_OP_UNITS, d, true);
    if (p != 0) {
      touch(d);
      if (npop > 0) initPointers(p, topValues(d, npop), npop, true);
      replaceTop(d, npop, p); // a new object: black during a mark, so no stack rule applies
      return p;
    }
  }
  return allocPushChecked(g, site, nptr, scalarBytes, npop);
}

/** allocPush's slow path: every check with its precise error, any size, the stack grown, the cache refilled. */
function allocPushChecked(g: u32, site: u32, nptr: u32, scalarBytes: u32, npop: u32): usize {
  let d = look(g);
  if (d == 0) return lastCode();
  if (npop > nptr) return <usize>fail(abi.E_FIELD_RANGE, 0, npop);
  if (npop > topSlots(d)) return <usize>fail(abi.E_STACK_EMPTY, 0, npop);
  let bytes = objectBytes(site, nptr, scalarBytes);
  if (bytes == 0) return lastCode();
  acted(d);
  // Room for the result first: a stack that cannot grow must fail before the object exists.
  if (npop == 0) {
    if (pushRaw(d, 0) != abi.OK) return <usize>fail(abi.E_OUT_OF_MEMORY, 0, stackBytesWanted);
    dropValues(d, 1);
  }
  let p = newObject(site, nptr, bytes, d);
  if (p == 0) return lastCode();
  if (npop > 0) {
    let src = topAddress(d, npop - 1);
    for (let i: u32 = 0; i < npop; i++) {
      writePointer(p + abi.HEADER_BYTES + (<usize>i << 2), <usize>load<u32>(src + (<usize>i << 2)));
    }
    dropValues(d, npop);
  }
  pushRaw(d, p); // a new object: black during a mark, so no stack rule applies
  return p;
}

/** Pushes a linked list of `n` 16-byte nodes onto g (head on top), built inside the core. */
export function allocList(g: u32, site: u32, n: u32): i32 {
  let d = look(g);
  if (d == 0) return errCode;
  if (site >= <u32>abi.MAX_SITES) return fail(abi.E_BAD_ARGUMENT, 0, site);
  acted(d);
  return buildList(d, site, n) ? abi.OK : fail(abi.E_OUT_OF_MEMORY, site + abi.OOM_SITE_BIAS, 16);
}

/** Pushes a complete binary tree of `depth` onto g, built inside the core. */
export function allocTree(g: u32, site: u32, depth: u32): i32 {
  let d = look(g);
  if (d == 0) return errCode;
  if (site >= <u32>abi.MAX_SITES || depth > 26) return fail(abi.E_BAD_ARGUMENT, 0, depth);
  acted(d);
  return buildTree(d, site, depth) ? abi.OK : fail(abi.E_OUT_OF_MEMORY, site + abi.OOM_SITE_BIAS, 16);
}

// ── Goroutines and stacks ──────────────────────────────────────────────────

/** Starts a goroutine labelled `label` (0: none; below abi.MAX_LABELS); its id (≥ abi.MIN_VALID), or an error code. */
export function spawn(label: u32): u32 {
  if (label >= <u32>abi.MAX_LABELS) return <u32>fail(abi.E_BAD_ARGUMENT, 0, label);
  let g = spawnG(label);
  if (g < MIN_GOROUTINE_ID) fail(<i32>g, 0, g == <u32>abi.E_OUT_OF_MEMORY ? stackBytesWanted : 0);
  return g;
}

/** Records a stack operation's failure: out of memory names the bytes the stack wanted. */
function stackFail(rc: i32, g: u32): i32 {
  return fail(rc, 0, rc == abi.E_OUT_OF_MEMORY ? stackBytesWanted : g);
}

export function exit(g: u32): i32 {
  let d = look(g);
  if (d == 0) return errCode;
  acted(d);
  goroutineExiting(d);
  exitGoroutine(d);
  return abi.OK;
}

export function pushFrame(g: u32, slots: u32): i32 {
  let d = look(g);
  if (d == 0) return errCode;
  if (slots > 1 << 24) return fail(abi.E_SLOT_RANGE, 0, slots);
  let rc = pushF(d, slots);
  if (rc == abi.OK) acted(d);
  return rc == abi.OK ? rc : stackFail(rc, g);
}

export function popFrame(g: u32): i32 {
  let d = look(g);
  if (d == 0) return errCode;
  let rc = popF(d);
  if (rc == abi.OK) {
    acted(d);
    framePopped(d);
  }
  return rc == abi.OK ? rc : fail(rc, 0, g);
}

export function push(g: u32, p: usize): i32 {
  let d = look(g);
  if (d == 0) return errCode;
  if (checkRef(p) != abi.OK) return errCode;
  let rc = pushValue(d, p);
  if (rc == abi.OK) acted(d);
  return rc == abi.OK ? rc : stackFail(rc, g);
}

/** Pops the top value of g's top frame: the value (0 is nil), or an error code. */
export function pop(g: u32): usize {
  let d = look(g);
  if (d == 0) return lastCode();
  if (topSlots(d) == 0) return <usize>fail(abi.E_STACK_EMPTY, 0, 1);
  acted(d);
  return popValue(d);
}

/** Drops `n` values from g's top frame. */
export function drop(g: u32, n: u32): i32 {
  let d = look(g);
  if (d == 0) return errCode;
  if (n > topSlots(d)) return fail(abi.E_STACK_EMPTY, 0, n);
  acted(d);
  dropValues(d, n);
  return abi.OK;
}

export function setLocal(g: u32, i: u32, p: usize): i32 {
  let d = look(g);
  if (d == 0) return errCode;
  let a = slotAddress(d, i);
  if (a == 0) return fail(abi.E_SLOT_RANGE, 0, i);
  if (checkRef(p) != abi.OK) return errCode;
  acted(d);
  setSlot(d, a, p); // no write barrier: the stack rule of roots.ts
  return abi.OK;
}

/** Slot `i` of g's top frame: the value (0 is nil), or an error code. Read-only. */
export function getLocal(g: u32, i: u32): usize {
  let d = look(g);
  if (d == 0) return lastCode();
  let a = slotAddress(d, i);
  if (a == 0) return <usize>fail(abi.E_SLOT_RANGE, 0, i);
  return <usize>load<u32>(a);
}

/** Value `k` from the top of g's top frame (0 = top): the value, or an error code. Read-only. */
export function peek(g: u32, k: u32): usize {
  let d = look(g);
  if (d == 0) return lastCode();
  let a = topAddress(d, k);
  if (a == 0) return <usize>fail(abi.E_SLOT_RANGE, 0, k);
  return <usize>load<u32>(a);
}

/** Values in g's top frame, or −code. Read-only. */
export function frameSlots(g: u32): i32 {
  let d = look(g);
  return d == 0 ? -errCode : <i32>topSlots(d);
}

/** Frames on g's stack, or −code. Read-only. */
export function frames(g: u32): i32 {
  let d = look(g);
  return d == 0 ? -errCode : <i32>frameCount(d);
}

/** Words used on g's stack, or −code. Read-only. */
export function stackWords(g: u32): i32 {
  let d = look(g);
  return d == 0 ? -errCode : <i32>stackDepthWords(d);
}

// ── Globals and fields ─────────────────────────────────────────────────────

export function setGlobal(i: u32, p: usize): i32 {
  let a = globalAddress(i);
  if (a == 0) return fail(abi.E_GLOBAL_RANGE, 0, i);
  if (checkRef(p) != abi.OK) return errCode;
  writePointer(a, p);
  return abi.OK;
}

/** Global `i`: the value (0 is nil), or an error code. */
export function getGlobal(i: u32): usize {
  let a = globalAddress(i);
  if (a == 0) return <usize>fail(abi.E_GLOBAL_RANGE, 0, i);
  return <usize>load<u32>(a);
}

/** Stores `p` into pointer slot `i` of `obj`. */
export function writeField(obj: usize, i: u32, p: usize): i32 {
  if (checkObj(obj) != abi.OK) return errCode;
  if (i >= (load<u32>(obj, abi.HDR_META) & abi.NPTR_MASK)) return fail(abi.E_FIELD_RANGE, obj, i);
  if (checkRef(p) != abi.OK) return errCode;
  writePointer(obj + abi.HEADER_BYTES + (<usize>i << 2), p);
  return abi.OK;
}

/** Pointer slot `i` of `obj`: the value (0 is nil), or an error code. */
export function readField(obj: usize, i: u32): usize {
  if (checkObj(obj) != abi.OK) return lastCode();
  if (i >= (load<u32>(obj, abi.HDR_META) & abi.NPTR_MASK)) return <usize>fail(abi.E_FIELD_RANGE, obj, i);
  return <usize>load<u32>(obj + abi.HEADER_BYTES + (<usize>i << 2));
}

/** Address of `len` scalar bytes at `offset` in `obj`'s scalar area, or an error code. */
export function scalarAddress(obj: usize, offset: u32, len: u32): usize {
  if (checkObj(obj) != abi.OK) return lastCode();
  let nptr = load<u32>(obj, abi.HDR_META) & abi.NPTR_MASK;
  let scalar = load<u32>(obj, abi.HDR_SIZE) - (nptr << 2);
  if (<u64>offset + <u64>len > <u64>scalar) return <usize>fail(abi.E_SCALAR_RANGE, obj, offset);
  return obj + abi.HEADER_BYTES + (<usize>nptr << 2) + offset;
}

/** OK if `p` is a live object's start, else the reason (also recorded). */
export function checkHandle(p: usize): i32 {
  return checkObj(p);
}

// ── Collection, verification, statistics ───────────────────────────────────

/** runtime.GC(): any mark in progress finishes, a full cycle runs, and its sweep finishes. */
export function collect(): void { gcCollect(abi.TRIGGER_USER); }

/** Starts a cycle now, as if the trigger fired (stw runs it whole; concurrent strategies begin marking). */
export function startCycle(): void { gcTrigger(abi.TRIGGER_EXPLICIT); }

/** A safe point without allocation: goroutine g (0: none) ran for `units` of mutator time. */
export function yieldAt(g: u32, units: u32): i32 {
  let d: usize = 0;
  if (g != 0) {
    d = look(g);
    if (d == 0) return errCode;
    touch(d);
  }
  tick(<u64>units);
  if (mutatorClock >= ages.ageEnd) ages.ageAdvance(); // an epoch ended during the yield (ages.ts)
  safePoint(0, d);
  return abi.OK;
}

/** True while a mark is in progress. */
export function marking(): bool { return phase == PHASE_MARK; }

/** Sweeps every span now. */
export function sweepAll(): void { finishSweep(); }

/** Runs the verifier; returns lost objects. Results in the verify block. Read-only. */
export function verify(mode: i32): u32 {
  return verifyHeap(mode, false);
}

export function statsAddress(): usize { return statsBase; }
export function verifyAddress(): usize { return verifyBlockBase; }
export function profileAddress(): usize { return profileBase; }
export function cycleAddress(): usize { return cycleBase; }
export function heapBase(): usize { return arenaBase; }
export function heapEnd(): usize { return arenaBase + (<usize>mappedPages << 13); }

function put(i: i32, v: f64): void { store<f64>(statsBase + (<usize>i << 3), v); }
/** A byte count for the stats block; "none" becomes -1. */
function orNone(v: u64): f64 { return v == pacer.NO_GOAL ? -1 : <f64>v; }

/** Fills the stats block (src/abi.ts S_*), exact: what the caches hold uncounted is added in. Read-only. */
export function snapshotStats(): void {
  measureCaches();
  put(abi.S_CYCLES, <f64>cycles);
  put(abi.S_HEAP_ALLOC_BYTES, <f64>(heapAlloc + uncountedBytes));
  put(abi.S_HEAP_PEAK_BYTES, <f64>peakNow());
  put(abi.S_HEAP_MAPPED_BYTES, <f64>mappedPages * PAGE_SIZE);
  put(abi.S_HEAP_MAX_BYTES, <f64>maxPages * PAGE_SIZE);
  put(abi.S_MARKED_BYTES, <f64>markedBytes);
  put(abi.S_MARKED_OBJECTS, <f64>markedObjects);
  put(abi.S_OBJECTS_ALLOCATED, <f64>(objectsAllocated + uncountedObjects));
  put(abi.S_BYTES_ALLOCATED, <f64>(bytesAllocated + uncountedBytes));
  put(abi.S_OBJECTS_FREED, <f64>objectsFreed);
  put(abi.S_BYTES_FREED, <f64>bytesFreed);
  put(abi.S_HEAP_GOAL, orNone(pacer.heapGoal()));
  put(abi.S_STACK_BYTES, <f64>stackBytes);
  put(abi.S_GLOBALS_BYTES, <f64>(pacer.globalsScan));
  put(abi.S_SPANS_IN_USE, <f64>spansInUse);
  put(abi.S_PAGES_FREE, <f64>freePageCount);
  put(abi.S_PAUSE_TOTAL_NS, pauseTotalNs);
  put(abi.S_PAUSE_MAX_NS, pauseMaxNs);
  put(abi.S_WORDS_SCANNED, <f64>wordsScanned);
  put(abi.S_OBJECTS_SCANNED, <f64>objectsScanned);
  put(abi.S_QUEUE_OVERFLOWS, <f64>queueOverflows);
  put(abi.S_GOROUTINES, <f64>liveGoroutines);
  put(abi.S_UNSWEPT_SPANS, <f64>unsweptSpans);
  put(abi.S_GOGC, <f64>pacer.gcPercent);
  put(abi.S_SPANS_FREED, <f64>spansFreed);
  put(abi.S_PAGES_REUSED, <f64>pagesReused);
  put(abi.S_LOST_AT_MARK, <f64>lostAtMark);
  put(abi.S_HEAP_TRIGGER, orNone(pacer.heapTrigger(concurrent)));
  put(abi.S_HEAP_LIVE, <f64>pacer.heapLive);
  put(abi.S_HEAP_CORRUPTIONS, <f64>heapCorruptions);
  put(abi.S_FIRST_CORRUPTION, <f64>firstCorruption);
  put(abi.S_QUARANTINED_BYTES, <f64>quarantinedBytes);
  put(abi.S_MUTATOR_CLOCK, <f64>mutatorClock);
  put(abi.S_GC_WORK, <f64>gcWork);
  put(abi.S_FORCED_CYCLES, <f64>forcedCycles);
  put(abi.S_LIMITER_ENABLED, <f64>limiterEnabledCount);
  put(abi.S_GC_WORK_STW, <f64>gcWorkStw);
  put(abi.S_GC_WORK_BACKGROUND, <f64>gcWorkBackground);
  put(abi.S_GC_WORK_ASSIST, <f64>gcWorkAssist);
  put(abi.S_ESCAPE_TABLE_BYTES, <f64>tableBytes);
}

/** Fills the profile block: objects and bytes held live, per size class and per site. Read-only. */
export function heapProfile(): void {
  memory.fill(profileBase, 0, abi.PROFILE_SLOTS * 8);
  for (let c: u32 = 0; c < <u32>abi.NUM_CLASSES; c++) {
    for (let s = listHead(c); s != NONE; s = spanNext(s)) {
      let n = spanNelems(s);
      let elem = <f64>spanElemSize(s);
      let base = spanBase(s);
      for (let i: u32 = 0; i < n; i++) {
        if (!heldLive(s, i, abi.VERIFY_AGAINST_ALLOC)) continue;
        let site = load<u32>(base + <usize>i * spanElemSize(s), abi.HDR_META) >>> abi.SITE_SHIFT;
        addProfile(abi.PROFILE_CLASS_BASE + 2 * <i32>c, elem);
        addProfile(abi.PROFILE_SITE_BASE + 2 * <i32>site, elem);
      }
    }
  }
}

function addProfile(i: i32, bytes: f64): void {
  let a = profileBase + (<usize>i << 3);
  store<f64>(a, load<f64>(a) + 1);
  store<f64>(a + 8, load<f64>(a + 8) + bytes);
}

/** Slot bytes of the object at `p` (its size class, or its pages if large); 0 if not an object. */
export function slotBytes(p: usize): u32 {
  if (checkObj(p) != abi.OK) return 0;
  return spanElemSize(spanOf(p));
}

/** Size class for an object of `bytes` (header included); 0 = large. */
export function sizeClassOf(bytes: u32): u32 { return sizeToClass(bytes); }

/** Object bytes of class `c`, 0 for the large class or an unknown one. */
export function classBytes(c: u32): u32 { return c < <u32>abi.NUM_CLASSES ? classSize(c) : 0; }

// ── Inspection (inspect.ts): the heap map and the raw bits behind it. Read-only ──

export { heapMap, heapMapAddress, slotBits, greyQueueSize, greyQueueAt } from "./inspect";

// ── Per-site accounting (sites.ts) ─────────────────────────────────────────

/** The per-site allocation table: u64 objects and slot bytes per site, cumulative and exact. Read-only. */
export function siteAllocAddress(): usize { return siteAllocBase; }

/** The per-site live table of the last completed mark (exact from its EV_CYCLE until the next cycle starts). */
export function siteLiveAddress(): usize { return siteLiveBase; }

/** Sites below this may have a live entry. */
export function siteLiveEnd(): u32 { return liveSiteEnd; }

// ── Heap analysis (analysis.ts) ────────────────────────────────────────────

/**
 * Runs the heap analysis for `what` (abi ANALYZE_*): breadth-first
 * retainers, and with ANALYZE_DOMINATORS the dominator tree, retained sizes
 * and per-site unions. Returns the number of reachable objects, or −code:
 * out of memory when the side tables (16 bytes per reachable object) do not
 * fit in wasm32 (lastErrorArg: the bytes wanted); the heap is unchanged
 * either way. A fresh analysis that covers `what` is reused.
 */
export function analyze(what: u32): i32 {
  if (what == 0 || what > <u32>abi.ANALYZE_ALL) return -fail(abi.E_BAD_ARGUMENT, 0, what);
  let n = analysis.analyze(what);
  if (n < 0) return -fail(-n, 0, <u32>min<u64>(analysis.wantedBytes, 0xffffffff));
  return n;
}

/** What the last analysis computed, if the heap has not changed since (abi ANALYZE_*), else 0. */
export function analysisFresh(): u32 { return analysis.freshFlags(); }

/** Address of the analysis table or block `which` (abi AN_*), 0 if there is none. */
export function analysisAddress(which: u32): usize { return analysis.address(which); }

/** Dense index (1-based) of live object `p` in a fresh analysis that computed `what`, or 0 with the error recorded. */
function analysed(p: usize, what: u32): u32 {
  if (checkObj(p) != abi.OK) return 0;
  if (!analysis.fresh(what)) { fail(abi.E_STALE_ANALYSIS, p, what); return 0; }
  let a = analysis.denseIndex(p);
  if (a == 0) fail(abi.E_UNREACHABLE, p, 0);
  return a;
}

/** Index of `p` in the analysis tables (0 … N−1, address order), or −code. */
export function analysisIndex(p: usize): i32 {
  let a = analysed(p, abi.ANALYZE_RETAINERS);
  return a == 0 ? -errCode : <i32>(a - 1);
}

/** The immediate dominator of `p`: an object, 0 when only the roots as a whole dominate it, or an error code. */
export function analysisIdom(p: usize): usize {
  let a = analysed(p, abi.ANALYZE_DOMINATORS);
  return a == 0 ? lastCode() : analysis.idomOf(a);
}

/** Slot bytes `p` retains (its dominator subtree, itself included), or −code. */
export function analysisRetained(p: usize): f64 {
  let a = analysed(p, abi.ANALYZE_DOMINATORS);
  return a == 0 ? -<f64>errCode : <f64>analysis.retainedOf(a);
}

/** Fills the top block with the `k` (≤ abi.TOP_MAX) largest retainers; returns how many, or −code. */
export function analysisTop(k: u32): i32 {
  if (k > <u32>abi.TOP_MAX) return -fail(abi.E_BAD_ARGUMENT, 0, k);
  if (!analysis.fresh(abi.ANALYZE_DOMINATORS)) return -fail(abi.E_STALE_ANALYSIS, 0, abi.ANALYZE_DOMINATORS);
  return <i32>analysis.topRetainers(k);
}

/**
 * The shortest path from a root to `p`: steps [skip, skip + PATH_MAX_STEPS)
 * into the path block, root first. Returns the whole path's length, or −code
 * (E_UNREACHABLE: no root reaches `p`).
 */
export function analysisPath(p: usize, skip: u32): i32 {
  let a = analysed(p, abi.ANALYZE_RETAINERS);
  return a == 0 ? -errCode : <i32>analysis.retainerPath(p, a, skip);
}

// ── Root slots of the analysis (analysis.ts rootSlots): the heap snapshot's root edges ──

/**
 * Writes every root slot that holds a reachable object, as path-block steps
 * (abi AN_ROOTS), for a fresh analysis; returns how many, or −code
 * (E_STALE_ANALYSIS; E_OUT_OF_MEMORY when they do not fit, lastErrorArg the
 * bytes wanted).
 */
export function analysisRoots(): i32 {
  if (!analysis.fresh(abi.ANALYZE_RETAINERS)) return -fail(abi.E_STALE_ANALYSIS, 0, abi.ANALYZE_RETAINERS);
  let n = analysis.rootSlots();
  if (n < 0) return -fail(-n, 0, <u32>min<u64>(analysis.wantedBytes, 0xffffffff));
  return n;
}
/**
 * The shape of the shortest path from a root to `p`: runs of equal steps
 * folded into one entry with a count (analysis.ts, retainerShape); entries
 * [skip, skip + PATH_MAX_STEPS) into the path block, root first. Returns the
 * number of entries, or −code (E_UNREACHABLE: no root reaches `p`).
 */
export function analysisShape(p: usize, skip: u32): i32 {
  let a = analysed(p, abi.ANALYZE_RETAINERS);
  return a == 0 ? -errCode : <i32>analysis.retainerShape(p, a, skip);
}

// ── Allocation epochs (ages.ts) ────────────────────────────────────────────

/** Turns epoch tracking on (1: epoch 1 starts now) or off (0). OK, or E_OUT_OF_MEMORY when its planes do not fit wasm32. */
export function trackAges(on: u32): i32 {
  if (on > 1) return fail(abi.E_BAD_ARGUMENT, 0, on);
  return ages.setAges(on == 1) ? abi.OK : fail(abi.E_OUT_OF_MEMORY, 0, 0);
}

/** Counts the dated objects (per site those of epochs from … to) into the result block; returns how many are dated, or −code. */
export function agesCount(from: u32, to: u32): f64 {
  let n = ages.countAges(from, to);
  return n < 0 ? -<f64>fail(abi.E_OUT_OF_MEMORY, 0, 0) : n;
}

/** Address of the epoch result block's part `which` (abi AGES_*), 0 if there is none (tracking never ran). */
export function agesAddress(which: u32): usize { return ages.agesAddress(which); }

// ── Escapes (escapes.ts) ─────────────────────────────────────────────────────

/**
 * A new object stored into slot `i` of g's top frame and tracked as that
 * frame's local: when the frame is popped (or g exits), the first mark that
 * starts afterwards judges whether it escaped (escapes.ts). The slot's old
 * value is simply overwritten, as setLocal would. The handle, or an error code.
 */
export function allocLocal(g: u32, i: u32, site: u32, nptr: u32, scalarBytes: u32): usize {
  let d = look(g);
  if (d == 0) return lastCode();
  if (slotAddress(d, i) == 0) return <usize>fail(abi.E_SLOT_RANGE, 0, i);
  let bytes = objectBytes(site, nptr, scalarBytes);
  if (bytes == 0) return lastCode();
  acted(d);
  // The entry first: growing the table may collect, and must fail before the object exists.
  if (!reserveLocal()) return <usize>fail(abi.E_OUT_OF_MEMORY, 0, tableBytesWanted);
  let p = newObject(site, nptr, bytes, d);
  if (p == 0) return lastCode();
  // A new object: black during a mark, so no stack rule applies (as pushRaw). Stacks never move while allocating.
  store<u32>(slotAddress(d, i), <u32>p);
  addLocal(d, p);
  return p;
}

/** Per-site escape counters (abi ES_*), MAX_SITES rows. Read-only. */
export function escapeSitesAddress(): usize { return escapeSitesBase; }

/** The escape table's entries (abi LE_*), and the first entry of its sample list (NONE: empty). Read-only. */
export function escapeTableAddress(): usize { return tableAddress(); }
export function escapeSampleHead(): u32 { return sampleListHead(); }

// ── Goroutines (roots.ts) ────────────────────────────────────────────────────

/** The goroutine descriptor table (abi GD_*) and how many of its slots were ever used. Read-only. */
export function goroutineTable(): usize { return goroutineBase; }
export function goroutineCount(): u32 { return goroutineSlots(); }

/** The goroutine mask: one bit per goroutine slot, set by the host, read by reachableWithout and stackSites. */
export function goroutineMaskAddress(): usize { return goroutineMaskBase; }

/** Slot bytes reachable from the roots without the masked goroutines' stacks (analysis.ts). Makes the last analysis stale. */
export function reachableWithout(): f64 { return <f64>analysis.reachableWithout(); }

/** Reachable objects the last reachableWithout found. */
export function reachableObjectsWithout(): u32 { return analysis.lastReachedObjects(); }

/** The objects the masked goroutines' frames point to, per site, into the profile block; returns how many. Makes the last analysis stale. */
export function stackSites(): u32 { return analysis.stackSites(); }

// ── Fragmentation (spans.ts) ─────────────────────────────────────────────────

/** Fills the fragmentation block (abi FR_*); returns its address. Read-only. */
export function fragmentation(): usize {
  fillFragmentation(fragBase, freePageCount, maxPages - mappedPages, largestFreeRun());
  return fragBase;
}
