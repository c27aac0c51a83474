// Roots: goroutine stacks, the global array, and three pinned words.
//
// A goroutine owns a stack of u32 words in a SPAN_STACK span of the arena,
// grown by copying into a span twice the size (Go's copying stacks). Frames
// are linked through one header word holding the previous frame's index:
//
//   word:  0        1 … k       k+1       k+2 …        sp
//         [prev=∅][slots of f0][prev=0  ][slots of f1 ]  ← fp = k+1
//
// Slots above the top frame's header belong to the top frame, so push/pop of
// a value grows or shrinks it: that is how the host keeps constructor
// arguments rooted while an allocation may collect.
//
//   goroutine descriptor (G_BYTES = 64; the offsets are contract/abi.ts GD_*, the host reads them)
//   ├ +0 status  ├ +8  stack span   ├ +16 sp (words)  ├ +24 frames      ├ +32 cycle its stack was scanned in
//   └ +4 gen     └ +12 capacity     └ +20 fp           └ +28 next free   ├ +36 cycle it was written in after that scan
//                                                                         └ +40 assist credit, bytes (f64; Go's gcAssistBytes)
//   ├ +48 label (spawn's; 0 none)  ├ +52 cycle it was last acted as in  ├ +56 escape-candidate list (escapes.ts)  └ +60 stack base address
//
// Looking up a goroutine (lookup) has no effect at all: read-only queries
// never change a run. Acting as one (index.ts `acted`) records the cycle it
// acted in (touch: markCycle, the cycle in progress or the last one), so
// the host can say since when a goroutine has not run. Acting on one — pushing, storing into its frame —
// goes through stackWrite(), the only place where a stack write meets the
// collector. Stack writes take no write barrier (Go's rule), but while
// marking:
//   - a stack is black for cycle n once G_SCANNED == n, grey before;
//     greyStacks counts the stacks still grey this cycle: live unscanned
//     ones, and unscanned ones that exited during this mark (a value popped
//     from one may still be in the embedder's hands; exitGoroutine);
//   - dijkstra: a black stack that is written is dirty (G_DIRTY == n) and is
//     rescanned at mark termination;
//   - hybrid: a value stored into a black stack while some stack is grey may
//     have come from that grey stack — the embedder can move values between
//     goroutines as Go's `go f(x)` and channel sends do — so it is shaded on
//     the way (strategy.ts, shadeStackMoves).
// A goroutine spawned during a mark starts black: its stack is empty.
//
// The pins are three root words for values that are on no stack while an
// allocation may collect: allocWith's two initial field values, and a value
// being pushed while its push grows the stack. They are a root in every
// phase: scanned with the globals, in yuasa's snapshot, and again at every
// mark termination (3 words), and cleared through the deletion barrier.
//
// A goroutine id is gen << 16 | index with gen ≥ 1, so ids are never below
// 2^16 (the exports return error codes, which are smaller, in the same
// value) and an id kept after exit is caught when the slot is reused.

import { goroutineBase, maxGoroutines, globalsBase, globalsCount, G_BYTES, PAGE_SIZE, NONE } from "./layout";
import { releaseSpan, spanBase, spanPages, SPAN_STACK } from "./spans";
import { spanOrCollect } from "./alloc";
import { shade } from "./mark";
import {
  E_NO_GOROUTINE, E_GOROUTINE_EXITED, E_NO_FRAME, E_OUT_OF_MEMORY, E_TOO_MANY_GOROUTINES, OK, GD_STATUS, GD_GEN, GD_STACK, GD_CAP, GD_SP,
  GD_FP, GD_FRAMES, GD_NEXT, GD_SCANNED, GD_DIRTY, GD_ASSIST, GD_LABEL, GD_ACTED, GD_LOCALS, GD_STACK_BASE
} from "../contract/abi";
import { phase, markCycle, barrierOn, PHASE_MARK } from "./state";
import { rescanDirtyStacks, shadeStackMoves, shadeOld } from "./strategy";

