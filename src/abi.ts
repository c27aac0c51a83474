/**
 * The contract between the wasm core and the host, compiled by both sides.
 *
 * AssemblyScript (assembly/) and TypeScript (src/) both import this file, so
 * every number that crosses the boundary — error codes, the object header
 * layout, the slots of the stats block — is written once. Keep it free of
 * imports and of types either compiler lacks: plain integer constants only.
 */

// ── Object layout ────────────────────────────────────────────────────────
//
//   address p (what the host calls a handle; 8-byte aligned, 0 is nil)
//   ├──────────────── +0 ─────────────────┼──────────────── +4 ──────────────────┤
//   │ payload bytes (pointer + scalar)    │ site id (12 bits) │ pointer slots (20)│
//   ├─────────────────────────────────────┴──────────────────────────────────────┤
//   │ +8: pointer slot 0, 1, … nptr-1 (u32 byte addresses, 0 = nil)              │
//   ├────────────────────────────────────────────────────────────────────────────┤
//   │ scalar bytes (never scanned)                                               │
//   └────────────────────────────────────────────────────────────────────────────┘

export const HEADER_BYTES = 8;
export const HDR_SIZE = 0;
export const HDR_META = 4;
export const NPTR_BITS = 20;
export const NPTR_MASK = 0xfffff;
export const MAX_POINTER_SLOTS = 0xfffff;
export const SITE_SHIFT = 20;
export const MAX_SITES = 4096;
export const PAGE_BYTES = 8192;
export const MAX_SMALL_OBJECT = 32768;

// ── Error codes (returned by exports; details via lastErrorAddr/lastErrorArg) ──

export const OK = 0;
export const E_NOT_IN_HEAP = 1;
export const E_MISALIGNED = 2;
export const E_FREED = 3;
export const E_NOT_OBJECT = 4;
export const E_FIELD_RANGE = 5;
export const E_NO_GOROUTINE = 6;
export const E_GOROUTINE_EXITED = 7;
export const E_NO_FRAME = 8;
export const E_SLOT_RANGE = 9;
export const E_STACK_EMPTY = 10;
export const E_GLOBAL_RANGE = 11;
export const E_OUT_OF_MEMORY = 12;
export const E_TOO_LARGE = 13;
export const E_BAD_ARGUMENT = 14;
export const E_TOO_MANY_GOROUTINES = 15;
export const E_SCALAR_RANGE = 16;

// ── Stats block: f64 slots filled by snapshotStats() ──────────────────────

export const S_CYCLES = 0;
export const S_HEAP_ALLOC_BYTES = 1; // bytes in allocated slots not yet reclaimed
export const S_HEAP_PEAK_BYTES = 2;
export const S_HEAP_MAPPED_BYTES = 3; // pages taken from the host by memory.grow
export const S_HEAP_MAX_BYTES = 4;
export const S_MARKED_BYTES = 5; // live bytes found by the last mark
export const S_MARKED_OBJECTS = 6;
export const S_OBJECTS_ALLOCATED = 7; // cumulative
export const S_BYTES_ALLOCATED = 8; // cumulative, in slot bytes
export const S_OBJECTS_FREED = 9; // cumulative, counted by sweep
export const S_BYTES_FREED = 10;
export const S_HEAP_GOAL = 11;
export const S_STACK_BYTES = 12;
export const S_GLOBALS_BYTES = 13;
export const S_SPANS_IN_USE = 14;
export const S_PAGES_FREE = 15;
export const S_PAUSE_TOTAL_NS = 16;
export const S_PAUSE_MAX_NS = 17;
export const S_WORDS_SCANNED = 18; // cumulative mark work
export const S_OBJECTS_SCANNED = 19;
export const S_QUEUE_OVERFLOWS = 20;
export const S_GOROUTINES = 21;
export const S_UNSWEPT_SPANS = 22;
export const S_GOGC = 23; // -1 means off
export const S_SPANS_FREED = 24; // cumulative: empty spans returned to the page heap
export const S_PAGES_REUSED = 25; // cumulative: page allocations served from freed pages
export const S_LOST_AT_MARK = 26; // cumulative: lost objects found by verify-at-mark
export const STATS_SLOTS = 32;

// ── Verify block: f64 slots filled by verify() ─────────────────────────────

export const V_REACHABLE_OBJECTS = 0;
export const V_REACHABLE_BYTES = 1;
export const V_LOST_OBJECTS = 2; // reachable, but the collector holds them dead
export const V_INTEGRITY_ERRORS = 3;
export const V_LIVE_OBJECTS = 4; // what the collector holds live
export const V_LIVE_BYTES = 5;
export const V_SAMPLES = 6; // number of (address, code) samples that follow
export const V_SAMPLE_BASE = 8; // pairs: address, code
export const V_MAX_SAMPLES = 16;
export const VERIFY_SLOTS = 8 + 2 * 16;

/** Verify modes: what "held live by the collector" means. */
export const VERIFY_AGAINST_ALLOC = 0; // the allocation state (any time)
export const VERIFY_AGAINST_MARK = 1; // the mark bits (right after a mark)

/** Integrity error codes in verify samples (besides E_* handle codes). */
export const I_LOST = 100;
export const I_BAD_HEADER = 101;
export const I_BAD_POINTER = 102;

// ── Profile block: per size class and per site, filled by heapProfile() ─────
//   [class c]: objects at PROFILE_CLASS_BASE + 2c, bytes at +2c+1 (class 0 = large)
//   [site s]:  objects at PROFILE_SITE_BASE + 2s, bytes at +2s+1

export const NUM_CLASSES = 66; // 0 = large, 1..65 = Go's classes from 16 B to 32 KiB
export const PROFILE_CLASS_BASE = 0;
export const PROFILE_SITE_BASE = 2 * 66;
export const PROFILE_SLOTS = 2 * 66 + 2 * 4096;

// ── GC events reported through the `gcEvent` import ────────────────────────

export const EV_PAUSE = 1; // one stop-the-world pause: a = words scanned, b = objects marked, c = bytes marked
