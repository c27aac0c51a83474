// Allocation epochs: roughly when each object that exists was allocated, on
// the mutator clock, kept without a single instruction on the allocation
// fast path. It answers memlab's leak question — which objects allocated
// in the middle third of the run are still alive at the end — for any run
// length, decided only at the end.
//
// Each object slot has a 4-bit epoch e: 0 = no object (or not tagged yet),
// 1 … 15 = allocated in epoch e, where epoch e spans mutator-clock units
// [start + (e−1)·len, start + e·len). The four bits live in four bit planes
// laid out like the alloc and mark bitmaps, so one u64 of each covers the
// same 64 slots as one word of the span's bitmaps:
//
//   planes (AGE_PAGE_BYTES = 256 per arena page, above the arena, lazily grown)
//   span s, bitmap word w (slots 64w … 64w+63):
//     bit k of e for those slots = u64 at planesBase + s·256 + w·32 + k·8
//
// Tags are written at two moments, never per object:
//
//   tick (ageAdvance), at the first allocation slow path (span refill, large
//     object) or yield after the clock passes the current epoch's end: every object
//     span's allocated slot with e = 0 gets the epoch that is ending. Spans
//     not yet swept this cycle are read through their mark bits instead
//     (their alloc bits still hold last cycle's dead; nothing is allocated in
//     them before they are swept). Debug core: quarantined slots have their
//     alloc bit set but hold no object, and are left out.
//   the sweep of each span (ageSweep), the mark's verdict applied span by
//     span: every slot the mark did not reach gets e = 0 — the sweep is
//     about to free it — and every marked slot with e = 0 (allocated since
//     the last tick) gets the epoch that was current at mark termination
//     (ageMark only records it). A span's mark bits hold that verdict until
//     its sweep, so the work is the sweep's, amortized over allocation as
//     Go's sweeping is, and never inside the stop-the-world pause: done at
//     mark termination it was a pass over every object span in the pause
//     (~1 ms at churn's 1 M live objects, growing with the heap). Readers
//     (countAges) first apply it to the spans still unswept; it is idempotent.
//
// So a slot's tag always belongs to the object in it now: a slot is reused
// only after a sweep freed it, and that sweep cleared its tag first; the new
// object is tagged at the next tick. A span is freed only when none of its
// slots was marked, so the planes of free pages and of stack spans stay 0
// without being visited. The approximation is in time only: an object is
// dated by the tick that saw it first, which comes at most one span refill
// (of any class) after the epoch ended.
//
// When the clock would enter epoch 16, pairs of epochs merge: len doubles
// and every tag becomes ⌈e/2⌉ (bit-sliced: (e + 1) >> 1 over the planes),
// so at any moment 8 to 15 epochs of equal length cover the run, and the
// thirds of a run of any length are resolved to within half an epoch (at
// most 1/14 of the run).
//
// Cost: nothing on the fast path; the slow path and yields compare the clock
// with the epoch's end (one load and branch per span refill; while tracking
// is off the end is u64.MAX, so it never fires). Measured on allocList
// (16-byte objects, warm heap, release core, 60 interleaved samples against
// the build before this module): no difference above noise, tracking off or
// on (minimum 9.14 ns/object before, 8.78 off, 9.03 on). Each tick reads
// every object span's bitmap once (4 plane words per 64 slots): a few ms per
// GiB of mapped heap, on the allocation slow path, once per epoch; the
// mark's verdict costs each sweep of a span the same four plane words per 64
// slots, and mark termination one store. Memory: 256 bytes per mapped
// arena page (3.1% of the mapped heap; 0.5 byte per 16-byte slot), grown
// with the arena on the allocation slow path (ageCover), in a region above
// it that the arena never maps, plus the fixed result block. Nothing is allocated until trackAges(1).

import { agesBase, agesPlanesBase, agesLimit, AGE_PAGE_BYTES, WASM_PAGE, NONE } from "./layout";
import { mappedPages } from "./pages";
import {
  allocBits, markBits, quarantineBits, spanBase, spanElemSize, spanNelems, spanNext, spanPages, listHead, isSwept
} from "./spans";
import { mutatorClock } from "./state";
import { memoryGrown } from "./host";
import * as abi from "../contract/abi";

