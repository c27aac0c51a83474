// The heap analysis: who keeps what alive.
//
// Two questions about the reachable graph, asked by the host between
// mutator steps (the analysis allocates nothing and changes no collector
// state, so it may run at any time, even during a concurrent mark):
//
//  1. Retainers. A breadth-first search from the roots — the globals, the
//     pins, then every live goroutine's stack slot by slot — records for
//     every reachable object the word that pointed to it first: a field of
//     its parent, or a root slot. Breadth first, so following these words
//     back from any object gives a shortest path from a root (analysisPath).
//
//  2. Dominators. With the roots as one synthetic super-root, object d
//     dominates x when every path from the roots to x passes through d; the
//     immediate dominator is the nearest one, and the dominator tree's
//     subtree of x is what would be freed if x were (retained size, in slot
//     bytes). Semi-NCA (Georgiadis, Tarjan & Werneck 2006; the form LLVM's
//     GenericDomTreeConstruction uses): a depth-first numbering, the
//     semidominators in reverse preorder with a path-compressed eval, then
//     each idom as the nearest common ancestor of the DFS parent and the
//     semidominator. Nothing recurses: depth-first searches keep their stack
//     in the parent links and a per-node cursor, eval walks up by pointer
//     reversal, the dominator tree is walked through first-child/next-sibling
//     links. A site's retained size is the union of its objects' subtrees
//     (shared subtrees once): one walk of the dominator tree keeps per site a
//     count of its objects on the current path, and the running total of slot
//     bytes entered when the count becomes 1 is subtracted from the total when
//     it drops back to 0.
//
// Numbering. Pass 0 marks the reachable set in the verify bitmap (the
// verifier's, whose results live in the verify block, not in those bits) and
// counts it: N objects. Each object then has a dense index in address order,
// with no table: the index of its span's first reached object (kept in the
// span descriptor's spare word) plus the popcount of the reached bits below
// it. Every table below has N u32 entries, 1-based: entry i at base + 4(i−1).
//
// Memory: four such tables, 16 bytes per reachable object, in a region
// above the arena's maximum extent — the arena can never map it, so the two
// never overlap, an analysis of a heap at its limit still fits, and the
// collector never sees it. It is grown with memory.grow the first time an
// analysis needs more and kept for the next one; one that does not fit in
// wasm32 fails with out of memory before touching anything. The phases reuse
// the four tables (U0–U3) as they go, so the peak is the end state:
//
//   phase                  U0          U1          U3            U2 (last: the predecessor lists may spill past it)
//   0 reach                —           —           —             —            (verify bits, verify queue)
//   1 DFS #1               pre[A]      parent      non-tree in-degree → run ends   cursor
//   2 predecessor lists    pre[A]      parent      run ends      preds (non-tree edges, by target)
//   3 semidominators       minSemi     ancestor    run ends      preds, semi in each run's first entry
//   4                      semi|NONE   —           —             —
//   5 DFS #2 (the same)    semi        pre[A]      address[pre]  parent
//   6 idom                 —           —           address[pre]  idom[pre]
//   7 site union           first child next sib.   address[pre]  idom[pre]
//   8 retained             size[pre]   —           address[pre]  idom[pre] → as an address
//   9 to address order     retained[A] —           (done bits)   idom[A]
//  10 BFS                  retained[A] retainer[A] queue         idom[A]
//  11 end                  retained[A] retainer[A] object[A]     idom[A]
//
// The predecessor lists hold only non-tree edges (a node's tree edge is its
// DFS parent, known), so a tree or a list needs none, and they fit in U2 as
// long as there are at most N of them (a doubly linked list has exactly N);
// only beyond that do they spill, 4 bytes per extra edge, for the length of
// phases 2–3.
//
// The results describe the heap as it was: any mutator action (it advances
// the mutator clock) or a verification (it rewrites the verify bits) makes
// them stale, and every query then fails with E_STALE_ANALYSIS.

import {
  verifyBitsBase, verifyQueueBase, queueCap, globalsBase, globalsCount, analysisBase, anSitesBase, anTopBase, anPathBase,
  anInfoBase, anScratchBase, goroutineMaskBase, profileBase, NONE, WASM_PAGE, BITMAP_BYTES_PER_PAGE, AN_SCRATCH_BYTES
} from "./layout";
import { mappedPages } from "./pages";
import {
  spanOf, slotIndex, pageOwner, pageEntryOf, entrySlot, spanState, spanBase, spanElemSize, spanNelems, spanPages, verifyBits, spanAux, setSpanAux, countBits,
  setBit, SPAN_SMALL, SPAN_LARGE, SPAN_STACK
} from "./spans";
import {
  forEachRoot, forEachRootExcept, describeStackSlot, pinSlot, scanStack, goroutineSlots, liveGoroutineAt, inMask, PIN_WORDS, slotGoroutine,
  slotFrame, slotInFrame, forEachGlobal, goroutineId, scanStackFrames
} from "./roots";
import { classify, verifyRuns } from "./verify";
import { mutatorClock } from "./state";
import { nowNs, memoryGrown } from "./host";
import * as abi from "../contract/abi";

// ── State of the last analysis ─────────────────────────────────────────────

/** Reachable objects found by the last analysis. */
export let objects: u32 = 0;
/** What it computed (abi ANALYZE_*); 0 before the first. */
let computed: u32 = 0;
let stampClock: u64 = 0;
let stampVerify: u32 = 0;
let generation: u32 = 0;
/** Bytes of memory above analysisBase that the region may use (grown, kept). */
let regionBytes: u64 = 0;
/** Bytes the last failed analysis wanted, for the error's detail. */
export let wantedBytes: u64 = 0;

/** The four tables, unbiased (their first entry). */
let U0: usize = 0;
let U1: usize = 0;
let U2: usize = 0;
let U3: usize = 0;

// @ts-ignore: decorator
@inline function at(u: usize, i: u32): usize {
  if (!ASC_NO_ASSERT) assert(i >= 1 && i <= objects, "analysis table index out of range");
  return u + ((<usize>i - 1) << 2);
}
// @ts-ignore: decorator
@inline function get(u: usize, i: u32): u32 { return load<u32>(at(u, i)); }
// @ts-ignore: decorator
@inline function put(u: usize, i: u32, v: u32): void { store<u32>(at(u, i), v); }

