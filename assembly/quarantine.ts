// Quarantine (debug core only), in the spirit of AddressSanitizer's: a slot
// freed by sweep is not handed out again at once. It is poisoned (every byte
// 0xA5, so a pointer read through a stale handle is misaligned and outside
// the arena) and held — alloc bit still set, so the allocator skips it, and
// its quarantine bit set, so every check treats it as freed — until it is
// evicted, oldest first, when the FIFO is full or the quarantined bytes
// exceed an eighth of the maximum heap. A handle kept after its object died
// is therefore refused as `freed` for as long as its slot is quarantined,
// instead of silently naming whatever object reuses the slot; a stale
// pointer written into the heap is caught by the marker (mark.ts) as a heap
// corruption. Out of memory empties the quarantine before it gives up, so
// the debug core fails an allocation exactly when the release core would.
//
// The release core has no quarantine: a stale handle is refused as `freed`
// until its slot is reused, and after that it names the new object.
//
//   slot state     alloc bit  mark bit  quarantine bit
//   free               0         0           0
//   live object        1         0/1         0
//   quarantined        1         0           1        (never marked: shade refuses it)

import { quarantineFifoBase, quarantineFifoCap, maxPages, PAGE_SIZE } from "./layout";
import { spanOf, slotIndex, allocBits, markBits, quarantineBits, spanBase, spanElemSize, spanNelems, spanAllocCount, setSpanAllocCount } from "./spans";

// @ts-ignore: decorator
@inline const POISON: u8 = 0xa5;

/** Quarantine is in force (debug core, unless turned off for a test that counts page reuse). */
export let quarantineOn: bool = !ASC_NO_ASSERT;
export let quarantinedBytes: u64 = 0;
let head: u32 = 0;
let count: u32 = 0;

/** Turns quarantine on or off (debug core only; always off on release). Off releases what it holds. */
export function setQuarantine(on: bool): void {
  if (ASC_NO_ASSERT) return;
  if (!on) releaseQuarantine();
  quarantineOn = on;
}

/** Bytes the quarantine may hold: an eighth of the maximum heap. */
function byteCap(): u64 {
  return (<u64>maxPages * PAGE_SIZE) >> 3;
}

/**
 * Sweep of span `s` with quarantine on: every slot allocated, unmarked and
 * not yet quarantined is poisoned and quarantined; the alloc bits become
 * mark | quarantine. Returns how many slots died.
 */
export function quarantineSlots(s: u32): u32 {
  let words = (spanNelems(s) + 63) >> 6;
  let a = allocBits(s);
  let m = markBits(s);
  let q = quarantineBits(s);
  let base = spanBase(s);
  let elem = <usize>spanElemSize(s);
  let dead: u32 = 0;
  for (let w: u32 = 0; w < words; w++) {
    let off = <usize>w << 3;
    let bits = load<u64>(a + off) & ~load<u64>(m + off) & ~load<u64>(q + off);
    while (bits != 0) {
      let i = (w << 6) + <u32>ctz(bits);
      bits &= bits - 1;
      let p = base + <usize>i * elem;
      memory.fill(p, POISON, elem);
      store<u64>(q + off, load<u64>(q + off) | (<u64>1 << (i & 63)));
      push(p, elem);
      dead++;
    }
  }
  // Evictions above may have cleared quarantine and alloc bits of this span too.
  for (let w: u32 = 0; w < words; w++) {
    let off = <usize>w << 3;
    store<u64>(a + off, load<u64>(m + off) | load<u64>(q + off));
  }
  return dead;
}

/** Appends slot `p` (`elem` bytes) to the FIFO, evicting the oldest while over capacity. */
function push(p: usize, elem: usize): void {
  if (count == quarantineFifoCap) evictOne();
  store<u32>(quarantineFifoBase + (<usize>((head + count) % quarantineFifoCap) << 2), <u32>p);
  count++;
  quarantinedBytes += elem;
  while (quarantinedBytes > byteCap() && count > 1) evictOne();
}

/** Frees the oldest quarantined slot for reuse: quarantine and alloc bits cleared. */
function evictOne(): void {
  let p = <usize>load<u32>(quarantineFifoBase + (<usize>head << 2));
  head = (head + 1) % quarantineFifoCap;
  count--;
  let s = spanOf(p);
  let i = slotIndex(s, p);
  let mask = ~(<u64>1 << (i & 63));
  let off = (<usize>i >> 6) << 3;
  store<u64>(quarantineBits(s) + off, load<u64>(quarantineBits(s) + off) & mask);
  store<u64>(allocBits(s) + off, load<u64>(allocBits(s) + off) & mask);
  setSpanAllocCount(s, spanAllocCount(s) - 1);
  quarantinedBytes -= spanElemSize(s);
}

/** Frees every quarantined slot (out of memory, or quarantine turned off). */
export function releaseQuarantine(): void {
  while (count > 0) evictOne();
}