// @ts-ignore: decorator
@inline const G_STATUS: usize = GD_STATUS;
// @ts-ignore: decorator
@inline const G_GEN: usize = GD_GEN;
// @ts-ignore: decorator
@inline const G_STACK: usize = GD_STACK;
// @ts-ignore: decorator
@inline const G_CAP: usize = GD_CAP;
// @ts-ignore: decorator
@inline const G_SP: usize = GD_SP;
// @ts-ignore: decorator
@inline const G_FP: usize = GD_FP;
// @ts-ignore: decorator
@inline const G_FRAMES: usize = GD_FRAMES;
// @ts-ignore: decorator
@inline const G_NEXT: usize = GD_NEXT;
// @ts-ignore: decorator
@inline const G_SCANNED: usize = GD_SCANNED;
// @ts-ignore: decorator
@inline const G_DIRTY: usize = GD_DIRTY;
// @ts-ignore: decorator
@inline const G_ASSIST: usize = GD_ASSIST;
// @ts-ignore: decorator
@inline const G_LABEL: usize = GD_LABEL;
// @ts-ignore: decorator
@inline const G_ACTED: usize = GD_ACTED;
// @ts-ignore: decorator
@inline export const G_LOCALS: usize = GD_LOCALS;
// @ts-ignore: decorator
@inline const G_STACK_BASE: usize = GD_STACK_BASE;
// @ts-ignore: decorator
@inline const STATUS_FREE: u32 = 0;
// @ts-ignore: decorator
@inline const STATUS_LIVE: u32 = 1;
// @ts-ignore: decorator
@inline const INITIAL_STACK_PAGES: u32 = 1;
/** The smallest goroutine id: anything below it returned by an export is an error code. */
// @ts-ignore: decorator
@inline export const MIN_GOROUTINE_ID: u32 = 1 << 16;

export let liveGoroutines: u32 = 0;
/** Live goroutines whose stacks are not yet scanned in this mark. */
export let greyStacks: u32 = 0;
/** Bytes the last stack allocation asked for (the detail of an out-of-memory failure). */
export let stackBytesWanted: u32 = 0;
/** Bytes of stack spans allocated to live goroutines (Go's maxStackScan). */
export let stackBytes: u64 = 0;
let usedSlots: u32 = 0; // descriptors ever handed out; beyond it, all are free
let freeList: u32 = NONE;

const PINS = memory.data(12);
// @ts-ignore: decorator
@inline export const PIN_FIELD0: u32 = 0;
// @ts-ignore: decorator
@inline export const PIN_FIELD1: u32 = 1;
// @ts-ignore: decorator
@inline const PIN_PUSH: u32 = 2;
// @ts-ignore: decorator
@inline export const PIN_WORDS: u32 = 3;

/** Holds `v` in pin `i` while an allocation may collect. */
export function pin(i: u32, v: usize): void {
  store<u32>(PINS + (<usize>i << 2), <u32>v);
}

/** Clears pin `i`; while marking under a deletion barrier the old value is shaded, as for any root slot. */
export function unpin(i: u32): void {
  let a = PINS + (<usize>i << 2);
  if (barrierOn && shadeOld) shade(<usize>load<u32>(a));
  store<u32>(a, 0);
}

/** Address of pin word `i` (the heap analysis names the root a retainer path starts from). */
export function pinSlot(i: u32): usize { return PINS + (<usize>i << 2); }

/** Visits the three pin words; returns words visited. */
export function scanPins(visit: (slot: usize) => void): u32 {
  for (let i: u32 = 0; i < PIN_WORDS; i++) visit(PINS + (<usize>i << 2));
  return PIN_WORDS;
}

// @ts-ignore: decorator
@inline function gdesc(index: u32): usize { return goroutineBase + <usize>index * G_BYTES; }

/** Descriptor of live goroutine `g`, or 0. No side effects: looking never changes a run. */
export function lookup(g: u32): usize {
  let index = g & 0xffff;
  if (index >= usedSlots) return 0;
  let d = gdesc(index);
  if (load<u32>(d, G_GEN) != (g >>> 16) || load<u32>(d, G_STATUS) != STATUS_LIVE) return 0;
  return d;
}

/** Why lookup(g) found no goroutine. */
export function lookupError(g: u32): i32 {
  let index = g & 0xffff;
  if (index >= usedSlots || load<u32>(gdesc(index), G_GEN) != (g >>> 16)) return E_NO_GOROUTINE;
  return E_GOROUTINE_EXITED;
}

/** True if goroutine `d`'s stack has been scanned in the current cycle (it is black). */
// @ts-ignore: decorator
@inline export function stackScanned(d: usize): bool { return load<u32>(d, G_SCANNED) == markCycle; }

