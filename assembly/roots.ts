// Roots: goroutine stacks, the global array, and two pinned registers.
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
// arguments rooted while an allocation may collect. Stack writes take no
// barrier (Go's rule); the marker scans stacks as roots.
//
//   goroutine descriptor (G_BYTES = 48)
//   ├ +0 status  ├ +8  stack span   ├ +16 sp (words)  ├ +24 frames      ├ +32 cycle its stack was scanned in
//   └ +4 gen     └ +12 capacity     └ +20 fp           └ +28 next free   └ +36 cycle it ran in after that scan
//
// Scan state: a stack is black for cycle n once G_SCANNED == n; grey before.
// Under dijkstra a black stack that runs again is dirty (G_DIRTY == n) and
// must be rescanned at mark termination. A goroutine "runs" whenever the
// embedder API acts on it (resolve), which is also how the current goroutine
// — the one the hybrid barrier asks about — is tracked.
//
// A goroutine id is gen << 16 | index, so an id kept after exit is caught
// when the slot is reused instead of silently naming another goroutine.

import { goroutineBase, maxGoroutines, globalsBase, globalsCount, G_BYTES, PAGE_SIZE, NONE } from "./layout";
import { releaseSpan, spanBase, spanPages, SPAN_STACK } from "./spans";
import { spanOrCollect } from "./alloc";
import { E_NO_GOROUTINE, E_GOROUTINE_EXITED, E_NO_FRAME, E_SLOT_RANGE, E_STACK_EMPTY, E_OUT_OF_MEMORY, E_TOO_MANY_GOROUTINES, OK, STRATEGY_DIJKSTRA } from "../src/abi";
import { phase, strategy, markCycle, setCurG, tick, PHASE_MARK } from "./state";

// @ts-ignore: decorator
@inline const G_STATUS: usize = 0;
// @ts-ignore: decorator
@inline const G_GEN: usize = 4;
// @ts-ignore: decorator
@inline const G_STACK: usize = 8;
// @ts-ignore: decorator
@inline const G_CAP: usize = 12;
// @ts-ignore: decorator
@inline const G_SP: usize = 16;
// @ts-ignore: decorator
@inline const G_FP: usize = 20;
// @ts-ignore: decorator
@inline const G_FRAMES: usize = 24;
// @ts-ignore: decorator
@inline const G_NEXT: usize = 28;
// @ts-ignore: decorator
@inline const G_SCANNED: usize = 32;
// @ts-ignore: decorator
@inline const G_DIRTY: usize = 36;
// @ts-ignore: decorator
@inline const STATUS_FREE: u32 = 0;
// @ts-ignore: decorator
@inline const STATUS_LIVE: u32 = 1;
// @ts-ignore: decorator
@inline const INITIAL_STACK_PAGES: u32 = 1;

export let liveGoroutines: u32 = 0;
/** Bytes the last stack allocation asked for (reported with out of memory). */
export let stackBytesWanted: u32 = 0;
export let stackBytes: u64 = 0;
let usedSlots: u32 = 0; // descriptors ever handed out; beyond it, all are free
let freeList: u32 = NONE;
/**
 * Three extra root words: allocWith's two initial field values, and a value
 * being pushed while its push grows the stack — each held while it may collect.
 */
const PINS = memory.data(12);
export function setPins(a: usize, b: usize): void {
  store<u32>(PINS, <u32>a);
  store<u32>(PINS, <u32>b, 4);
}

// @ts-ignore: decorator
@inline function gdesc(index: u32): usize { return goroutineBase + <usize>index * G_BYTES; }

/** Descriptor address of goroutine id `g`, or 0 with the error code in `gError`. */
export let gError: i32 = OK;
export function resolve(g: u32): usize {
  let index = g & 0xffff;
  if (index >= usedSlots) { gError = E_NO_GOROUTINE; return 0; }
  let d = gdesc(index);
  if (load<u32>(d, G_GEN) != (g >>> 16)) { gError = E_NO_GOROUTINE; return 0; }
  if (load<u32>(d, G_STATUS) != STATUS_LIVE) { gError = E_GOROUTINE_EXITED; return 0; }
  setCurG(d);
  tick(1); // a stack operation's worth of mutator time
  // Dijkstra protects only heap writes: a scanned stack that runs may now hold a white pointer.
  if (phase == PHASE_MARK && strategy == STRATEGY_DIJKSTRA && load<u32>(d, G_SCANNED) == markCycle) store<u32>(d, markCycle, G_DIRTY);
  return d;
}