/** True while the last analysis describes the heap as it is and computed `what`. */
export function fresh(what: u32): bool {
  return computed != 0 && (computed & what) == what && stampClock == mutatorClock && stampVerify == verifyRuns;
}

/** What the last analysis computed, if it is still fresh (abi ANALYZE_*), else 0. */
export function freshFlags(): u32 {
  return fresh(0) ? computed : 0;
}

// ── Dense indices ───────────────────────────────────────────────────────────

/**
 * The dense index (1 … N, address order) of `p` if it is the start of an
 * object the last pass 0 reached, else 0. Any word may be asked: a pointer
 * that names no object is simply not reached.
 */
export function denseIndex(p: usize): u32 {
  let e = pageEntryOf(p); // span and slot from one load (spans.ts)
  let s = <u32>e;
  if (s == NONE) return 0;
  let st = spanState(s);
  if (st != SPAN_SMALL && st != SPAN_LARGE) return 0;
  let i = entrySlot(e, p);
  if (i >= spanNelems(s) || spanBase(s) + <usize>i * spanElemSize(s) != p) return 0;
  let bits = verifyBits(s);
  let wi = i >> 6;
  let word = load<u64>(bits + (<usize>wi << 3));
  let m = <u64>1 << (i & 63);
  if ((word & m) == 0) return 0;
  let r = spanAux(s) + <u32>popcnt(word & (m - 1));
  for (let k: u32 = 0; k < wi; k++) r += <u32>popcnt(load<u64>(bits + (<usize>k << 3)));
  return r + 1;
}

/** Start of the object whose slot contains address `a` (an address inside a reached object). */
// @ts-ignore: decorator
@inline function objectContaining(a: usize): usize {
  let s = spanOf(a);
  return spanBase(s) + <usize>slotIndex(s, a) * spanElemSize(s);
}

/** Pointer slots of object `p`, never past its slot (a corrupt header cannot make a traversal read the next object). */
// @ts-ignore: decorator
@inline function fieldsOf(p: usize): u32 {
  return min<u32>(load<u32>(p, abi.HDR_META) & abi.NPTR_MASK, (spanElemSize(spanOf(p)) - abi.HEADER_BYTES) >> 2);
}

// @ts-ignore: decorator
@inline function slotOf(p: usize): u32 { return spanElemSize(spanOf(p)); }
// @ts-ignore: decorator
@inline function siteOf(p: usize): u32 { return load<u32>(p, abi.HDR_META) >>> abi.SITE_SHIFT; }

// ── Pass 0: the reachable set, into the verify bits ─────────────────────────

let top: u32 = 0;
let overflowed: bool = false;
/** When set, pass 0 leaves out the stacks of the goroutines in this bitmap (reachableWithout). */
let rootMask: usize = 0;
let reachedBytes: u64 = 0;
let reachedObjects: u32 = 0;

/** The object `slot` points to the first time a pass reaches it (its verify bit set now), else 0. */
// @ts-ignore: decorator
@inline function firstReach(slot: usize): usize {
  let p = <usize>load<u32>(slot);
  if (p == 0 || classify(p, abi.VERIFY_AGAINST_ALLOC) != abi.OK) return 0;
  let s = spanOf(p);
  return setBit(verifyBits(s), slotIndex(s, p)) ? p : 0;
}

function reach(slot: usize): void {
  let p = firstReach(slot);
  if (p == 0) return;
  reachedObjects++;
  reachedBytes += slotOf(p);
  if (top < queueCap) {
    store<u32>(verifyQueueBase + (<usize>top << 2), <u32>p);
    top++;
  } else {
    overflowed = true;
  }
}

function reachFields(p: usize): void {
  let n = fieldsOf(p);
  for (let k: u32 = 0; k < n; k++) reach(p + abi.HEADER_BYTES + (<usize>k << 2));
}

function drainReach(): void {
  while (top > 0) {
    top--;
    reachFields(<usize>load<u32>(verifyQueueBase + (<usize>top << 2)));
  }
}

/** Marks every reachable object in the verify bits; numbers the spans. Returns N. */
function markReachable(): u32 {
  memory.fill(verifyBitsBase, 0, <usize>mappedPages * BITMAP_BYTES_PER_PAGE);
  top = 0;
  overflowed = false;
  reachedObjects = 0;
  reachedBytes = 0;
  if (rootMask != 0) forEachRootExcept(rootMask, reach); else forEachRoot(reach);
  drainReach();
  while (overflowed) {
    // The queue overflowed: rescan every reached object (its reached children are skipped), as the verifier does.
    overflowed = false;
    let p: u32 = 0;
    while (p < mappedPages) {
      let s = pageOwner(p);
      if (s != p) { p++; continue; }
      p += spanPages(s);
      let st = spanState(s);
      if (st != SPAN_SMALL && st != SPAN_LARGE) continue;
      let n = spanNelems(s);
      let bits = verifyBits(s);
      for (let i: u32 = 0; i < n; i++) {
        if ((load<u64>(bits + ((<usize>i >> 6) << 3)) & (<u64>1 << (i & 63))) == 0) continue;
        reachFields(spanBase(s) + <usize>i * spanElemSize(s));
        drainReach();
      }
    }
  }
  // Dense numbering: each object span records how many reached objects lie below it.
  let running: u32 = 0;
  let p: u32 = 0;
  while (p < mappedPages) {
    let s = pageOwner(p);
    if (s != p) { p++; continue; }
    p += spanPages(s);
    let st = spanState(s);
    if (st != SPAN_SMALL && st != SPAN_LARGE) continue;
    setSpanAux(s, running);
    running += countBits(verifyBits(s), spanNelems(s));
  }
  if (!ASC_NO_ASSERT) assert(running == reachedObjects, "dense numbering disagrees with the reached count");
  return running;
}

/**
 * Calls `visit(address, index)` for every reached object in address order
 * (index 1 … N). The walk the host's heap snapshot would take, too.
 */