/** Records that `d`'s stack was scanned in the current cycle. */
export function setStackScanned(d: usize): void {
  if (!stackScanned(d) && greyStacks > 0) greyStacks--;
  store<u32>(d, markCycle, G_SCANNED);
}

/** At mark start: every live stack is grey. */
export function greyAllStacks(): void { greyStacks = liveGoroutines; }

/** True if `d` was written after its stack was scanned in the current cycle. */
export function stackDirty(d: usize): bool { return load<u32>(d, G_DIRTY) == markCycle && stackScanned(d); }

/**
 * A pointer `p` is about to be stored into goroutine `d`'s stack. Outside a
 * mark this costs one branch; during one it applies the strategy's stack
 * rule (header comment).
 */
// @ts-ignore: decorator
@inline function stackWrite(d: usize, p: usize): void {
  if (phase != PHASE_MARK || p == 0 || !stackScanned(d)) return;
  if (rescanDirtyStacks) store<u32>(d, markCycle, G_DIRTY);
  if (shadeStackMoves && greyStacks > 0) shade(p);
}

/** Goroutine `d` is acting (an embedder call made as it): records the cycle, for "blocked since". One store. */
// @ts-ignore: decorator
@inline export function touch(d: usize): void { store<u32>(d, markCycle, G_ACTED); }

/** Goroutine table slots ever used; ids index below this. */
export function goroutineSlots(): u32 { return usedSlots; }

/** Descriptor of live goroutine at table index `i`, or 0. */
export function liveGoroutineAt(i: u32): usize {
  let d = gdesc(i);
  return load<u32>(d, G_STATUS) == STATUS_LIVE ? d : 0;
}

/** The id of goroutine descriptor `d`. */
export function goroutineId(d: usize): u32 {
  return (load<u32>(d, G_GEN) << 16) | <u32>((d - goroutineBase) / G_BYTES);
}

/** Goroutine `d`'s assist credit in bytes (negative: debt). */
// @ts-ignore: decorator
@inline export function assistCredit(d: usize): f64 { return load<f64>(d, G_ASSIST); }
// @ts-ignore: decorator
@inline export function setAssistCredit(d: usize, bytes: f64): void { store<f64>(d, bytes, G_ASSIST); }

/** Clears every goroutine's assist credit (Go's gcResetMarkState). */
export function resetAssistCredits(): void {
  for (let i: u32 = 0; i < usedSlots; i++) store<f64>(gdesc(i), 0, G_ASSIST);
}

// @ts-ignore: decorator
@inline function stackWords(d: usize): usize { return <usize>load<u32>(d, G_STACK_BASE); }

/** Starts a goroutine with one empty frame and label `label`. Returns its id (≥ MIN_GOROUTINE_ID), or an error code. */
export function spawn(label: u32): u32 {
  let index: u32;
  if (freeList != NONE) {
    index = freeList;
  } else if (usedSlots < maxGoroutines) {
    index = usedSlots;
  } else {
    return E_TOO_MANY_GOROUTINES;
  }
  let s = newStack(INITIAL_STACK_PAGES);
  if (s == NONE) return E_OUT_OF_MEMORY;
  let d = gdesc(index);
  if (index == freeList) freeList = load<u32>(d, G_NEXT); else usedSlots++;
  // Generation 0 is never used, so no id is below 2^16.
  let gen = (load<u32>(d, G_GEN) + 1) & 0xffff;
  if (gen == 0) gen = 1;
  store<u32>(d, STATUS_LIVE, G_STATUS);
  store<u32>(d, gen, G_GEN);
  setStack(d, s);
  store<u32>(d, INITIAL_STACK_PAGES * PAGE_SIZE / 4, G_CAP);
  store<u32>(spanBase(s), NONE); // frame 0 header: no previous frame
  store<u32>(d, 1, G_SP);
  store<u32>(d, 0, G_FP);
  store<u32>(d, 1, G_FRAMES);
  // Born during a mark, an empty stack is already black (nothing on it can be white).
  store<u32>(d, phase == PHASE_MARK ? markCycle : 0, G_SCANNED);
  store<u32>(d, 0, G_DIRTY);
  store<f64>(d, 0, G_ASSIST);
  store<u32>(d, label, G_LABEL);
  store<u32>(d, markCycle, G_ACTED);
  store<u32>(d, NONE, G_LOCALS);
  liveGoroutines++;
  stackBytes += INITIAL_STACK_PAGES * PAGE_SIZE;
  return (gen << 16) | index;
}

