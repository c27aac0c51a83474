// The memory map. Everything the collector needs lives in linear memory at
// offsets fixed by init(): side tables sized for the configured maximum heap,
// then the arena, which grows page by page with memory.grow.
//
//  ┌──────────────────────┐ 0
//  │ AssemblyScript data  │ static data (size-class tables), shadow stack
//  ├──────────────────────┤ __heap_base rounded up to 64 KiB
//  │ page → span  u32/pg  │ start page of the span that owns each page
//  │ span table   64 B/pg │ descriptor at each span's start page (spans.ts)
//  │ alloc bits   64 B/pg │ 512 bits per page: enough for 16-byte slots
//  │ mark bits    64 B/pg │ the colour: set = grey or black
//  │ verify bits  64 B/pg │ the verifier's own reachability bitmap
//  │ quarantine   64 B/pg │ debug core only: freed slots held back (quarantine.ts)
//  │ q. FIFO      4 B each│ debug core only: the order slots entered quarantine
//  │ free pages   1 b/pg  │ the page heap (pages.ts)
//  │ alloc caches, class lists, stats, verify, profile, cycle blocks   │
//  │ globals      4 B each│ root array
//  │ goroutines   48 B/g  │ descriptors; stacks themselves live in the arena
//  │ grey queue   4 B each│ mark work (mark.ts), then the verifier's queue
//  ├──────────────────────┤ arenaBase (64 KiB aligned)
//  │ arena: pages of 8 KiB│ spans of objects, large objects, goroutine stacks
//  └──────────────────────┘ arenaBase + mappedPages·8 KiB  (≤ maxPages)
//
// Side tables are indexed by page, never stored in objects, so an object's
// colour costs no header bits and a sweep touches only bitmaps.

import { NUM_CLASSES, STATS_SLOTS, VERIFY_SLOTS, PROFILE_SLOTS, CYCLE_SLOTS } from "../contract/abi";

// @ts-ignore: decorator
@inline export const PAGE_SHIFT: u32 = 13;
// @ts-ignore: decorator
@inline export const PAGE_SIZE: u32 = 1 << PAGE_SHIFT;
// @ts-ignore: decorator
@inline export const BITMAP_BYTES_PER_PAGE: u32 = 64;
// @ts-ignore: decorator
@inline export const SPAN_BYTES: u32 = 64;
// @ts-ignore: decorator
@inline export const CACHE_BYTES: u32 = 32;
// @ts-ignore: decorator
@inline export const CLASS_LIST_BYTES: u32 = 16;
// @ts-ignore: decorator
@inline export const G_BYTES: u32 = 48;
// @ts-ignore: decorator
@inline export const WASM_PAGE: u32 = 65536;
// @ts-ignore: decorator
@inline export const NONE: u32 = 0xffffffff;

export let maxPages: u32 = 0;
export let pageSpanBase: usize = 0;
export let spanTableBase: usize = 0;
export let allocBitsBase: usize = 0;
export let markBitsBase: usize = 0;
export let verifyBitsBase: usize = 0;
/** Debug core only (0 on release): quarantine bitmaps and the FIFO of quarantined slots. */
export let quarantineBitsBase: usize = 0;
export let quarantineFifoBase: usize = 0;
export let quarantineFifoCap: u32 = 0;
export let freePagesBase: usize = 0;
export let cacheBase: usize = 0;
export let classListBase: usize = 0;
export let statsBase: usize = 0;
export let verifyBlockBase: usize = 0;
export let profileBase: usize = 0;
export let cycleBase: usize = 0;
export let globalsBase: usize = 0;
export let globalsCount: u32 = 0;
export let goroutineBase: usize = 0;
export let maxGoroutines: u32 = 0;
export let queueBase: usize = 0;
export let queueCap: u32 = 0;
export let verifyQueueBase: usize = 0;
export let arenaBase: usize = 0;
export let initialized: bool = false;