// @ts-ignore: decorator
@inline const MAX_EPOCH: u64 = 15;
/** Length of the first epochs: 2^16 clock units (≈ 256 KiB allocated). */
// @ts-ignore: decorator
@inline const FIRST_LENGTH: u64 = 1 << 16;

/** Tracking is on. */
export let agesOn: bool = false;
/** Clock at which the current epoch ends (u64.MAX while off: the slow path's one comparison never fires). */
export let ageEnd: u64 = u64.MAX_VALUE;
let ageEpoch: u64 = 1;
let ageLength: u64 = FIRST_LENGTH;
let ageStart: u64 = 0;
let ticks: u64 = 0;
let merges: u64 = 0;
/** The epoch current at the last mark termination, which each span's sweep gives its marked, untagged slots (0: none). */
let markEpoch: u64 = 0;
/** Bytes of the planes made usable so far (memory grown up to agesPlanesBase + this). */
let planeBytes: u64 = 0;

// @ts-ignore: decorator
@inline function planeWord(s: u32, w: u32): usize {
  return agesPlanesBase + <usize>s * <usize>AGE_PAGE_BYTES + (<usize>w << 5);
}

/** Makes the result block and the planes of every mapped page usable; false if memory cannot grow. */
function ensurePlanes(): bool {
  let want = <u64>mappedPages * AGE_PAGE_BYTES;
  if (want <= planeBytes && planeBytes > 0) return true;
  let end = <u64>agesPlanesBase + want;
  if (agesBase == 0 || end > <u64>agesLimit) return false;
  let have = <u64>memory.size() * WASM_PAGE;
  if (end > have) {
    if (memory.grow(<i32>((end - have + WASM_PAGE - 1) / WASM_PAGE)) < 0) return false;
    memoryGrown();
  }
  planeBytes = want;
  return true;
}

/**
 * Tags one bitmap word's worth of slots: `present` are the slots holding an
 * object now; with `untag`, every slot not in it loses its tag first.
 */
// @ts-ignore: decorator
@inline function tagWord(pw: usize, present: u64, tag: u64, untag: bool): void {
  let p0 = load<u64>(pw);
  let p1 = load<u64>(pw, 8);
  let p2 = load<u64>(pw, 16);
  let p3 = load<u64>(pw, 24);
  if (untag) {
    p0 &= present; p1 &= present; p2 &= present; p3 &= present;
  }
  let fresh = present & ~(p0 | p1 | p2 | p3);
  if (tag & 1) p0 |= fresh;
  if (tag & 2) p1 |= fresh;
  if (tag & 4) p2 |= fresh;
  if (tag & 8) p3 |= fresh;
  store<u64>(pw, p0);
  store<u64>(pw, p1, 8);
  store<u64>(pw, p2, 16);
  store<u64>(pw, p3, 24);
}

/** Tags span `s`: through its mark bits with untagging (the mark's verdict, `atMark`), else as a tick does. */
function tagSpan(s: u32, tag: u64, atMark: bool): void {
  if (!ASC_NO_ASSERT) assert(<u64>(s + spanPages(s)) * AGE_PAGE_BYTES <= planeBytes, "an object span outside the epoch planes");
  let words = (spanNelems(s) + 63) >> 6;
  let viaMark = atMark || !isSwept(s);
  let bits = viaMark ? markBits(s) : allocBits(s);
  for (let w: u32 = 0; w < words; w++) {
    let present = load<u64>(bits + (<usize>w << 3));
    if (!ASC_NO_ASSERT && !viaMark) present &= ~load<u64>(quarantineBits(s) + (<usize>w << 3));
    tagWord(planeWord(s, w), present, tag, atMark);
  }
}

/** Tags every object span as a tick does, or (`verdict`) applies the mark's verdict to every span not yet swept. */
function tagSpans(tag: u64, verdict: bool): void {
  for (let c: u32 = 0; c < <u32>abi.NUM_CLASSES; c++) {
    for (let s = listHead(c); s != NONE; s = spanNext(s)) if (!verdict || !isSwept(s)) tagSpan(s, tag, verdict);
  }
}

/** A tick's pass over every object span. */
function tagAll(tag: u64): void {
  if (!ensurePlanes()) { stop(); return; }
  tagSpans(tag, false);
}