/**
 * Ends goroutine `d`: its stack stops being a root and its pages return.
 * An unscanned (grey) stack that exits during a mark still counts in
 * greyStacks until the mark ends: the embedder may hold a value it popped
 * from that stack (exit is no safe point) and store it on a black stack
 * later, and the hybrid stack rule must still shade it on the way. Counting
 * it down here lost such a value (tests/soundness-regressions.test.ts, 5).
 */
export function exitGoroutine(d: usize): void {
  let s = load<u32>(d, G_STACK);
  stackBytes -= <u64>spanPages(s) * PAGE_SIZE;
  releaseSpan(s);
  store<u32>(d, STATUS_FREE, G_STATUS);
  store<u32>(d, freeList, G_NEXT);
  freeList = <u32>((d - goroutineBase) / G_BYTES);
  liveGoroutines--;
}

/** Gives `d` stack span `s`: its index, and its base address, which every stack access reads (stackWords). */
function setStack(d: usize, s: u32): void {
  store<u32>(d, s, G_STACK);
  store<u32>(d, <u32>spanBase(s), G_STACK_BASE);
}

/** A stack span of `pages` pages, collecting first if the heap is full; NONE if it still does not fit. */
function newStack(pages: u32): u32 {
  stackBytesWanted = pages * PAGE_SIZE;
  return spanOrCollect(0, SPAN_STACK, pages);
}

/** Makes room for `n` more words, copying the stack to a span twice as large if needed. */
function ensure(d: usize, n: u32): i32 {
  let sp = load<u32>(d, G_SP);
  let cap = load<u32>(d, G_CAP);
  if (sp + n <= cap) return OK;
  let newCap = cap;
  while (newCap < sp + n) newCap <<= 1;
  let pages = newCap * 4 / PAGE_SIZE;
  // May collect: the old stack is still in place and consistent meanwhile.
  let s = newStack(pages);
  if (s == NONE) return E_OUT_OF_MEMORY;
  let old = load<u32>(d, G_STACK);
  memory.copy(spanBase(s), spanBase(old), <usize>sp << 2);
  stackBytes += <u64>(pages - spanPages(old)) * PAGE_SIZE;
  releaseSpan(old);
  setStack(d, s);
  store<u32>(d, newCap, G_CAP);
  return OK;
}

/** Pushes a frame of `n` nil slots on goroutine `d`. */
export function pushFrame(d: usize, n: u32): i32 {
  let rc = ensure(d, n + 1);
  if (rc != OK) return rc;
  let base = stackWords(d);
  let sp = load<u32>(d, G_SP);
  store<u32>(base + (<usize>sp << 2), load<u32>(d, G_FP));
  memory.fill(base + (<usize>(sp + 1) << 2), 0, <usize>n << 2);
  store<u32>(d, sp, G_FP);
  store<u32>(d, sp + 1 + n, G_SP);
  store<u32>(d, load<u32>(d, G_FRAMES) + 1, G_FRAMES);
  return OK;
}

/** Pops the top frame; the goroutine's first frame cannot be popped (exit instead). */
export function popFrame(d: usize): i32 {
  let fp = load<u32>(d, G_FP);
  if (fp == 0) return E_NO_FRAME;
  store<u32>(d, fp, G_SP);
  store<u32>(d, load<u32>(stackWords(d) + (<usize>fp << 2)), G_FP);
  store<u32>(d, load<u32>(d, G_FRAMES) - 1, G_FRAMES);
  return OK;
}

/**
 * Appends `p` to the top frame without the stack rule: for values that
 * cannot be white (an object just allocated black, or nil).
 */
// @ts-ignore: decorator
@inline export function pushRaw(d: usize, p: usize): i32 {
  let sp = load<u32>(d, G_SP);
  if (sp >= load<u32>(d, G_CAP)) {
    // Growing may collect, and `p` is on no stack yet: root it meanwhile.
    pin(PIN_PUSH, p);
    let rc = ensure(d, 1);
    unpin(PIN_PUSH);
    if (rc != OK) return rc;
  }
  store<u32>(stackWords(d) + (<usize>sp << 2), <u32>p);
  store<u32>(d, sp + 1, G_SP);
  return OK;
}