function forEachReached(visit: (p: usize, a: u32) => void): void {
  let a: u32 = 0;
  let p: u32 = 0;
  while (p < mappedPages) {
    let s = pageOwner(p);
    if (s != p) { p++; continue; }
    p += spanPages(s);
    let st = spanState(s);
    if (st != SPAN_SMALL && st != SPAN_LARGE) continue;
    let bits = verifyBits(s);
    let words = (spanNelems(s) + 63) >> 6;
    let base = spanBase(s);
    let elem = <usize>spanElemSize(s);
    for (let w: u32 = 0; w < words; w++) {
      let bitsW = load<u64>(bits + (<usize>w << 3));
      while (bitsW != 0) {
        let i = (w << 6) + <u32>ctz(bitsW);
        bitsW &= bitsW - 1;
        a++;
        visit(base + <usize>i * elem, a);
      }
    }
  }
}

// ── The region ───────────────────────────────────────────────────────────────

/** Makes at least `bytes` of the region usable; false (nothing changed) if wasm32 cannot hold it. */
function ensureRegion(bytes: u64): bool {
  if (bytes <= regionBytes) return true;
  wantedBytes = bytes;
  let end = <u64>analysisBase + bytes;
  if (end > (<u64>1 << 32)) return false;
  let have = <u64>memory.size() * WASM_PAGE;
  if (end > have) {
    let pages = (end - have + WASM_PAGE - 1) / WASM_PAGE;
    if (memory.grow(<i32>pages) < 0) return false;
    memoryGrown();
    have = <u64>memory.size() * WASM_PAGE;
  }
  regionBytes = have - <u64>analysisBase;
  return true;
}

// ── Depth-first searches (phases 1 and 5) ──────────────────────────────────

let PRE: usize = 0; // pre[A]
let PAR: usize = 0; // parent[pre]; 0 is the super-root
let CUR: usize = 0; // cursor[pre]: the next field to look at, then (second search) the object's address
let CNT: usize = 0; // first search: non-tree in-degree[pre]
let secondSearch: bool = false;
let preCount: u32 = 0;
let edgeCount: u64 = 0;
let nonTreeEdges: u64 = 0;

// @ts-ignore: decorator
@inline function discover(a: u32, parent: u32): u32 {
  let w = ++preCount;
  put(PRE, a, w);
  put(PAR, w, parent);
  return w;
}

/** A non-tree edge v → w (the first search counts them per target: the predecessor lists' sizes). */
// @ts-ignore: decorator
@inline function countNonTree(v: u32, w: u32): void {
  if (w == v || get(PAR, w) == v) return; // a self-loop, or the tree edge again: nothing for the semidominators
  put(CNT, w, get(CNT, w) + 1);
  nonTreeEdges++;
}

/** The super-root's edge through one root slot. */
function dfsRoot(slot: usize): void {
  let q = <usize>load<u32>(slot);
  if (q == 0) return;
  let a = denseIndex(q);
  if (a == 0) return;
  if (!secondSearch) edgeCount++;
  let w = get(PRE, a);
  if (w != 0) {
    if (!secondSearch) countNonTree(0, w);
    return;
  }
  dfsFrom(q, a);
}

/** Depth-first search from root object `q` (index `a`), iterative: the path is the parent links, each node's position its cursor. */
function dfsFrom(q: usize, a: u32): void {
  let t = discover(a, 0);
  let obj = q;
  let c = obj + abi.HEADER_BYTES;
  let end = c + (<usize>fieldsOf(obj) << 2);
  while (true) {
    if (c < end) {
      let x = <usize>load<u32>(c);
      c += 4;
      if (x == 0) continue;
      let ax = denseIndex(x);
      if (ax == 0) continue;
      if (!secondSearch) edgeCount++;
      let w = get(PRE, ax);
      if (w == 0) {
        put(CUR, t, <u32>c);
        t = discover(ax, t);
        obj = x;
        c = obj + abi.HEADER_BYTES;
        end = c + (<usize>fieldsOf(obj) << 2);
      } else if (!secondSearch) {
        countNonTree(t, w);
      }
      continue;
    }
    if (secondSearch) put(CUR, t, <u32>obj);
    let up = get(PAR, t);
    if (up == 0) return;
    t = up;
    c = <usize>get(CUR, t);
    obj = objectContaining(c - 4); // the field last read lies inside the object
    end = obj + abi.HEADER_BYTES + (<usize>fieldsOf(obj) << 2);
  }
}

function depthFirst(second: bool, pre: usize, parent: usize, cursor: usize, counts: usize): void {
  secondSearch = second;
  PRE = pre;
  PAR = parent;
  CUR = cursor;
  CNT = counts;
  preCount = 0;
  memory.fill(pre, 0, <usize>objects << 2);
  if (!second) {
    memory.fill(counts, 0, <usize>objects << 2);
    edgeCount = 0;
    nonTreeEdges = 0;
  }
  forEachRoot(dfsRoot);
  if (!ASC_NO_ASSERT) assert(preCount == objects, "a depth-first search missed reachable objects");
}

// ── Predecessor lists (phase 2) ─────────────────────────────────────────────

let PREDS: usize = 0; // 0-based: the non-tree predecessors, grouped by target
let RUNS: usize = 0; // RUNS[t]: end of t's run (start of t+1's) once filled

// @ts-ignore: decorator
@inline function addPred(v: u32, w: u32): void {
  let k = get(RUNS, w);
  store<u32>(PREDS + (<usize>k << 2), v);
  put(RUNS, w, k + 1);
}

function fillRoot(slot: usize): void {
  let q = <usize>load<u32>(slot);
  if (q == 0) return;
  let a = denseIndex(q);
  if (a == 0) return;
  let w = get(PRE, a);
  if (get(PAR, w) != 0) addPred(0, w);
}

function fillObject(p: usize, a: u32): void {
  let v = get(PRE, a);
  let c = p + abi.HEADER_BYTES;
  let end = c + (<usize>fieldsOf(p) << 2);
  for (; c < end; c += 4) {
    let x = <usize>load<u32>(c);
    if (x == 0) continue;
    let ax = denseIndex(x);
    if (ax == 0) continue;
    let w = get(PRE, ax);
    if (w != v && get(PAR, w) != v) addPred(v, w);
  }
}

