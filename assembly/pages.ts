// The page heap: which 8 KiB pages of the arena are free.
//
// One bit per page, set = free, in a bitmap of u64 words. A request for n
// contiguous pages takes the lowest-addressed run that fits (Go's page
// allocator also prefers low addresses, which keeps the heap compact and
// makes reuse of freed pages the common case). Only mapped pages ever have a
// bit set, so the search never hands out memory the host has not given us.
// When no run fits, the arena grows by at least a quarter of its size, up to
// the configured maximum: page faults on fresh memory are costly, so growth
// is geometric rather than page by page.

import { freePagesBase, maxPages, arenaBase, PAGE_SIZE, WASM_PAGE, NONE } from "./layout";
import { memoryGrown } from "./host";

// @ts-ignore: decorator
@inline const MIN_GROW_PAGES: u32 = 128; // 1 MiB

export let mappedPages: u32 = 0;
export let freePageCount: u32 = 0;
export let pagesReused: u64 = 0;
let highWater: u32 = 0; // pages at or above this were never handed out
let hintWord: u32 = 0; // no free page lives in a word below this one

/** Address of page `p` of the arena. */
// @ts-ignore: decorator
@inline export function pageAddress(p: u32): usize {
  return arenaBase + (<usize>p << 13);
}

/** Sets (free) or clears (used) the bits of pages [p, p+n). */
function setRange(p: u32, n: u32, free: bool): void {
  while (n > 0) {
    let bit = p & 63;
    let take = min<u32>(64 - bit, n);
    let mask: u64 = take == 64 ? ~<u64>0 : ((<u64>1 << take) - 1) << bit;
    let a = freePagesBase + ((<usize>p >> 6) << 3);
    let w = load<u64>(a);
    store<u64>(a, free ? w | mask : w & ~mask);
    p += take;
    n -= take;
  }
}

/** Lowest start page of a run of `n` free pages, or NONE. */
function findRun(n: u32): u32 {
  let words = (mappedPages + 63) >> 6;
  let run: u32 = 0;
  let start: u32 = 0;
  for (let w = hintWord; w < words; w++) {
    let bits = load<u64>(freePagesBase + (<usize>w << 3));
    if (bits == 0) { run = 0; continue; }
    if (n == 1) return (w << 6) + <u32>ctz(bits);
    if (bits == ~<u64>0) {
      if (run == 0) start = w << 6;
      run += 64;
      if (run >= n) return start;
      continue;
    }
    for (let b: u32 = 0; b < 64; b++) {
      if (bits & (<u64>1 << b)) {
        if (run == 0) start = (w << 6) + b;
        if (++run >= n) return start;
      } else {
        run = 0;
      }
    }
  }
  return NONE;
}

/** Maps more arena from the host: at least `n` pages, geometric, capped at the maximum. */
function grow(n: u32): bool {
  let room = maxPages - mappedPages;
  if (room == 0) return false;
  let want = max<u32>(n, max<u32>(MIN_GROW_PAGES, mappedPages >> 2));
  let pages = min<u32>((want + 7) & ~7, room);
  let end = arenaBase + (<usize>(mappedPages + pages) << 13);
  let have = <usize>memory.size() * WASM_PAGE;
  if (end > have && memory.grow(<i32>((end - have + WASM_PAGE - 1) / WASM_PAGE)) < 0) return false;
  setRange(mappedPages, pages, true);
  mappedPages += pages;
  freePageCount += pages;
  memoryGrown();
  return true;
}

/** Takes `n` contiguous pages; grows the arena if no free run fits. NONE when the maximum is reached. */
export function allocPages(n: u32): u32 {
  let p = findRun(n);
  while (p == NONE) {
    if (!grow(n)) return NONE;
    p = findRun(n);
  }
  setRange(p, n, false);
  freePageCount -= n;
  // Pages below the high-water mark served a span before: that is reuse.
  if (p < highWater) pagesReused += min<u32>(n, highWater - p);
  if (p + n > highWater) highWater = p + n;
  if (n == 1 && hintWord < (p >> 6)) hintWord = p >> 6;
  return p;
}

/** Returns pages [p, p+n) to the page heap. */
export function freePages(p: u32, n: u32): void {
  if (!ASC_NO_ASSERT) assert(p + n <= mappedPages);
  setRange(p, n, true);
  freePageCount += n;
  if ((p >> 6) < hintWord) hintWord = p >> 6;
}


/** The longest run of free mapped pages (read-only: the fragmentation report). Unmapped pages below the limit are not counted. */
export function largestFreeRun(): u32 {
  let best: u32 = 0;
  let run: u32 = 0;
  for (let p: u32 = 0; p < mappedPages; p++) {
    if ((load<u64>(freePagesBase + ((<usize>p >> 6) << 3)) & (<u64>1 << (p & 63))) != 0) {
      if (++run > best) best = run;
    } else {
      run = 0;
    }
  }
  return best;
}