/** Applies the last mark's verdict to every span not yet swept (a reader needs every tag current). */
function catchUp(): void {
  if (markEpoch != 0) tagSpans(markEpoch, true);
}

/** Every tag e becomes ⌈e/2⌉: (e + 1) >> 1, bit-sliced over the four planes of every object span. */
function mergeEpochs(): void {
  for (let c: u32 = 0; c < <u32>abi.NUM_CLASSES; c++) {
    let s = listHead(c);
    while (s != NONE) {
      let words = (spanNelems(s) + 63) >> 6;
      for (let w: u32 = 0; w < words; w++) {
        let pw = planeWord(s, w);
        let p0 = load<u64>(pw);
        let p1 = load<u64>(pw, 8);
        let p2 = load<u64>(pw, 16);
        let p3 = load<u64>(pw, 24);
        // e + 1: a ripple-carry add of 1 across the planes; then drop bit 0.
        let c0 = p0;
        let s1 = p1 ^ c0;
        let c1 = p1 & c0;
        let s2 = p2 ^ c1;
        let c2 = p2 & c1;
        let s3 = p3 ^ c2;
        let c3 = p3 & c2;
        store<u64>(pw, s1);
        store<u64>(pw, s2, 8);
        store<u64>(pw, s3, 16);
        store<u64>(pw, c3, 24);
      }
      s = spanNext(s);
    }
  }
  markEpoch = (markEpoch + 1) >> 1; // the pending verdict's epoch merges with the rest (0 stays 0)
  merges++;
}

function stop(): void {
  agesOn = false;
  ageEnd = u64.MAX_VALUE;
}

/** The epoch the clock is in now, merging epochs until it is at most 15. */
function enterCurrentEpoch(): void {
  let e = (mutatorClock - ageStart) / ageLength + 1;
  while (e > MAX_EPOCH) {
    mergeEpochs();
    ageLength <<= 1;
    e = (mutatorClock - ageStart) / ageLength + 1;
  }
  ageEpoch = e;
  ageEnd = ageStart + e * ageLength;
}

/** The clock passed the current epoch's end: date what was allocated in it, and move on. */
export function ageAdvance(): void {
  if (!agesOn) return;
  ticks++;
  tagAll(ageEpoch);
  if (agesOn) enterCurrentEpoch();
}

/**
 * Mark termination, before any sweep: records the epoch each span's sweep
 * will give the marked slots that have none (ageSweep). O(1) in the pause;
 * an epoch that has just ended is closed by the next tick, outside it.
 */
export function ageMark(): void {
  if (agesOn) markEpoch = ageEpoch; // the planes already cover every object span (ageCover): nothing grows in the pause
}

/**
 * The allocation slow path made or took an object span: make sure the planes
 * cover it. Planes grow here, with the arena, and never at mark termination
 * (a memory.grow in the pause cost ~3 ms at churn's 1 M live objects).
 */
// @ts-ignore: decorator
@inline export function ageCover(): void {
  if (agesOn && <u64>mappedPages * AGE_PAGE_BYTES > planeBytes && !ensurePlanes()) stop();
}

/** Span `s` is about to be swept: untag what the last mark did not reach, date what is new (its mark bits are the verdict). */
// @ts-ignore: decorator
@inline export function ageSweep(s: u32): void {
  if (agesOn) tagSpan(s, markEpoch, true);
}

/**
 * Turns tracking on (from the clock's present: epoch 1 starts now, and the
 * objects that exist now are dated to it) or off. Returns false when the
 * planes do not fit in wasm32 memory (tracking stays off).
 */
export function setAges(on: bool): bool {
  if (!on) { stop(); return true; }
  if (!ensurePlanes()) return false;
  memory.fill(agesPlanesBase, 0, <usize>planeBytes);
  agesOn = true;
  ageStart = mutatorClock;
  ageLength = FIRST_LENGTH;
  ageEpoch = 1;
  ageEnd = ageStart + ageLength;
  ticks = 0;
  merges = 0;
  markEpoch = 0; // spans still unswept keep their alloc bits' view: the tick below dates them through their mark bits
  tagAll(1);
  return agesOn;
}

// ── The result block ─────────────────────────────────────────────────────────
//   sites   MAX_SITES × AGES_SITE_SLOTS f64   objects, slot bytes dated in [from, to]
//   epochs  16 × 2 f64                        every dated object: objects, slot bytes per epoch (0 unused)
//   info    AGES_INFO_SLOTS f64               AGI_*