/** Start of target w's run of predecessors (its end is RUNS[w]). */
// @ts-ignore: decorator
@inline function runStart(w: u32): u32 { return w == 1 ? 0 : get(RUNS, w - 1); }

// ── Semidominators (phase 3): Semi-NCA's eval by pointer reversal ───────────

let MS: usize = 0; // minSemi[pre]: the least semidominator on the compressed path (LLVM's semi of the label)
let ANC: usize = 0; // ancestor[pre]: the DFS parent, compressed

/**
 * The least semidominator on the path from `v` up the forest of nodes
 * already processed (those numbered above `w`), compressing the path: LLVM's
 * eval(v, w + 1), with the path kept by reversing the ancestor links on the
 * way up instead of on a stack.
 */
function evalMin(v: u32, w: u32): u32 {
  if (v <= w) return v; // not yet processed: its own number
  if (get(ANC, v) <= w) return get(MS, v);
  let prev: u32 = NONE;
  let x = v;
  while (get(ANC, x) > w) {
    let next = get(ANC, x);
    put(ANC, x, prev);
    prev = x;
    x = next;
  }
  let root = get(ANC, x);
  let best = get(MS, x);
  let y = prev;
  while (y != NONE) {
    let below = get(ANC, y);
    put(ANC, y, root);
    let m = get(MS, y);
    if (best < m) put(MS, y, best); else best = m;
    y = below;
  }
  return best;
}

function semidominators(): void {
  for (let w = objects; w >= 1; w--) {
    let lo = runStart(w);
    let hi = get(RUNS, w);
    let s = get(ANC, w); // the DFS parent: w is not processed, so its link is intact
    for (let k = lo; k < hi; k++) {
      let m = evalMin(load<u32>(PREDS + (<usize>k << 2)), w);
      if (m < s) s = m;
    }
    put(MS, w, s);
    if (hi > lo) store<u32>(PREDS + (<usize>lo << 2), s); // kept for phase 4: only nodes with a run can have semi ≠ parent
  }
}

// ── Site unions (phase 7) ───────────────────────────────────────────────────

let FC: usize = 0;
let NS: usize = 0;
let IDOM: usize = 0;
let ADDR: usize = 0;
let total: u64 = 0;
let totalObjects: u64 = 0;

// @ts-ignore: decorator
@inline function scratchCount(site: u32): usize { return anScratchBase + (<usize>site << 2); }
// @ts-ignore: decorator
@inline function scratchObjects(site: u32): usize { return anScratchBase + (<usize>abi.MAX_SITES << 2) + (<usize>site << 3); }
// @ts-ignore: decorator
@inline function scratchBytes(site: u32): usize { return anScratchBase + (<usize>abi.MAX_SITES * 12) + (<usize>site << 3); }
// @ts-ignore: decorator
@inline function siteSlot(site: u32, k: i32): usize { return anSitesBase + ((<usize>site * abi.AS_SLOTS + <usize>k) << 3); }
// @ts-ignore: decorator
@inline function bumpSite(site: u32, k: i32, by: f64): void { store<f64>(siteSlot(site, k), load<f64>(siteSlot(site, k)) + by); }

function enterNode(x: u32): void {
  let p = <usize>get(ADDR, x);
  let site = siteOf(p);
  let slot = slotOf(p);
  let c = load<u32>(scratchCount(site));
  if (c == 0) {
    store<u64>(scratchObjects(site), totalObjects);
    store<u64>(scratchBytes(site), total);
  }
  store<u32>(scratchCount(site), c + 1);
  total += slot;
  totalObjects++;
  bumpSite(site, abi.AS_REACHABLE_OBJECTS, 1);
  bumpSite(site, abi.AS_REACHABLE_BYTES, <f64>slot);
}

function exitNode(x: u32): void {
  let site = siteOf(<usize>get(ADDR, x));
  let c = load<u32>(scratchCount(site)) - 1;
  store<u32>(scratchCount(site), c);
  if (c == 0) {
    bumpSite(site, abi.AS_RETAINED_OBJECTS, <f64>(totalObjects - load<u64>(scratchObjects(site))));
    bumpSite(site, abi.AS_RETAINED_BYTES, <f64>(total - load<u64>(scratchBytes(site))));
  }
}

/** Walks the dominator tree (first-child / next-sibling links, up through idom): per-site unions of subtrees. */
function siteUnions(): void {
  memory.fill(anSitesBase, 0, <usize>abi.MAX_SITES * abi.AS_SLOTS * 8);
  memory.fill(anScratchBase, 0, AN_SCRATCH_BYTES);
  memory.fill(FC, 0xff, <usize>objects << 2);
  let rootHead: u32 = NONE;
  for (let w = objects; w >= 1; w--) {
    let d = get(IDOM, w);
    if (d == 0) {
      put(NS, w, rootHead);
      rootHead = w;
    } else {
      put(NS, w, get(FC, d));
      put(FC, d, w);
    }
  }
  total = 0;
  totalObjects = 0;
  let x = rootHead;
  while (x != NONE) {
    enterNode(x);
    let child = get(FC, x);
    if (child != NONE) { x = child; continue; }
    while (true) {
      exitNode(x);
      let sib = get(NS, x);
      if (sib != NONE) { x = sib; break; }
      x = get(IDOM, x);
      if (x == 0) { x = NONE; break; }
    }
  }
}

// ── Retainers (phase 10) ────────────────────────────────────────────────────

let RET: usize = 0; // retainer[A]: address of the word that points to the object first, breadth first
let QUEUE: usize = 0; // 0-based FIFO of object addresses
let qTail: u32 = 0;
let maxDepth: u32 = 0;

function bfsRoot(slot: usize): void {
  let q = <usize>load<u32>(slot);
  if (q == 0) return;
  let a = denseIndex(q);
  if (a == 0 || get(RET, a) != 0) return;
  put(RET, a, <u32>slot);
  store<u32>(QUEUE + (<usize>qTail << 2), <u32>q);
  qTail++;
}

