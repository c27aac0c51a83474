// The memory map. Everything the collector needs lives in linear memory at
// offsets fixed by init(): side tables sized for the configured maximum heap,
// then the arena, which grows page by page with memory.grow.
//
//  ┌──────────────────────┐ 0
//  │ AssemblyScript data  │ static data (size-class tables), shadow stack
//  ├──────────────────────┤ __heap_base rounded up to 64 KiB
//  │ per-site tables      │ allocated and live objects/bytes, 16 B per site each (sites.ts)
//  │ analysis blocks      │ sites, top retainers, path, info, scratch (analysis.ts)
//  │ page → span  8 B/pg  │ start page of the span that owns each page, and its slot divisor (spans.ts)
//  │ span table   64 B/pg │ descriptor at each span's start page (spans.ts)
//  │ alloc bits   64 B/pg │ 512 bits per page: enough for 16-byte slots
//  │ mark bits    64 B/pg │ the colour: set = grey or black
//  │ verify bits  64 B/pg │ the verifier's own reachability bitmap
//  │ quarantine   64 B/pg │ debug core only: freed slots held back (quarantine.ts)
//  │ q. FIFO      4 B each│ debug core only: the order slots entered quarantine
//  │ free pages   1 b/pg  │ the page heap (pages.ts)
//  │ alloc caches, class lists, stats, verify, profile, cycle blocks   │
//  │ globals      4 B each│ root array
//  │ goroutines   64 B/g  │ descriptors; stacks themselves live in the arena
//  │ grey queue   4 B each│ mark work (mark.ts), then the verifier's queue
//  │ escape sites 64 B/site│ allocLocal's objects: allocated, escaped, stayed (escapes.ts)
//  │ fragmentation block, goroutine mask (1 b/goroutine: stacks a reachability pass leaves out) │
//  ├──────────────────────┤ arenaBase (64 KiB aligned)
//  │ arena: pages of 8 KiB│ spans of objects, large objects, goroutine stacks
//  └──────────────────────┘ arenaBase + mappedPages·8 KiB  (≤ maxPages)
//    … never mapped by the arena …
//  ┌──────────────────────┐ agesBase = arenaBase + maxPages·8 KiB
//  │ allocation epochs    │ result block, then 256 B per arena page, grown
//  │                      │ with the arena while tracking is on (ages.ts)
//  ├──────────────────────┤ analysisBase = agesLimit (64 KiB aligned)
//  │ analysis side tables │ 16 B per reachable object, grown by the first
//  └──────────────────────┘ analysis that needs them and kept (analysis.ts)
//
// Side tables are indexed by page, never stored in objects, so an object's
// colour costs no header bits and a sweep touches only bitmaps.

import {
  NUM_CLASSES, STATS_SLOTS, VERIFY_SLOTS, PROFILE_SLOTS, CYCLE_SLOTS, MAX_SITES, SITE_ENTRY_BYTES, AS_SLOTS, TOP_MAX,
  PATH_MAX_STEPS, PATH_STEP_WORDS, INFO_SLOTS, AGES_SITE_SLOTS, AGES_INFO_SLOTS, GD_BYTES, ESCAPE_SITE_BYTES, FRAG_SLOTS
} from "../contract/abi";

// @ts-ignore: decorator
@inline export const PAGE_SHIFT: u32 = 13;
// @ts-ignore: decorator
@inline export const PAGE_SIZE: u32 = 1 << PAGE_SHIFT;
// @ts-ignore: decorator
@inline export const BITMAP_BYTES_PER_PAGE: u32 = 64;
// @ts-ignore: decorator
@inline export const SPAN_BYTES: u32 = 64;
/** A page's entry in the page → span table: the owning span's start page (NONE if free), then that span's divMul (spans.ts). */
// @ts-ignore: decorator
@inline export const PAGE_ENTRY_BYTES: u32 = 8;
// @ts-ignore: decorator
@inline export const CACHE_BYTES: u32 = 32;
// @ts-ignore: decorator
@inline export const CLASS_LIST_BYTES: u32 = 16;
// @ts-ignore: decorator
@inline export const G_BYTES: u32 = GD_BYTES;
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
/** Per-site tables (sites.ts): cumulative allocations, and what the last mark held live. */
export let siteAllocBase: usize = 0;
export let siteLiveBase: usize = 0;
/** Fixed blocks of the heap analysis (analysis.ts): per-site results, top retainers, a path, info, scratch. */
export let anSitesBase: usize = 0;
export let anTopBase: usize = 0;
export let anPathBase: usize = 0;
export let anInfoBase: usize = 0;
export let anScratchBase: usize = 0;
/** Where the analysis side tables start: above the arena's maximum extent and the epoch planes. */
export let analysisBase: usize = 0;
/** The allocation-epoch region (ages.ts): its result block, its planes (256 B per page), and its end; agesBase 0 if it does not fit wasm32. */
export let agesBase: usize = 0;
export let agesPlanesBase: usize = 0;
export let agesLimit: usize = 0;
export let globalsBase: usize = 0;
export let globalsCount: u32 = 0;
export let goroutineBase: usize = 0;
export let maxGoroutines: u32 = 0;
export let queueBase: usize = 0;
export let queueCap: u32 = 0;
export let verifyQueueBase: usize = 0;
export let arenaBase: usize = 0;
export let initialized: bool = false;
/** Per-site escape counters (escapes.ts), the fragmentation block, the goroutine mask (analysis.ts). */
export let escapeSitesBase: usize = 0;
export let fragBase: usize = 0;
export let goroutineMaskBase: usize = 0;

