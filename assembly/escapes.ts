// Escape tracking: objects allocated as locals of a goroutine's top frame
// (allocLocal), and whether each one outlives its frame — the question Go's
// compiler answers statically with `-gcflags=-m`, answered here by watching.
//
// A local lives in the heap like any object (the collector stays sound: it
// is marked, swept and verified as every other), and is also named by an
// entry in a side table. Entries are weak: the table is never scanned, so it
// keeps nothing alive.
//
//   entry (LE_BYTES = 16)                                   lists through LE_NEXT (NONE ends one)
//   ├ +0 object   ├ +8  frame depth (in a frame's list)     per goroutine (descriptor GD_LOCALS), newest first:
//   └ +4 next     │     the cycle to judge it at (pending)    the top frame's locals are at the head
//                 └ +12 id of the goroutine that allocated  pending: frames gone, verdict to come
//                                                           sample: escaped and still alive (≤ 64 per site)
//                                                           free
//
// The verdict. When a frame is popped (or its goroutine exits) its entries
// move to the pending list, stamped with the cycle that judges them: the
// first mark that *starts* after the pop (markCycle + 1: during mark n that
// is n + 1, between marks after n it is n + 1 too). At that mark's
// termination an entry is ESCAPED if its object is marked, else it STAYED
// local. Why the first mark that starts after the pop: an object the mark
// reached was reachable at some moment after its frame was gone — from a
// global, the heap, or another frame, never from a dead frame — so every
// "escaped" is a real escape, under every strategy (hybrid and yuasa mark
// what was reachable when the mark started; dijkstra marks only what is
// reachable or was stored during it; stw is exact). The approximation is in
// the other direction only: a local that escaped and became garbage again
// before that mark started is counted as having stayed — Go's static
// analysis would call it escaped; it cost the collector nothing.
//
// Exactness of the bookkeeping: every entry's object is allocated for as
// long as the entry exists, so a mark bit read through it names that object
// and no other. At every mark termination (before any sweep can free
// anything) entries whose object is unmarked leave the table — an unmarked
// object is garbage (the collector is sound; under `none` the verifier has
// just rescued whatever was lost), so one in a live frame stayed local (it
// died before its frame did), and a pending one stayed too. A pending entry
// popped during the mark now ending keeps its verdict for the next one if
// it is marked (it may be floating garbage). So each local is counted once:
// allocated = escaped + stayed + entries still in the table.
//
// Cost: allocLocal is a separate export (the allocation fast path does not
// change); popFrame and exit follow their goroutine's list only while its
// head belongs to the frame(s) going away (one load when there is none);
// each mark termination walks the pending and sample lists and the lists of
// live goroutines that have one — O(entries), nothing when allocLocal was
// never called. The table grows by doubling, in arena pages (a span in the
// stack state: never swept, never an object), counted in S_ESCAPE_TABLE_BYTES.

import { escapeSitesBase, PAGE_SIZE, NONE } from "./layout";
import { spanOf, slotIndex, markBits, testBit, spanBase, spanPages, spanElemSize, releaseSpan, isObjectStart, SPAN_STACK } from "./spans";
import { spanOrCollect } from "./alloc";
import { goroutineSlots, liveGoroutineAt, goroutineId, frameCount, G_LOCALS } from "./roots";
import { markCycle } from "./state";
import {
  LE_OBJECT, LE_NEXT, LE_DATA, LE_GOROUTINE, ESCAPE_SITE_BYTES, ES_ALLOC_OBJECTS, ES_ESCAPED_OBJECTS, ES_STAYED_OBJECTS, ES_SAMPLED,
  ESCAPE_SAMPLE_PER_SITE, HDR_META, SITE_SHIFT
} from "../contract/abi";