// @ts-ignore: decorator
@inline function siteSlot(site: u32, k: u32): usize { return agesBase + ((<usize>site * abi.AGES_SITE_SLOTS + k) << 3); }
// @ts-ignore: decorator
@inline function epochSlot(e: u32, k: u32): usize { return agesBase + ((<usize>abi.MAX_SITES * abi.AGES_SITE_SLOTS + (<usize>e << 1) + k) << 3); }
// @ts-ignore: decorator
@inline function infoSlot(i: i32): usize { return agesBase + ((<usize>abi.MAX_SITES * abi.AGES_SITE_SLOTS + 32 + <usize>i) << 3); }
// @ts-ignore: decorator
@inline function bump(a: usize, by: f64): void { store<f64>(a, load<f64>(a) + by); }

/** The result block's part `which` (abi AGES_*), 0 when there is none. */
export function agesAddress(which: u32): usize {
  if (agesBase == 0 || planeBytes == 0) return 0;
  switch (which) {
    case abi.AGES_SITES: return siteSlot(0, 0);
    case abi.AGES_EPOCHS: return epochSlot(0, 0);
    case abi.AGES_INFO: return infoSlot(0);
    default: return 0;
  }
}

/**
 * Counts the dated objects per site whose epoch is in [from, to], and every
 * dated object per epoch, into the result block; fills the info slots.
 * Changes nothing else: objects allocated since the last tick are not dated
 * yet and not counted. Returns the number of dated objects, −1 when the
 * planes do not fit (tracking was never possible).
 */
export function countAges(from: u32, to: u32): f64 {
  if (!ensurePlanes()) return -1;
  if (agesOn) catchUp();
  memory.fill(agesBase, 0, (<usize>abi.MAX_SITES * abi.AGES_SITE_SLOTS + 32 + abi.AGES_INFO_SLOTS) << 3);
  let dated: f64 = 0;
  for (let c: u32 = 0; c < <u32>abi.NUM_CLASSES; c++) {
    let s = listHead(c);
    while (s != NONE) {
      let words = (spanNelems(s) + 63) >> 6;
      let base = spanBase(s);
      let elem = spanElemSize(s);
      for (let w: u32 = 0; w < words; w++) {
        let pw = planeWord(s, w);
        let p0 = load<u64>(pw);
        let p1 = load<u64>(pw, 8);
        let p2 = load<u64>(pw, 16);
        let p3 = load<u64>(pw, 24);
        let any = p0 | p1 | p2 | p3;
        while (any != 0) {
          let b = <u32>ctz(any);
          any &= any - 1;
          let e = <u32>((p0 >> b) & 1) | (<u32>((p1 >> b) & 1) << 1) | (<u32>((p2 >> b) & 1) << 2) | (<u32>((p3 >> b) & 1) << 3);
          dated++;
          bump(epochSlot(e, 0), 1);
          bump(epochSlot(e, 1), <f64>elem);
          if (e < from || e > to) continue;
          let p = base + <usize>((w << 6) + b) * elem;
          let site = load<u32>(p, abi.HDR_META) >>> abi.SITE_SHIFT;
          bump(siteSlot(site, 0), 1);
          bump(siteSlot(site, 1), <f64>elem);
        }
      }
      s = spanNext(s);
    }
  }
  store<f64>(infoSlot(abi.AGI_ON), agesOn ? 1 : 0);
  store<f64>(infoSlot(abi.AGI_START_CLOCK), <f64>ageStart);
  store<f64>(infoSlot(abi.AGI_LENGTH), <f64>ageLength);
  store<f64>(infoSlot(abi.AGI_EPOCH), <f64>ageEpoch);
  store<f64>(infoSlot(abi.AGI_TICKS), <f64>ticks);
  store<f64>(infoSlot(abi.AGI_MERGES), <f64>merges);
  store<f64>(infoSlot(abi.AGI_PLANE_BYTES), <f64>planeBytes);
  store<f64>(infoSlot(abi.AGI_CLOCK), <f64>mutatorClock);
  store<f64>(infoSlot(abi.AGI_DATED), dated);
  return dated;
}