/** Bytes of the analysis scratch block: per site a u32 count and two u64 running totals. */
// @ts-ignore: decorator
@inline export const AN_SCRATCH_BYTES: u32 = <u32>MAX_SITES * 20;
// @ts-ignore: decorator
@inline const SITE_TABLES_BYTES: u32 = <u32>MAX_SITES * <u32>SITE_ENTRY_BYTES * 2;
// @ts-ignore: decorator
@inline const AN_BLOCKS_BYTES: u32 = <u32>MAX_SITES * <u32>AS_SLOTS * 8 + <u32>TOP_MAX * 8 + <u32>PATH_MAX_STEPS * <u32>PATH_STEP_WORDS * 4
  + <u32>INFO_SLOTS * 8 + AN_SCRATCH_BYTES + 5 * 8;

/** Bytes of the epoch region's result block (ages.ts): per-site and per-epoch counts, info; 256-aligned. */
// @ts-ignore: decorator
@inline const AGES_BLOCK_BYTES: u32 = ((<u32>MAX_SITES * <u32>AGES_SITE_SLOTS + 32 + <u32>AGES_INFO_SLOTS) * 8 + 255) & ~255;
/** Epoch-plane bytes per arena page: four planes of one bit per bitmap bit (64 B each). */
// @ts-ignore: decorator
@inline export const AGE_PAGE_BYTES: u32 = 4 * BITMAP_BYTES_PER_PAGE;

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
  let need: u64 = <u64>c + <u64>pages * (PAGE_ENTRY_BYTES + SPAN_BYTES + 3 * BITMAP_BYTES_PER_PAGE) + (<u64>pages >> 3) + qTables
    + <u64>globals * 4 + <u64>goroutines * G_BYTES + <u64>queueEntries * 8 + 2 * <u64>WASM_PAGE
    + <u64>NUM_CLASSES * (CACHE_BYTES + CLASS_LIST_BYTES) + 8 * <u64>(STATS_SLOTS + VERIFY_SLOTS + PROFILE_SLOTS + CYCLE_SLOTS)
    + <u64>SITE_TABLES_BYTES + <u64>AN_BLOCKS_BYTES
    + <u64>MAX_SITES * ESCAPE_SITE_BYTES + <u64>FRAG_SLOTS * 8 + ((<u64>goroutines + 63) >> 3) + 24
    + <u64>pages * PAGE_SIZE;
  if (need > 0xffff0000) return false;

  maxPages = pages;
  // First: of the placements tried, this one left the allocation fast path closest to its speed before these
  // blocks existed (where they go moves every table's address; the effect is alignment, up to ~0.6 ns per object).
  siteAllocBase = c;      c = region(c, <usize>MAX_SITES * SITE_ENTRY_BYTES);
  siteLiveBase = c;       c = region(c, <usize>MAX_SITES * SITE_ENTRY_BYTES);
  anSitesBase = c;        c = region(c, <usize>MAX_SITES * AS_SLOTS * 8);
  anTopBase = c;          c = region(c, <usize>TOP_MAX * 8);
  anPathBase = c;         c = region(c, <usize>PATH_MAX_STEPS * PATH_STEP_WORDS * 4);
  anInfoBase = c;         c = region(c, <usize>INFO_SLOTS * 8);
  anScratchBase = c;      c = region(c, AN_SCRATCH_BYTES);
  pageSpanBase = c;       c = region(c, <usize>pages * PAGE_ENTRY_BYTES);
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
  escapeSitesBase = c;    c = region(c, <usize>MAX_SITES * ESCAPE_SITE_BYTES);
  fragBase = c;           c = region(c, <usize>FRAG_SLOTS * 8);
  goroutineMaskBase = c;  c = region(c, ((<usize>goroutines + 63) >> 6) << 3);
  arenaBase = (c + WASM_PAGE - 1) & ~<usize>(WASM_PAGE - 1);
  // pages is a multiple of 8, so this is 64 KiB aligned too (and below 2^32: `need` counted the arena).
  let arenaLimit = arenaBase + <usize>pages * PAGE_SIZE;
  // The epoch region, if it fits below 4 GiB; the analysis tables start above it (or at the arena's limit without it).
  let planesAt = <u64>arenaLimit + AGES_BLOCK_BYTES;
  let agesEnd = (planesAt + <u64>pages * AGE_PAGE_BYTES + WASM_PAGE - 1) & ~(<u64>WASM_PAGE - 1);
  if (agesEnd < 0xffff0000) {
    agesBase = arenaLimit;
    agesPlanesBase = <usize>planesAt;
    agesLimit = <usize>agesEnd;
    analysisBase = agesLimit;
  } else {
    analysisBase = arenaLimit;
  }

  let have = <usize>memory.size() * WASM_PAGE;
  if (arenaBase > have && memory.grow(<i32>((arenaBase - have) / WASM_PAGE)) < 0) return false;
  // Page → span entries start as NONE: no page belongs to a span yet.
  memory.fill(pageSpanBase, 0xff, <usize>pages * PAGE_ENTRY_BYTES);
  initialized = true;
  return true;
}