function breadthFirst(): void {
  memory.fill(U1, 0, <usize>objects << 2);
  RET = U1;
  QUEUE = U3;
  qTail = 0;
  forEachRoot(bfsRoot);
  let head: u32 = 0;
  let levelEnd = qTail;
  let depth: u32 = qTail > 0 ? 1 : 0;
  while (head < qTail) {
    if (head == levelEnd) {
      levelEnd = qTail;
      depth++;
    }
    let p = <usize>load<u32>(QUEUE + (<usize>head << 2));
    head++;
    let c = p + abi.HEADER_BYTES;
    let end = c + (<usize>fieldsOf(p) << 2);
    for (; c < end; c += 4) {
      let x = <usize>load<u32>(c);
      if (x == 0) continue;
      let a = denseIndex(x);
      if (a == 0 || get(RET, a) != 0) continue;
      put(RET, a, <u32>c);
      store<u32>(QUEUE + (<usize>qTail << 2), <u32>x);
      qTail++;
    }
  }
  if (!ASC_NO_ASSERT) assert(qTail == objects, "the breadth-first search missed reachable objects");
  maxDepth = depth;
}

function recordObject(p: usize, a: u32): void { put(U3, a, <u32>p); }

// ── analyze ──────────────────────────────────────────────────────────────────

// @ts-ignore: decorator
@inline function info(i: i32, v: f64): void { store<f64>(anInfoBase + (<usize>i << 3), v); }

let lapNs: f64 = 0;
/** Records the wall time since the previous lap in info slot `i` (abi AI_NS_*): where an analysis spends its time. */
function lap(i: i32): void {
  let t = nowNs();
  info(i, t - lapNs);
  lapNs = t;
}

/**
 * Runs the analysis for `what` (abi ANALYZE_*; dominators include
 * retainers). Returns N ≥ 0, or −E_OUT_OF_MEMORY when the side tables do
 * not fit (wantedBytes says how many were needed; nothing changed).
 */
export function analyze(what: u32): i32 {
  if ((what & abi.ANALYZE_DOMINATORS) != 0) what |= abi.ANALYZE_RETAINERS;
  if (fresh(what)) return <i32>objects;
  let t0 = nowNs();
  lapNs = t0;
  computed = 0;
  memory.fill(anInfoBase, 0, abi.INFO_SLOTS * 8);
  let n = markReachable();
  lap(abi.AI_NS_REACH);
  // Four tables of n entries; U2 is last, so the predecessor lists can spill past it.
  if (!ensureRegion(<u64>n << 4)) return -abi.E_OUT_OF_MEMORY;
  objects = n;
  let tableBytes = <u64>n << 4;
  U0 = analysisBase;
  U1 = U0 + (<usize>n << 2);
  U3 = U1 + (<usize>n << 2);
  U2 = U3 + (<usize>n << 2);
  if (n > 0 && (what & abi.ANALYZE_DOMINATORS) != 0) {
    // 1. First depth-first search: preorder, parents, non-tree in-degrees.
    depthFirst(false, U0, U1, U2, U3);
    // 2. Predecessor lists (non-tree edges only), grouped by target, in U2 and past it if need be.
    if (nonTreeEdges > <u64>n) {
      tableBytes = (<u64>n << 4) + ((nonTreeEdges - <u64>n) << 2);
      if (!ensureRegion(tableBytes)) { objects = 0; return -abi.E_OUT_OF_MEMORY; }
    }
    PREDS = U2;
    RUNS = U3;
    let running: u32 = 0;
    for (let t: u32 = 1; t <= n; t++) {
      let c = get(RUNS, t);
      put(RUNS, t, running);
      running += c;
    }
    if (nonTreeEdges > 0) {
      // (With none — a tree, a list — every run is empty and the edges need no second look.)
      forEachRoot(fillRoot);
      forEachReached(fillObject);
    }
    if (!ASC_NO_ASSERT) assert(get(RUNS, n) == <u32>nonTreeEdges, "predecessor lists disagree with the counts");
    lap(abi.AI_NS_ORDER);
    // 3. Semidominators, in reverse preorder; the DFS parents (U1) become the ancestor links.
    MS = U0;
    ANC = U1;
    semidominators();
    // 4. Each node's semidominator, or NONE when it is its DFS parent (no run: no other predecessor).
    for (let w: u32 = 1; w <= n; w++) {
      let lo = runStart(w);
      put(U0, w, get(RUNS, w) > lo ? load<u32>(PREDS + (<usize>lo << 2)) : NONE);
    }
    lap(abi.AI_NS_SEMI);
    // 5. The same depth-first search again, for the parents, and each node's address.
    depthFirst(true, U1, U2, U3, 0);
    lap(abi.AI_NS_RENUMBER);
    // 6. idom(w) = the nearest common ancestor of parent(w) and semi(w): walk up the idoms already known.
    IDOM = U2;
    for (let w: u32 = 1; w <= n; w++) {
      let s = get(U0, w);
      if (s == NONE) continue;
      let d = get(IDOM, w);
      while (d > s) d = get(IDOM, d);
      put(IDOM, w, d);
    }
    // 7. Per-site unions of dominator subtrees.
    ADDR = U3;
    FC = U0;
    NS = U1;
    siteUnions();
    // 8. Retained sizes, children before parents (idom(w) < w); then idoms as addresses.
    for (let w: u32 = 1; w <= n; w++) put(U0, w, slotOf(<usize>get(ADDR, w)));
    let rootsRetain: u64 = 0;
    for (let w = n; w >= 1; w--) {
      let d = get(IDOM, w);
      if (d == 0) rootsRetain += get(U0, w); else put(U0, d, get(U0, d) + get(U0, w));
    }
    if (!ASC_NO_ASSERT) assert(rootsRetain == reachedBytes, "retained sizes do not add up to the reachable bytes");
    for (let w: u32 = 1; w <= n; w++) {
      let d = get(IDOM, w);
      put(IDOM, w, d == 0 ? 0 : get(ADDR, d));
    }
    // 9. From preorder to address order, in place: follow each cycle of the permutation, marking done in bit 0 of the address.
    for (let i: u32 = 1; i <= n; i++) {
      let ai = get(ADDR, i);
      if (ai & 1) continue;
      let carryIdom = get(IDOM, i);
      let carrySize = get(U0, i);
      put(ADDR, i, ai | 1);
      let j = denseIndex(<usize>ai);
      while (j != i) {
        let aj = get(ADDR, j);
        let ti = get(IDOM, j);
        let ts = get(U0, j);
        put(IDOM, j, carryIdom);
        put(U0, j, carrySize);
        carryIdom = ti;
        carrySize = ts;
        put(ADDR, j, aj | 1);
        j = denseIndex(<usize>aj);
      }
      put(IDOM, i, carryIdom);
      put(U0, i, carrySize);
    }
    lap(abi.AI_NS_TREE);
  }
  if (n > 0) {
    // 10. Breadth-first retainers; 11. the objects in address order.
    breadthFirst();
    forEachReached(recordObject);
    lap(abi.AI_NS_RETAINERS);
  } else {
    maxDepth = 0;
  }
  computed = what;
  stampClock = mutatorClock;
  stampVerify = verifyRuns;
  generation++;
  info(abi.AI_OBJECTS, <f64>n);
  info(abi.AI_BYTES, <f64>reachedBytes);
  info(abi.AI_EDGES, <f64>edgeCount);
  info(abi.AI_NONTREE_EDGES, <f64>nonTreeEdges);
  info(abi.AI_TABLE_BYTES, <f64>tableBytes);
  info(abi.AI_REGION_BYTES, <f64>regionBytes);
  info(abi.AI_GENERATION, <f64>generation);
  info(abi.AI_FLAGS, <f64>what);
  info(abi.AI_MAX_DEPTH, <f64>maxDepth);
  info(abi.AI_NS, nowNs() - t0);
  if ((what & abi.ANALYZE_DOMINATORS) == 0) {
    // Retainers only: no edge counts were taken.
    info(abi.AI_EDGES, -1);
    info(abi.AI_NONTREE_EDGES, -1);
  }
  return <i32>n;
}