/**
 * True if the top frame holds at least `npop` values and, when `npop` is 0,
 * the stack has room for one more word without growing: the allocation fast
 * path's stack check (allocPush), one load of sp, fp and capacity each.
 */
// @ts-ignore: decorator
@inline export function frameRoom(d: usize, npop: u32): bool {
  let sp = load<u32>(d, G_SP);
  return npop < sp - load<u32>(d, G_FP) && (npop != 0 || sp < load<u32>(d, G_CAP));
}

/** Address of the deepest of the top `n` values of the top frame (frameRoom(d, n) holds). */
// @ts-ignore: decorator
@inline export function topValues(d: usize, n: u32): usize {
  return stackWords(d) + (<usize>(load<u32>(d, G_SP) - n) << 2);
}

/**
 * Replaces the top `n` values of the top frame with `p`, which cannot be
 * white (an object just allocated): no stack rule. frameRoom(d, n) held, so
 * the stack has room.
 */
// @ts-ignore: decorator
@inline export function replaceTop(d: usize, n: u32, p: usize): void {
  let sp = load<u32>(d, G_SP) - n;
  store<u32>(stackWords(d) + (<usize>sp << 2), <u32>p);
  store<u32>(d, sp + 1, G_SP);
}

/** Appends value `p` (any value the embedder holds) to the top frame. */
export function pushValue(d: usize, p: usize): i32 {
  stackWrite(d, p);
  return pushRaw(d, p);
}

/** Stores `p` into the stack word at `slot` of goroutine `d` (a slot of its top frame). */
export function setSlot(d: usize, slot: usize, p: usize): void {
  stackWrite(d, p);
  store<u32>(slot, <u32>p);
}

/** Slots in the top frame. */
// @ts-ignore: decorator
@inline export function topSlots(d: usize): u32 { return load<u32>(d, G_SP) - load<u32>(d, G_FP) - 1; }

/** Address of slot `i` of the top frame, or 0 if out of range. */
export function slotAddress(d: usize, i: u32): usize {
  if (i >= topSlots(d)) return 0;
  return stackWords(d) + (<usize>(load<u32>(d, G_FP) + 1 + i) << 2);
}

/** Address of the `k`-th value from the top of the top frame (k = 0 is the top), or 0. */
export function topAddress(d: usize, k: u32): usize {
  if (k >= topSlots(d)) return 0;
  return stackWords(d) + (<usize>(load<u32>(d, G_SP) - 1 - k) << 2);
}

/** Drops `n` values from the top frame (caller checked n ≤ topSlots). */
// @ts-ignore: decorator
@inline export function dropValues(d: usize, n: u32): void {
  store<u32>(d, load<u32>(d, G_SP) - n, G_SP);
}

/** Pops and returns the top value (caller checked the frame is not empty). */
export function popValue(d: usize): usize {
  let sp = load<u32>(d, G_SP) - 1;
  store<u32>(d, sp, G_SP);
  return <usize>load<u32>(stackWords(d) + (<usize>sp << 2));
}

export function frameCount(d: usize): u32 { return load<u32>(d, G_FRAMES); }
export function stackDepthWords(d: usize): u32 { return load<u32>(d, G_SP); }
/** Bytes of `d`'s stack in use, frame headers included (Go's scannedSize = hi − sp). */
export function stackUsedBytes(d: usize): u64 { return <u64>load<u32>(d, G_SP) << 2; }

/** Address of global `i`, or 0 if out of range. */
export function globalAddress(i: u32): usize {
  return i < globalsCount ? globalsBase + (<usize>i << 2) : 0;
}

/**
 * Calls `visit` on every root slot's address: globals, the pins, then every
 * live goroutine's stack words, skipping frame headers. Returns words visited.
 */
export function forEachRoot(visit: (slot: usize) => void): u64 {
  let words = <u64>forEachGlobal(visit);
  for (let index: u32 = 0; index < usedSlots; index++) {
    let d = gdesc(index);
    if (load<u32>(d, G_STATUS) != STATUS_LIVE) continue;
    words += scanStack(d, visit);
  }
  return words;
}