let tableSpan: u32 = NONE;
let tableBase: usize = 0;
/** Entries the table holds, and entries ever handed out (beyond it all are free). */
let tableCap: u32 = 0;
let tableUsed: u32 = 0;
let freeHead: u32 = NONE;
let pendingHead: u32 = NONE;
let sampleHead: u32 = NONE;
/** Arena bytes the table takes. */
export let tableBytes: u64 = 0;
/** Bytes the last failed growth of the table asked for (an out-of-memory detail). */
export let tableBytesWanted: u32 = 0;

// @ts-ignore: decorator
@inline function entry(i: u32): usize { return tableBase + (<usize>i << 4); }
// @ts-ignore: decorator
@inline function row(site: u32): usize { return escapeSitesBase + <usize>site * ESCAPE_SITE_BYTES; }
/** Adds one object of `slot` bytes to the counter pair at `off` of `site`'s row. */
// @ts-ignore: decorator
@inline function count(site: u32, off: usize, slot: u32): void {
  let a = row(site) + off;
  store<u64>(a, load<u64>(a) + 1);
  store<u64>(a, load<u64>(a, 8) + <u64>slot, 8);
}

export function tableAddress(): usize { return tableBase; }
export function sampleListHead(): u32 { return sampleHead; }

/** True if `p` (an object the table names, so allocated) is marked. */
// @ts-ignore: decorator
@inline function marked(p: usize): bool {
  let s = spanOf(p);
  let i = slotIndex(s, p);
  if (!ASC_NO_ASSERT) assert(isObjectStart(s, i, p), "an escape entry names a freed object");
  return testBit(markBits(s), i);
}

/**
 * Makes sure one more entry can be taken, growing the table (twice the
 * pages, copied) if it is full; growing may collect, which only frees
 * entries. False when the arena cannot hold the bigger table.
 */
export function reserveLocal(): bool {
  if (freeHead != NONE || tableUsed < tableCap) return true;
  let pages: u32 = tableSpan == NONE ? 1 : spanPages(tableSpan) * 2;
  tableBytesWanted = pages * PAGE_SIZE;
  let s = spanOrCollect(0, SPAN_STACK, pages);
  if (s == NONE) return freeHead != NONE; // the collection may have freed entries
  let base = spanBase(s);
  if (tableSpan != NONE) {
    memory.copy(base, tableBase, <usize>tableUsed << 4);
    releaseSpan(tableSpan);
  }
  tableSpan = s;
  tableBase = base;
  tableCap = pages * (PAGE_SIZE >> 4);
  tableBytes = <u64>pages * PAGE_SIZE;
  return true;
}

/**
 * Object `p`, just allocated for goroutine `d`, is a local of its top frame
 * (the caller stored it in a slot there and reserved an entry).
 */
export function addLocal(d: usize, p: usize): void {
  let i: u32;
  if (freeHead != NONE) {
    i = freeHead;
    freeHead = load<u32>(entry(i), LE_NEXT);
  } else {
    i = tableUsed++;
  }
  let e = entry(i);
  store<u32>(e, <u32>p, LE_OBJECT);
  store<u32>(e, load<u32>(d, G_LOCALS), LE_NEXT);
  store<u32>(e, frameCount(d), LE_DATA);
  store<u32>(e, goroutineId(d), LE_GOROUTINE);
  store<u32>(d, i, G_LOCALS);
  count(load<u32>(p, HDR_META) >>> SITE_SHIFT, ES_ALLOC_OBJECTS, spanElemSize(spanOf(p)));
}

/** Entry `i` leaves its frame: pending, judged at the first mark that starts from now on. */
// @ts-ignore: decorator
@inline function toPending(i: u32): void {
  let e = entry(i);
  store<u32>(e, markCycle + 1, LE_DATA);
  store<u32>(e, pendingHead, LE_NEXT);
  pendingHead = i;
}

/** Goroutine `d` popped a frame: its entries deeper than the frames left become pending. */
export function framePopped(d: usize): void {
  let i = load<u32>(d, G_LOCALS);
  if (i == NONE) return;
  let frames = frameCount(d);
  while (i != NONE && load<u32>(entry(i), LE_DATA) > frames) {
    let next = load<u32>(entry(i), LE_NEXT);
    toPending(i);
    i = next;
  }
  store<u32>(d, i, G_LOCALS);
}