/** Bumps `cursor` past a region of `bytes`, 8-byte aligned. */
function region(cursor: usize, bytes: usize): usize {
  return (cursor + bytes + 7) & ~<usize>7;
}

/**
 * Lays out the side tables for a heap of at most `pages` pages and grows
 * memory to hold them. Returns false when the layout does not fit wasm32.
 */
export function layOut(pages: u32, globals: u32, goroutines: u32, queueEntries: u32): bool {
  let c = (__heap_base + WASM_PAGE - 1) & ~<usize>(WASM_PAGE - 1);
  // Debug core: room to quarantine up to one freed slot in 8 of the heap's 16-byte slots.
  let fifo: u32 = ASC_NO_ASSERT ? 0 : max<u32>(pages * 64, 1024);
  let qTables: u64 = ASC_NO_ASSERT ? 0 : <u64>pages * BITMAP_BYTES_PER_PAGE + <u64>fifo * 4;
  // u64 arithmetic: a careless max-heap must fail cleanly, not wrap around.
  let need: u64 = <u64>c + <u64>pages * (4 + SPAN_BYTES + 3 * BITMAP_BYTES_PER_PAGE) + (<u64>pages >> 3) + qTables
    + <u64>globals * 4 + <u64>goroutines * G_BYTES + <u64>queueEntries * 8 + 2 * <u64>WASM_PAGE
    + <u64>NUM_CLASSES * (CACHE_BYTES + CLASS_LIST_BYTES) + 8 * <u64>(STATS_SLOTS + VERIFY_SLOTS + PROFILE_SLOTS + CYCLE_SLOTS)
    + <u64>pages * PAGE_SIZE;
  if (need > 0xffff0000) return false;

  maxPages = pages;
  pageSpanBase = c;       c = region(c, <usize>pages * 4);
  spanTableBase = c;      c = region(c, <usize>pages * SPAN_BYTES);
  allocBitsBase = c;      c = region(c, <usize>pages * BITMAP_BYTES_PER_PAGE);
  markBitsBase = c;       c = region(c, <usize>pages * BITMAP_BYTES_PER_PAGE);
  verifyBitsBase = c;     c = region(c, <usize>pages * BITMAP_BYTES_PER_PAGE);
  if (!ASC_NO_ASSERT) {
    quarantineBitsBase = c; c = region(c, <usize>pages * BITMAP_BYTES_PER_PAGE);
    quarantineFifoBase = c; c = region(c, <usize>fifo * 4);
    quarantineFifoCap = fifo;
  }
  freePagesBase = c;      c = region(c, ((<usize>pages + 63) >> 6) << 3);
  cacheBase = c;          c = region(c, NUM_CLASSES * CACHE_BYTES);
  classListBase = c;      c = region(c, NUM_CLASSES * CLASS_LIST_BYTES);
  statsBase = c;          c = region(c, STATS_SLOTS * 8);
  verifyBlockBase = c;    c = region(c, VERIFY_SLOTS * 8);
  profileBase = c;        c = region(c, PROFILE_SLOTS * 8);
  cycleBase = c;          c = region(c, CYCLE_SLOTS * 8);
  globalsBase = c;        c = region(c, <usize>globals * 4);
  globalsCount = globals;
  goroutineBase = c;      c = region(c, <usize>goroutines * G_BYTES);
  maxGoroutines = goroutines;
  queueBase = c;          c = region(c, <usize>queueEntries * 4);
  verifyQueueBase = c;    c = region(c, <usize>queueEntries * 4);
  queueCap = queueEntries;
  arenaBase = (c + WASM_PAGE - 1) & ~<usize>(WASM_PAGE - 1);

  let have = <usize>memory.size() * WASM_PAGE;
  if (arenaBase > have && memory.grow(<i32>((arenaBase - have) / WASM_PAGE)) < 0) return false;
  // Page → span entries start as NONE: no page belongs to a span yet.
  memory.fill(pageSpanBase, 0xff, <usize>pages * 4);
  initialized = true;
  return true;
}