// ── Queries (the caller checked that `p` is a live object and the analysis is fresh) ──

/** The table or block `which` names (abi AN_*), 0 for none. */
export function address(which: u32): usize {
  switch (which) {
    case abi.AN_OBJECTS: return U3;
    case abi.AN_IDOM: return U2;
    case abi.AN_RETAINED: return U0;
    case abi.AN_RETAINER: return U1;
    case abi.AN_SITES: return anSitesBase;
    case abi.AN_TOP: return anTopBase;
    case abi.AN_PATH: return anPathBase;
    case abi.AN_INFO: return anInfoBase;
    case abi.AN_ROOTS: return analysisBase + (<usize>objects << 4);
    default: return 0;
  }
}

export function idomOf(a: u32): usize { return <usize>get(U2, a); }
export function retainedOf(a: u32): u32 { return get(U0, a); }

// ── Top retainers: a min-heap of the k best in the top block ────────────────

// @ts-ignore: decorator
@inline function topAddr(i: u32): usize { return anTopBase + (<usize>i << 3); }

/** Entry i ranks below entry j: smaller retained size, or equal and a higher address. */
function below(i: u32, j: u32): bool {
  let ri = load<u32>(topAddr(i), 4);
  let rj = load<u32>(topAddr(j), 4);
  return ri < rj || (ri == rj && load<u32>(topAddr(i)) > load<u32>(topAddr(j)));
}

function swapTop(i: u32, j: u32): void {
  let t = load<u64>(topAddr(i));
  store<u64>(topAddr(i), load<u64>(topAddr(j)));
  store<u64>(topAddr(j), t);
}

/** Restores the min-heap property at `i` in a heap of `size` (the lowest-ranked entry at the top). */
function siftDown(i: u32, size: u32): void {
  while (true) {
    let l: u32 = 2 * i + 1;
    if (l >= size) return;
    let m = l;
    if (l + 1 < size && below(l + 1, l)) m = l + 1;
    if (!below(m, i)) return;
    swapTop(i, m);
    i = m;
  }
}

/** Fills the top block with the `k` objects of largest retained size, largest first; returns how many. */
export function topRetainers(k: u32): u32 {
  let size: u32 = 0;
  for (let a: u32 = 1; a <= objects; a++) {
    let r = get(U0, a);
    let p = get(U3, a);
    if (size < k) {
      // Sift up the new entry.
      let i = size++;
      store<u32>(topAddr(i), p);
      store<u32>(topAddr(i), r, 4);
      while (i > 0) {
        let parent = (i - 1) >> 1;
        if (!below(i, parent)) break;
        swapTop(i, parent);
        i = parent;
      }
    } else if (size > 0) {
      let rt = load<u32>(topAddr(0), 4);
      if (r > rt || (r == rt && p < load<u32>(topAddr(0)))) {
        store<u32>(topAddr(0), p);
        store<u32>(topAddr(0), r, 4);
        siftDown(0, size);
      }
    }
  }
  // Heap sort: repeatedly move the lowest-ranked to the end, so the block ends largest first.
  for (let end = size; end > 1; end--) {
    swapTop(0, end - 1);
    siftDown(0, end - 1);
  }
  return size;
}

// ── Retainer paths ───────────────────────────────────────────────────────────

/** The last step() decoded: its kind and words (abi STEP_*: a, b, c). */
let stepKind: u32 = 0;
let stepA: u32 = 0;
let stepB: u32 = 0;
let stepC: u32 = 0;

/**
 * Decodes the step for the word `slot` that points to `target` into
 * stepKind/A/B/C and, if `out` is not 0, writes it there; returns the object
 * holding that word (the previous step's target), or 0 for a root.
 */