/** True if goroutine `d`'s stack has been scanned in the current cycle (it is black). */
// @ts-ignore: decorator
@inline export function stackScanned(d: usize): bool { return load<u32>(d, G_SCANNED) == markCycle; }

/** Records that `d`'s stack was scanned in the current cycle. */
export function setStackScanned(d: usize): void { store<u32>(d, markCycle, G_SCANNED); }

/** True if `d` ran after its stack was scanned in the current cycle. */
export function stackDirty(d: usize): bool { return load<u32>(d, G_DIRTY) == markCycle && stackScanned(d); }

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

// @ts-ignore: decorator
@inline function stackWords(d: usize): usize { return spanBase(load<u32>(d, G_STACK)); }

/** Starts a goroutine with one empty frame. Returns its id, or 0 with gError set. */
export function spawn(): u32 {
  let index: u32;
  if (freeList != NONE) {
    index = freeList;
  } else if (usedSlots < maxGoroutines) {
    index = usedSlots;
  } else {
    gError = E_TOO_MANY_GOROUTINES;
    return 0;
  }
  let s = newStack(INITIAL_STACK_PAGES);
  if (s == NONE) { gError = E_OUT_OF_MEMORY; return 0; }
  let d = gdesc(index);
  if (index == freeList) freeList = load<u32>(d, G_NEXT); else usedSlots++;
  // Generation 0 is never used, so no id is 0 (0 is the error value).
  let gen = (load<u32>(d, G_GEN) + 1) & 0xffff;
  if (gen == 0) gen = 1;
  store<u32>(d, STATUS_LIVE, G_STATUS);
  store<u32>(d, gen, G_GEN);
  store<u32>(d, s, G_STACK);
  store<u32>(d, INITIAL_STACK_PAGES * PAGE_SIZE / 4, G_CAP);
  store<u32>(spanBase(s), NONE); // frame 0 header: no previous frame
  store<u32>(d, 1, G_SP);
  store<u32>(d, 0, G_FP);
  store<u32>(d, 1, G_FRAMES);
  // Born during a mark, an empty stack is already black (nothing on it can be white).
  store<u32>(d, phase == PHASE_MARK ? markCycle : 0, G_SCANNED);
  store<u32>(d, 0, G_DIRTY);
  liveGoroutines++;
  stackBytes += INITIAL_STACK_PAGES * PAGE_SIZE;
  return (gen << 16) | index;
}

/** Ends goroutine `d`: its stack stops being a root and its pages return. */
export function exitGoroutine(d: usize): void {
  let s = load<u32>(d, G_STACK);
  stackBytes -= <u64>spanPages(s) * PAGE_SIZE;
  releaseSpan(s);
  store<u32>(d, STATUS_FREE, G_STATUS);
  store<u32>(d, freeList, G_NEXT);
  freeList = <u32>((d - goroutineBase) / G_BYTES);
  liveGoroutines--;
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
  store<u32>(d, s, G_STACK);
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

/** Appends value `p` to the top frame. */
// @ts-ignore: decorator
@inline export function pushValue(d: usize, p: usize): i32 {
  let sp = load<u32>(d, G_SP);
  if (sp >= load<u32>(d, G_CAP)) {
    // Growing may collect, and `p` is on no stack yet: root it meanwhile.
    store<u32>(PINS, <u32>p, 8);
    let rc = ensure(d, 1);
    store<u32>(PINS, 0, 8);
    if (rc != OK) return rc;
  }
  store<u32>(stackWords(d) + (<usize>sp << 2), <u32>p);
  store<u32>(d, sp + 1, G_SP);
  return OK;
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

/** Pops and returns the top value; 0 with gError = E_STACK_EMPTY if the frame is empty. */
export function popValue(d: usize): usize {
  if (topSlots(d) == 0) { gError = E_STACK_EMPTY; return 0; }
  let sp = load<u32>(d, G_SP) - 1;
  store<u32>(d, sp, G_SP);
  return <usize>load<u32>(stackWords(d) + (<usize>sp << 2));
}

export function frameCount(d: usize): u32 { return load<u32>(d, G_FRAMES); }
export function stackDepthWords(d: usize): u32 { return load<u32>(d, G_SP); }

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

/** Visits the global roots and the two pins; returns words visited. */
export function forEachGlobal(visit: (slot: usize) => void): u32 {
  for (let i: u32 = 0; i < globalsCount; i++) visit(globalsBase + (<usize>i << 2));
  visit(PINS);
  visit(PINS + 4);
  visit(PINS + 8);
  return globalsCount + 3;
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