/** Goroutine `d` exits: every frame of it returns. */
export function goroutineExiting(d: usize): void {
  let i = load<u32>(d, G_LOCALS);
  while (i != NONE) {
    let next = load<u32>(entry(i), LE_NEXT);
    toPending(i);
    i = next;
  }
  store<u32>(d, NONE, G_LOCALS);
}

function freeEntry(i: u32): void {
  store<u32>(entry(i), freeHead, LE_NEXT);
  freeHead = i;
}

/** Entry `i` (object `p`) stayed local: counted, freed. */
function stayed(i: u32, p: usize): void {
  count(load<u32>(p, HDR_META) >>> SITE_SHIFT, ES_STAYED_OBJECTS, spanElemSize(spanOf(p)));
  freeEntry(i);
}

/** Entry `i` (object `p`) escaped: counted, and kept in the sample while its site has room. */
function escaped(i: u32, p: usize): void {
  let site = load<u32>(p, HDR_META) >>> SITE_SHIFT;
  count(site, ES_ESCAPED_OBJECTS, spanElemSize(spanOf(p)));
  let a = row(site) + ES_SAMPLED;
  let n = load<u32>(a);
  if (n >= <u32>ESCAPE_SAMPLE_PER_SITE) { freeEntry(i); return; }
  store<u32>(a, n + 1);
  store<u32>(entry(i), sampleHead, LE_NEXT);
  sampleHead = i;
}

/**
 * Mark termination of cycle `c` (after the verifier's rescue, before any
 * sweep): the verdicts, and every entry whose object is about to be freed
 * leaves the table (header comment).
 */
export function judgeLocals(c: u32): void {
  if (tableUsed == 0) return;
  // Pending: judged now if their mark started after their frame went, else dropped if already unreachable.
  let i = pendingHead;
  pendingHead = NONE;
  while (i != NONE) {
    let e = entry(i);
    let next = load<u32>(e, LE_NEXT);
    let p = <usize>load<u32>(e, LE_OBJECT);
    let m = marked(p);
    if (load<u32>(e, LE_DATA) <= c) {
      if (m) escaped(i, p); else stayed(i, p);
    } else if (!m) {
      stayed(i, p);
    } else {
      store<u32>(e, pendingHead, LE_NEXT);
      pendingHead = i;
    }
    i = next;
  }
  // The sample keeps only objects that survive this cycle.
  i = sampleHead;
  sampleHead = NONE;
  while (i != NONE) {
    let e = entry(i);
    let next = load<u32>(e, LE_NEXT);
    let p = <usize>load<u32>(e, LE_OBJECT);
    if (marked(p)) {
      store<u32>(e, sampleHead, LE_NEXT);
      sampleHead = i;
    } else {
      let a = row(load<u32>(p, HDR_META) >>> SITE_SHIFT) + ES_SAMPLED;
      store<u32>(a, load<u32>(a) - 1);
      freeEntry(i);
    }
    i = next;
  }
  // Locals of live frames that are garbage already: they died before their frame returned.
  let n = goroutineSlots();
  for (let k: u32 = 0; k < n; k++) {
    let d = liveGoroutineAt(k);
    if (d == 0) continue;
    let prev: u32 = NONE;
    i = load<u32>(d, G_LOCALS);
    while (i != NONE) {
      let e = entry(i);
      let next = load<u32>(e, LE_NEXT);
      let p = <usize>load<u32>(e, LE_OBJECT);
      if (marked(p)) {
        prev = i;
      } else {
        if (prev == NONE) store<u32>(d, next, G_LOCALS); else store<u32>(entry(prev), next, LE_NEXT);
        stayed(i, p);
      }
      i = next;
    }
  }
}