function step(slot: usize, target: usize, out: usize): usize {
  let kind: u32 = 0;
  let a: u32 = 0;
  let b: u32 = 0;
  let c: u32 = 0;
  let holder: usize = 0;
  let s = spanOf(slot);
  if (s != NONE) {
    if (spanState(s) == SPAN_STACK) {
      kind = abi.STEP_STACK;
      if (describeStackSlot(slot)) {
        a = slotGoroutine;
        b = slotFrame;
        c = slotInFrame;
      }
    } else {
      holder = objectContaining(slot);
      kind = abi.STEP_FIELD;
      a = <u32>holder;
      b = <u32>((slot - holder - abi.HEADER_BYTES) >> 2);
    }
  } else if (slot >= globalsBase && slot < globalsBase + (<usize>globalsCount << 2)) {
    kind = abi.STEP_GLOBAL;
    a = <u32>((slot - globalsBase) >> 2);
  } else if (slot >= pinSlot(0) && slot < pinSlot(PIN_WORDS)) {
    kind = abi.STEP_PIN;
    a = <u32>((slot - pinSlot(0)) >> 2);
  }
  stepKind = kind;
  stepA = a;
  stepB = b;
  stepC = c;
  if (out != 0) {
    store<u32>(out, kind);
    store<u32>(out, a, 4);
    store<u32>(out, b, 8);
    store<u32>(out, c, 12);
    store<u32>(out, <u32>target, 16);
  }
  return holder;
}

/**
 * The shortest path from a root to object `p` (index `a`): writes steps
 * [skip, skip + PATH_MAX_STEPS) of it, root first, into the path block and
 * returns the number of steps of the whole path.
 */
export function retainerPath(p: usize, a: u32, skip: u32): u32 {
  let length: u32 = 0;
  let x = p;
  let ax = a;
  while (true) {
    length++;
    let s = <usize>get(U1, ax);
    if (!ASC_NO_ASSERT) assert(s != 0, "a reached object without a retainer");
    x = step(s, x, 0);
    if (x == 0) break;
    ax = denseIndex(x);
  }
  // Step k (0 = the root) of the path is the (length − 1 − k)-th from the object.
  x = p;
  ax = a;
  for (let j: u32 = 0; j < length; j++) {
    let k = length - 1 - j;
    let out: usize = k >= skip && k - skip < <u32>abi.PATH_MAX_STEPS ? anPathBase + <usize>(k - skip) * abi.PATH_STEP_WORDS * 4 : 0;
    if (out == 0 && k < skip) break; // every remaining step lies before the window
    x = step(<usize>get(U1, ax), x, out);
    if (x == 0) break;
    ax = denseIndex(x);
  }
  return length;
}

// ── Root slots (the heap snapshot's root edges) ─────────────────────────────
//
// Every root slot that holds a reached object, in forEachRoot's order —
// the globals, the pins, then each live goroutine's frames, top frame first
// — as path-block steps (kind, a, b, c, target; STEP_GLOBAL, STEP_PIN or
// STEP_STACK with goroutine, frame and slot), ROOT_ENTRY_BYTES each, written
// just after the four tables (the region grown for them if need be). Only
// the predecessor lists' spill, during phases 2–3, ever used that memory, so
// the tables stay valid and the analysis fresh. One pass counts, a second
// writes: describeStackSlot per slot would cost a walk of every goroutine.
//
//   analysisBase + 16·N ──┬ entry 0: kind | a | b | c | target   (u32 each)
//                         ├ entry 1 …
//                         └ entry R−1

// @ts-ignore: decorator
@inline const ROOT_ENTRY_BYTES: usize = abi.PATH_STEP_WORDS * 4;

/** Where the entries go; 0 while counting. */
let ROOTS: usize = 0;
let rootCount: u32 = 0;
let rootGoroutine: u32 = 0;

/** A global or a pin. */
function rootGlobalSlot(slot: usize): void {
  let q = <usize>load<u32>(slot);
  if (q == 0 || denseIndex(q) == 0) return;
  if (ROOTS != 0) step(slot, q, ROOTS + <usize>rootCount * ROOT_ENTRY_BYTES);
  rootCount++;
}

function rootStackSlot(slot: usize, frame: u32, index: u32): void {
  let q = <usize>load<u32>(slot);
  if (q == 0 || denseIndex(q) == 0) return;
  if (ROOTS != 0) {
    let out = ROOTS + <usize>rootCount * ROOT_ENTRY_BYTES;
    store<u32>(out, abi.STEP_STACK);
    store<u32>(out, rootGoroutine, 4);
    store<u32>(out, frame, 8);
    store<u32>(out, index, 12);
    store<u32>(out, <u32>q, 16);
  }
  rootCount++;
}

function walkRootSlots(): void {
  rootCount = 0;
  forEachGlobal(rootGlobalSlot);
  let n = goroutineSlots();
  for (let i: u32 = 0; i < n; i++) {
    let d = liveGoroutineAt(i);
    if (d == 0) continue;
    rootGoroutine = goroutineId(d);
    scanStackFrames(d, rootStackSlot);
  }
}

/**
 * Writes the root-slot entries of the last analysis (the caller checked it
 * is fresh) at address(AN_ROOTS); returns how many, or −E_OUT_OF_MEMORY
 * (wantedBytes set) when they do not fit in wasm32.
 */
export function rootSlots(): i32 {
  ROOTS = 0;
  walkRootSlots();
  let count = rootCount;
  let at = <u64>objects << 4;
  if (!ensureRegion(at + <u64>count * ROOT_ENTRY_BYTES)) return -abi.E_OUT_OF_MEMORY;
  ROOTS = analysisBase + <usize>at;
  walkRootSlots();
  if (!ASC_NO_ASSERT) assert(rootCount == count, "root slots changed between counting and writing");
  return <i32>count;
}

// ── Retainer path shapes ─────────────────────────────────────────────────────
//
// A path's shape is its steps with each run of equal steps (same kind, same
// holder site and field — or the same root slot) folded into one entry and
// a count: a 100 000-object chain is a handful of entries, read without
// handing 100 000 steps to the host. Entries use the path block, PATH_STEP_WORDS
// u32 each: kind, a, b, c, count, where a field step's a is the holder's
// site (not its address) and a stack step's a is the goroutine id.

