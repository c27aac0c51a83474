// Per-site accounting: what each allocation site allocated, and what each
// completed mark found live of it.
//
// A site is the 12-bit id in every object header (contract/abi.ts), so there
// are at most 4096, and each has an entry of two u64 counters in each of two
// fixed tables (layout.ts):
//
//   entry (SITE_ENTRY_BYTES = 16)        alloc table: cumulative, exact at any time
//   ├ +0 objects (u64)                   live table:  the last completed mark
//   └ +8 slot bytes (u64)
//
// Allocated: allocObject counts every object as it is handed out, one
// load/add/store pair per counter — a span's objects come from many sites,
// so the popcount trick the allocator uses for its own totals (alloc.ts)
// cannot give per-site numbers. Measured on allocList (16-byte objects,
// warm heap, release core, the same build without the two counters as the
// baseline): +0.3 to +0.8 ns per object over several interleaved runs (7.4 →
// 8.2 ns in the quietest); the debug core shows no difference above noise.
//
// Live: counted while marking, in shade's slow path (once per object per
// cycle: the site is in the header it is about to queue) and for every object
// allocated black during the mark, so at mark termination the live table
// is exactly the marked set by site: it adds up to the cycle's marked
// objects and bytes. Cost: about 0.8 ns per marked object on the release
// core (9.9 → 10.7 ns for a 1 M-node tree; counting at scan time instead,
// where the header is loaded anyway, measured the same). It is cleared when
// the next cycle starts; in between (from EV_CYCLE on) the host may read it.
// Sites at or above liveSiteEnd have no entry this cycle, so neither
// clearing nor reading touches them.

import { siteAllocBase, siteLiveBase } from "./layout";

/** Sites below this may have a non-zero live entry this cycle. */
export let liveSiteEnd: u32 = 0;

/** Counts an object of `slot` bytes allocated for `site` (the allocation fast path). */
// @ts-ignore: decorator
@inline export function countAllocated(site: u32, slot: u32): void {
  let t = siteAllocBase + (<usize>site << 4);
  store<u64>(t, load<u64>(t) + 1);
  store<u64>(t, load<u64>(t, 8) + <u64>slot, 8);
}

/** Counts an object of `slot` bytes of `site` as live in the current mark (marked, or allocated black). */
// @ts-ignore: decorator
@inline export function countLive(site: u32, slot: u32): void {
  let t = siteLiveBase + (<usize>site << 4);
  store<u64>(t, load<u64>(t) + 1);
  store<u64>(t, load<u64>(t, 8) + <u64>slot, 8);
  if (site >= liveSiteEnd) liveSiteEnd = site + 1;
}

/** A mark starts: nothing is live yet. */
export function resetLiveSites(): void {
  memory.fill(siteLiveBase, 0, <usize>liveSiteEnd << 4);
  liveSiteEnd = 0;
}