/**
 * forEachRoot without the stacks of the goroutines whose table index has its
 * bit set in the bitmap at `mask` (1 bit per goroutine slot): what is
 * reachable when those goroutines are gone (analysis.ts).
 */
export function forEachRootExcept(mask: usize, visit: (slot: usize) => void): u64 {
  let words = <u64>forEachGlobal(visit);
  for (let index: u32 = 0; index < usedSlots; index++) {
    let d = gdesc(index);
    if (load<u32>(d, G_STATUS) != STATUS_LIVE) continue;
    if (inMask(mask, index)) continue;
    words += scanStack(d, visit);
  }
  return words;
}

/** True if goroutine slot `index`'s bit is set in the bitmap at `mask`. */
// @ts-ignore: decorator
@inline export function inMask(mask: usize, index: u32): bool {
  return (load<u64>(mask + ((<usize>index >> 6) << 3)) & (<u64>1 << (index & 63))) != 0;
}

/** The table index of goroutine descriptor `d`. */
// @ts-ignore: decorator
@inline export function goroutineIndex(d: usize): u32 { return <u32>((d - goroutineBase) / G_BYTES); }

/** Visits the global roots and the pins; returns words visited. */
export function forEachGlobal(visit: (slot: usize) => void): u32 {
  for (let i: u32 = 0; i < globalsCount; i++) visit(globalsBase + (<usize>i << 2));
  return globalsCount + scanPins(visit);
}

/** Visits the slot words of goroutine `d`'s stack, frame by frame; returns words visited. */
export function scanStack(d: usize, visit: (slot: usize) => void): u32 {
  let base = stackWords(d);
  let end = load<u32>(d, G_SP);
  let f = load<u32>(d, G_FP);
  let words: u32 = 0;
  while (f != NONE) {
    for (let w = f + 1; w < end; w++) visit(base + (<usize>w << 2));
    words += end - f - 1;
    end = f;
    f = load<u32>(base + (<usize>f << 2));
  }
  return words;
}

/** The stack span of goroutine `d` (read-only: the heap map, inspect.ts). */
export function stackSpanOf(d: usize): u32 { return load<u32>(d, G_STACK); }

/** Set by describeStackSlot: the goroutine, its frame (0 = the first) and the slot in that frame. */
export let slotGoroutine: u32 = 0;
export let slotFrame: u32 = 0;
export let slotInFrame: u32 = 0;

/**
 * Names the stack word at address `a` (a root slot the heap analysis
 * recorded): true, with slotGoroutine/slotFrame/slotInFrame set, if it is a
 * slot of some live goroutine's frame; false otherwise (a frame header, a
 * word above the stack pointer, not a stack). Read-only.
 */
export function describeStackSlot(a: usize): bool {
  for (let index: u32 = 0; index < usedSlots; index++) {
    let d = gdesc(index);
    if (load<u32>(d, G_STATUS) != STATUS_LIVE) continue;
    let base = stackWords(d);
    let sp = load<u32>(d, G_SP);
    if (a < base || a >= base + (<usize>sp << 2) || (a & 3) != 0) continue;
    let w = <u32>((a - base) >> 2);
    let f = load<u32>(d, G_FP);
    let above: u32 = 0;
    while (f != NONE && f > w) {
      f = load<u32>(base + (<usize>f << 2));
      above++;
    }
    if (f == NONE || f == w) return false;
    slotGoroutine = goroutineId(d);
    slotFrame = load<u32>(d, G_FRAMES) - 1 - above;
    slotInFrame = w - f - 1;
    return true;
  }
  return false;
}

// ── Stack slots by frame (the heap snapshot's root edges, analysis.ts rootSlots) ──

/**
 * Visits the slot words of goroutine `d`'s stack with their frame (0 = the
 * first, the bottom of the stack) and index within that frame, top frame
 * first: the order scanStack visits them in. Read-only.
 */
export function scanStackFrames(d: usize, visit: (slot: usize, frame: u32, index: u32) => void): void {
  let base = stackWords(d);
  let end = load<u32>(d, G_SP);
  let f = load<u32>(d, G_FP);
  let frame = load<u32>(d, G_FRAMES);
  while (f != NONE) {
    frame--;
    for (let w = f + 1; w < end; w++) visit(base + (<usize>w << 2), frame, w - f - 1);
    end = f;
    f = load<u32>(base + (<usize>f << 2));
  }
}