// @ts-ignore: decorator
@inline function shapeEntry(k: u32): usize { return anPathBase + <usize>k * abi.PATH_STEP_WORDS * 4; }

/** The current step's identity word a: the holder's site for a field step. */
// @ts-ignore: decorator
@inline function stepKey(holder: usize): u32 { return stepKind == abi.STEP_FIELD ? siteOf(holder) : stepA; }

/**
 * The shape of the shortest path from a root to object `p` (index `a`):
 * writes entries [skip, skip + PATH_MAX_STEPS) of it, root first, into the
 * path block and returns how many entries the whole shape has. One walk
 * when it fits (entries are written from the far end, then reversed);
 * a second walk only for shapes of more than PATH_MAX_STEPS entries.
 */
export function retainerShape(p: usize, a: u32, skip: u32): u32 {
  let cap = <u32>abi.PATH_MAX_STEPS;
  let runs: u32 = 0;
  let x = p;
  let ax = a;
  let kind: u32 = 0;
  let ka: u32 = 0;
  let kb: u32 = 0;
  let kc: u32 = 0;
  let count: u32 = 0;
  // Walk 1: runs counted from the object up; kept (in reverse) while they fit.
  while (true) {
    let slot = <usize>get(U1, ax);
    if (!ASC_NO_ASSERT) assert(slot != 0, "a reached object without a retainer");
    let holder = step(slot, x, 0);
    let key = stepKey(holder);
    if (count > 0 && stepKind == kind && key == ka && stepB == kb && stepC == kc) {
      count++;
    } else {
      if (count > 0) {
        if (runs < cap) writeShape(runs, kind, ka, kb, kc, count);
        runs++;
      }
      kind = stepKind; ka = key; kb = stepB; kc = stepC; count = 1;
    }
    if (holder == 0) break;
    x = holder;
    ax = denseIndex(x);
  }
  if (runs < cap) writeShape(runs, kind, ka, kb, kc, count);
  runs++;
  if (runs <= cap && skip == 0) {
    // Root first: reverse the entries in place.
    for (let i: u32 = 0, j = runs - 1; i < j; i++, j--) {
      for (let w: u32 = 0; w < <u32>abi.PATH_STEP_WORDS; w++) {
        let t = load<u32>(shapeEntry(i) + (<usize>w << 2));
        store<u32>(shapeEntry(i) + (<usize>w << 2), load<u32>(shapeEntry(j) + (<usize>w << 2)));
        store<u32>(shapeEntry(j) + (<usize>w << 2), t);
      }
    }
    return runs;
  }
  // Walk 2 (long shapes, or a later window): entry k from the root is run runs − 1 − j from the object.
  x = p;
  ax = a;
  count = 0;
  let j: u32 = 0;
  while (true) {
    let holder = step(<usize>get(U1, ax), x, 0);
    let key = stepKey(holder);
    if (count > 0 && stepKind == kind && key == ka && stepB == kb && stepC == kc) {
      count++;
    } else {
      if (count > 0) { placeShape(runs - 1 - j, skip, kind, ka, kb, kc, count); j++; }
      kind = stepKind; ka = key; kb = stepB; kc = stepC; count = 1;
    }
    if (holder == 0) break;
    x = holder;
    ax = denseIndex(x);
  }
  placeShape(runs - 1 - j, skip, kind, ka, kb, kc, count);
  return runs;
}

function writeShape(k: u32, kind: u32, a: u32, b: u32, c: u32, count: u32): void {
  let o = shapeEntry(k);
  store<u32>(o, kind);
  store<u32>(o, a, 4);
  store<u32>(o, b, 8);
  store<u32>(o, c, 12);
  store<u32>(o, count, 16);
}

/** Writes entry `k` (from the root) if it falls in the window [skip, skip + PATH_MAX_STEPS). */
function placeShape(k: u32, skip: u32, kind: u32, a: u32, b: u32, c: u32, count: u32): void {
  if (k >= skip && k - skip < <u32>abi.PATH_MAX_STEPS) writeShape(k - skip, kind, a, b, c, count);
}

// ── What goroutines retain, and what their frames hold ─────────────────────────

/**
 * Pass 0 without the stacks of the goroutines whose slot bit is set in the
 * goroutine mask (layout.ts): the slot bytes still reachable when those
 * goroutines are gone. Reachable-with-everything minus this is exactly what
 * their stacks alone keep alive — the bytes they retain — however the
 * objects are shared among them (a dominator tree with one super-root cannot
 * say this for a set of roots, so it is two passes, not a tree query). Uses
 * the verify bits: the last analysis is stale afterwards.
 */
export function reachableWithout(): u64 {
  computed = 0;
  rootMask = goroutineMaskBase;
  markReachable();
  rootMask = 0;
  return reachedBytes;
}

/** Reachable objects the last pass 0 found (reachableWithout's count). */
export function lastReachedObjects(): u32 { return reachedObjects; }

let siteObjects: u32 = 0;

function holdSite(slot: usize): void {
  let p = firstReach(slot);
  if (p == 0) return;
  siteObjects++;
  let a = profileBase + (<usize>(abi.PROFILE_SITE_BASE + 2 * <i32>siteOf(p)) << 3);
  store<f64>(a, load<f64>(a) + 1);
  store<f64>(a + 8, load<f64>(a + 8) + <f64>slotOf(p));
}

/**
 * The objects the frames of the goroutines in the goroutine mask point to
 * directly, each once however many slots hold it: per site into the profile
 * block's site part (objects, slot bytes; the class part is cleared).
 * Returns how many. Uses the verify bits: the last analysis is stale afterwards.
 */
export function stackSites(): u32 {
  computed = 0;
  memory.fill(verifyBitsBase, 0, <usize>mappedPages * BITMAP_BYTES_PER_PAGE);
  memory.fill(profileBase, 0, abi.PROFILE_SLOTS * 8);
  siteObjects = 0;
  let n = goroutineSlots();
  for (let k: u32 = 0; k < n; k++) {
    let d = liveGoroutineAt(k);
    if (d != 0 && inMask(goroutineMaskBase, k)) scanStack(d, holdSite);
  }
  return siteObjects;
}
