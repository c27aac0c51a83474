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

// ── Error codes ─────────────────────────────────────────────────────────────
// Exports that return a handle, an id or a stored value return the error
// code itself on failure: codes are below MIN_VALID, and no object address
// (the arena starts above 64 KiB) or goroutine id (gen << 16 | index, gen ≥ 1)
// is. A returned 0 is nil. Exports that return a status return OK or a code;
// counts come back negated. The failing value and index of the same call are
// in lastErrorAddr / lastErrorArg.

export const MIN_VALID = 0x10000;
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
export const S_HEAP_TRIGGER = 27; // -1 when no trigger (GOGC=off, no limit)
export const S_HEAP_LIVE = 28; // the pacer's heapLive
export const S_HEAP_CORRUPTIONS = 29; // cumulative: pointers met while marking that name no live object
export const S_FIRST_CORRUPTION = 30; // the first such pointer
export const S_QUARANTINED_BYTES = 31; // debug core: freed slots held in quarantine
export const S_MUTATOR_CLOCK = 32; // mutator time so far, in units (one unit ≈ one word of scanning)
export const S_GC_WORK = 33; // cumulative words of GC work: pauses + background + assists
export const S_FORCED_CYCLES = 34; // cycles started by collect() (runtime.GC())
export const S_LIMITER_ENABLED = 35; // times the GC CPU limiter turned on
export const S_GC_WORK_STW = 36; // of S_GC_WORK: in stop-the-world pauses
export const S_GC_WORK_BACKGROUND = 37; // of S_GC_WORK: background mark slices
export const S_GC_WORK_ASSIST = 38; // of S_GC_WORK: mark assists
export const STATS_SLOTS = 48;

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

export const NUM_CLASSES = 67; // 0 = large, 1..66 = Go's classes from 16 B to 32 KiB
export const PROFILE_CLASS_BASE = 0;
export const PROFILE_SITE_BASE = 2 * 67;
export const PROFILE_SLOTS = 2 * 67 + 2 * 4096;


// ── Barrier strategies (assembly/strategy.ts, src/engine/strategies.ts) ───

export const STRATEGY_STW = 0;
export const STRATEGY_DIJKSTRA = 1;
export const STRATEGY_YUASA = 2;
export const STRATEGY_HYBRID = 3;
export const STRATEGY_NONE = 4;

// ── GC events reported through the `gcEvent` import ────────────────────────
//   gcEvent(kind, cycle, t0, t1, a, b, c): a = words of work, b = stacks
//   scanned (for EV_PAUSE_STACK: the goroutine id), c = objects scanned.

export const EV_PAUSE_SWEEP_TERM = 1; // STW: sweep termination (+ stack scans for yuasa)
export const EV_PAUSE_MARK_TERM = 2; // STW: mark termination (+ dirty-stack rescans for dijkstra)
export const EV_PAUSE_STACK = 3; // one goroutine stopped while its stack is scanned
export const EV_PAUSE_FULL = 4; // STW: a whole stop-the-world cycle in one pause
export const EV_MARK_SLICE = 5; // background mark work at a safe point (not a pause)
export const EV_ASSIST = 6; // mark assist charged to an allocation (not a pause)
export const EV_CYCLE = 7; // a cycle ended: the cycle block holds its record

// ── Cycle block: f64 slots describing the cycle that just ended ────────────

export const C_CYCLE = 0;
export const C_FORCED = 1; // 1: started by collect() (runtime.GC())
export const C_START_NS = 2;
export const C_SWEEP_TERM_NS = 3; // wall time of the first pause (0 for stw: see C_MARK_TERM_NS)
export const C_MARK_NS = 4; // wall time from the end of the first pause to mark termination
export const C_MARK_TERM_NS = 5; // wall time of the last pause (stw: the whole pause)
export const C_HEAP_START = 6; // heapLive when the cycle started
export const C_HEAP_END = 7; // heapLive at mark termination
export const C_HEAP_MARKED = 8; // live bytes marked
export const C_HEAP_GOAL = 9; // the goal when the cycle ended (Go's lastHeapGoal, gctrace's "goal"); -1: none
export const C_NEXT_GOAL = 10; // the goal set for the next cycle; -1: none
export const C_STACK_BYTES = 11; // stack bytes allocated (Go's maxStackScan, gctrace's "stacks")
export const C_GLOBALS_BYTES = 12;
export const C_ASSIST_WORDS = 13;
export const C_BG_WORDS = 14;
export const C_ASSIST_NS = 15;
export const C_BG_NS = 16;
export const C_BARRIER_CALLS = 17;
export const C_BARRIER_SHADED = 18;
export const C_STACKS_SCANNED = 19;
export const C_RESCAN_WORDS = 20; // dijkstra: stack words rescanned at mark termination
export const C_LOST = 21; // objects the verifier found reachable but unmarked
export const C_FLOATING = 22; // marked but unreachable at mark termination (verified cycles only; else -1)
export const C_SWEEP_TERM_WORDS = 23; // deterministic work of the first pause
export const C_MARK_TERM_WORDS = 24; // deterministic work of the last pause
export const C_MARKED_OBJECTS = 25;
export const C_TRIGGER = 26; // the heap trigger in force when this cycle started; -1: none
export const C_SPANS_SWEPT_STW = 27; // spans left for sweep termination to sweep
export const C_END_NS = 28;
// The pacer's view of the cycle, for gcpacertrace lines (src/gctrace.ts; Go's
// runtime/mgcpacer.go startCycle and endCycle print the same quantities).
export const C_ASSIST_RATIO = 29; // scan-work bytes owed per byte allocated, at mark start (assistWorkPerByte)
export const C_HEAP_SCAN = 30; // scannable heap estimate at mark start (heapScan)
export const C_GOAL_AT_START = 31; // the heap goal at mark start; -1 when there is none
export const C_BG_UTILIZATION = 32; // background mark CPU share the cycle aimed at (0.25 by default)
export const C_UTILIZATION = 33; // measured GC CPU share of the mark (background + assists), 0..1
export const C_HEAP_SCAN_WORK = 34; // bytes of heap scanned this cycle
export const C_STACK_SCAN_WORK = 35; // bytes of stacks scanned this cycle
export const C_GLOBALS_SCAN_WORK = 36; // bytes of globals scanned this cycle
export const C_EXPECTED_SCAN_WORK = 37; // scan work the pacer expected, in bytes
export const C_TRIGGERED = 38; // heapLive when the cycle was triggered
export const C_CONS_MARK_BEFORE = 39; // the cons/mark ratio the cycle was paced with
export const C_TRIGGER_KIND = 40; // TRIGGER_*
export const C_MUTATOR_UNITS = 41; // mutator clock units during the mark
export const C_LIMITER = 42; // 1 if the GC CPU limiter was on during the cycle
export const C_CONS_MARK = 43; // the cons/mark for the next cycle
export const CYCLE_SLOTS = 48;

/** Why a cycle started (C_TRIGGER_KIND). Only TRIGGER_USER is "(forced)" in gctrace, as in Go. */
export const TRIGGER_HEAP = 0; // the pacer's trigger
export const TRIGGER_USER = 1; // collect(): runtime.GC()
export const TRIGGER_HEAP_FULL = 2; // an allocation found the heap at its maximum
export const TRIGGER_EXPLICIT = 3; // startCycle()

// ── Heap map block: filled by heapMap(fromPage) (assembly/inspect.ts) ──────
//   u32 words. A header, a directory of spans in address order, then each
//   span's slot colours, 2 bits a slot (16 a word, slot 0 in the low bits),
//   every span's colours starting on a word. One call covers the spans from
//   page `fromPage` on that fit; HM_NEXT_PAGE says where the next call starts.

export const HEAP_MAP_BYTES = 32768;
export const HM_HEADER_WORDS = 8;
export const HM_SPANS = 0; // spans in this chunk
export const HM_NEXT_PAGE = 1; // first page of the next chunk; HM_DONE when this chunk reached the end
export const HM_FLAGS = 2; // HMF_*
export const HM_CYCLE = 3; // the cycle marking now, or the last one
export const HM_GREY_QUEUE = 4; // entries on the grey queue
export const HM_MAPPED_PAGES = 5;
export const HM_ARENA_BASE = 6;
export const HM_VERSION = 7; // HEAP_MAP_VERSION
export const HEAP_MAP_VERSION = 1;
export const HM_DONE = 0xffffffff;
export const HMF_MARKING = 1;
export const HMF_OVERFLOWED = 2; // the grey queue overflowed: some objects shown black may still be unscanned (mark.ts)
export const HMF_DEBUG = 4; // the debug core (quarantined slots show as free)
export const HM_MAX_SPANS = 256;
export const HM_SPAN_WORDS = 8; // a directory entry:
export const HMS_BASE = 0; //   address of slot 0
export const HMS_ELEM_BYTES = 1; //   slot size (a large object's or a stack's: all its pages)
export const HMS_NELEMS = 2;
export const HMS_KIND = 3; //   HMK_* | size class << 8
export const HMS_COLOURS = 4; //   word index of its colours in the block
export const HMS_GOROUTINE = 5; //   stack spans: the goroutine's id; else 0
export const HMS_WHITE_GREY = 6; //   white count | grey count << 16
export const HMS_BLACK_FREE = 7; //   black count | free count << 16
export const HMK_SMALL = 1;
export const HMK_LARGE = 2;
export const HMK_STACK = 3;
/** Slot colours: a stack's one slot is grey until its goroutine's stack is scanned (or while dirty), then black; white outside a mark. */
export const COLOUR_FREE = 0;
export const COLOUR_WHITE = 1;
export const COLOUR_GREY = 2;
export const COLOUR_BLACK = 3;
/** slotBits(p): the raw bits of the slot starting at p (or -1 when p starts no slot of an object span). */
export const SB_ALLOC = 1;
export const SB_MARK = 2;
export const SB_QUARANTINE = 4;

// ── Per-site accounting (assembly/sites.ts) ─────────────────────────────────
//   Two tables of MAX_SITES entries, SITE_ENTRY_BYTES each: u64 objects at +0,
//   u64 slot bytes at +8 (read as two u32 halves). siteAllocAddress():
//   cumulative allocations, exact at any time. siteLiveAddress(): objects
//   held live by the last completed mark (marked, or allocated black during
//   it), exact from its EV_CYCLE until the next cycle starts; only sites
//   below siteLiveEnd() can be non-zero.

export const SITE_ENTRY_BYTES = 16;

// ── Heap analysis (assembly/analysis.ts): retainers, dominators ──────────────

/** A live object that no root reaches (the analysis has no path, dominator or retained size for it). */
export const E_UNREACHABLE = 17;
/** The heap changed since the last analysis (or none ran, or it did not compute what was asked): run it again. */
export const E_STALE_ANALYSIS = 18;

/** What analyze(flags) computes: breadth-first retainers, and the dominator tree with retained sizes. */
export const ANALYZE_RETAINERS = 1;
export const ANALYZE_DOMINATORS = 2;
export const ANALYZE_ALL = 3;

/** analysisAddress(which): the dense tables, indexed 0 … N−1 in address order (u32 each), and the blocks. */
export const AN_OBJECTS = 0; // the object's address (handle)
export const AN_IDOM = 1; // its immediate dominator's address, 0 = the roots (only a root set dominates it)
export const AN_RETAINED = 2; // slot bytes it retains (its dominator subtree, itself included)
export const AN_RETAINER = 3; // the word that holds the breadth-first parent pointer: a field, a global, a pin or a stack slot
export const AN_SITES = 4; // per-site block, below
export const AN_TOP = 5; // top-retainers block, below
export const AN_PATH = 6; // retainer-path block, below
export const AN_INFO = 7; // info block, below

/** Sites block: AS_SLOTS f64 per site: the union of its objects' dominator subtrees (shared subtrees once), and what is reachable. */
export const AS_RETAINED_OBJECTS = 0;
export const AS_RETAINED_BYTES = 1;
export const AS_REACHABLE_OBJECTS = 2;
export const AS_REACHABLE_BYTES = 3;
export const AS_SLOTS = 4;

/** Top block: up to TOP_MAX pairs of u32 (address, retained bytes), largest first (ties: lower address first). */
export const TOP_MAX = 4096;

/** Path block: up to PATH_MAX_STEPS steps of PATH_STEP_WORDS u32: kind, a, b, c, target. */
export const PATH_MAX_STEPS = 1024;
export const PATH_STEP_WORDS = 5;
export const STEP_GLOBAL = 1; // a = global index
export const STEP_PIN = 2; // a = pin index (allocWith's two fields, a value being pushed)
export const STEP_STACK = 3; // a = goroutine id, b = frame (0 = the first), c = slot in that frame
export const STEP_FIELD = 4; // a = holder object, b = field index

/** Info block: f64 slots describing the last analysis. */
export const AI_OBJECTS = 0; // reachable objects N
export const AI_BYTES = 1; // their slot bytes
export const AI_EDGES = 2; // non-nil pointers among the roots and the reachable objects' fields
export const AI_NONTREE_EDGES = 3; // of those, not depth-first tree edges (they become the predecessor lists)
export const AI_TABLE_BYTES = 4; // side-table bytes this analysis used (16 per object, more only for many non-tree edges)
export const AI_REGION_BYTES = 5; // memory kept for side tables (above the arena's limit), reused by later analyses
export const AI_GENERATION = 6; // analyses run so far
export const AI_FLAGS = 7; // what it computed (ANALYZE_*)
export const AI_MAX_DEPTH = 8; // longest shortest path from a root, in steps
export const AI_NS = 9; // wall time of the analysis
// … and of its phases (0 for a phase it did not run): the reachable set; the first depth-first search and the
// predecessor lists; the semidominators; the second depth-first search; idoms, site unions, retained sizes and
// the move to address order; the breadth-first retainers and the object table.
export const AI_NS_REACH = 10;
export const AI_NS_ORDER = 11;
export const AI_NS_SEMI = 12;
export const AI_NS_RENUMBER = 13;
export const AI_NS_TREE = 14;
export const AI_NS_RETAINERS = 15;
export const INFO_SLOTS = 16;

/** analysisAddress(AN_ROOTS): the root-slot entries analysisRoots wrote, PATH_STEP_WORDS u32 each (kind STEP_GLOBAL, STEP_PIN or STEP_STACK). */
export const AN_ROOTS = 8;
// ── Allocation epochs (assembly/ages.ts) ────────────────────────────────────
//   trackAges(1) dates every object by the epoch of the mutator clock it was
//   allocated in (1 … AGES_MAX_EPOCH, equal lengths, doubled by merging pairs
//   as the run grows); countAges(from, to) counts what exists now into the
//   result block, whose parts agesAddress(which) gives (f64 each).

export const AGES_MAX_EPOCH = 15;
/** agesAddress(which) */
export const AGES_SITES = 0; // MAX_SITES × AGES_SITE_SLOTS: objects, slot bytes dated in [from, to]
export const AGES_EPOCHS = 1; // 16 × 2: every dated object's objects, slot bytes per epoch (entry 0 unused)
export const AGES_INFO = 2; // AGI_* below
export const AGES_SITE_SLOTS = 2;
export const AGI_ON = 0; // 1 while tracking
export const AGI_START_CLOCK = 1; // mutator clock when tracking started: epoch 1 begins there
export const AGI_LENGTH = 2; // clock units per epoch now
export const AGI_EPOCH = 3; // the current epoch
export const AGI_TICKS = 4; // epoch ends seen
export const AGI_MERGES = 5; // times pairs of epochs merged (the length doubled)
export const AGI_PLANE_BYTES = 6; // memory the epoch planes use (256 per mapped arena page)
export const AGI_CLOCK = 7; // the mutator clock when counted
export const AGI_DATED = 8; // objects dated (every epoch)
export const AGES_INFO_SLOTS = 16;

// ── Goroutines: descriptors, labels, last action (assembly/roots.ts) ─────────
//   The descriptor table (goroutineTable(), goroutineCount() entries of
//   GD_BYTES): the host reads it for the goroutine report; the core owns it.
//   A slot is a live goroutine when GD_STATUS is 1; its id is GD_GEN << 16 | index.
//   GD_CAP × 4 is the bytes of its stack span (what S_STACK_BYTES sums).

export const GD_STATUS = 0; // 0 free, 1 live
export const GD_GEN = 4;
export const GD_STACK = 8; // stack span
export const GD_CAP = 12; // stack words the span holds
export const GD_SP = 16; // stack words in use (frame headers included)
export const GD_FP = 20;
export const GD_FRAMES = 24;
export const GD_NEXT = 28;
export const GD_SCANNED = 32;
export const GD_DIRTY = 36;
export const GD_ASSIST = 40; // f64
export const GD_LABEL = 48; // label id given to spawn (0: none; the host names them)
export const GD_ACTED = 52; // the cycle it was last acted as in: markCycle then (the cycle in progress, or the last one)
export const GD_LOCALS = 56; // head of its escape-candidate list (assembly/escapes.ts), NONE if empty
export const GD_STACK_BASE = 60; // address of the stack span's first word (the span's base, kept here: every stack access needs it)
export const GD_BYTES = 64;
export const MAX_LABELS = 65536;

/** Cycle block: goroutines alive at mark termination. */
export const C_GOROUTINES = 46; // (46, not the next free slot 44: other branches append slots too)

// ── Escapes: objects allocated as frame locals (assembly/escapes.ts) ─────────
//   escapeSitesAddress(): MAX_SITES rows of ESCAPE_SITE_BYTES, u64 counters
//   read as two u32 halves, cumulative and exact at any time:

export const ESCAPE_SITE_BYTES = 64;
export const ES_ALLOC_OBJECTS = 0; // allocated with allocLocal
export const ES_ALLOC_BYTES = 8; // their slot bytes
export const ES_ESCAPED_OBJECTS = 16; // judged escaped: still marked at the first mark that started after their frame returned
export const ES_ESCAPED_BYTES = 24;
export const ES_STAYED_OBJECTS = 32; // judged local: unreachable by then (or dead before their frame returned)
export const ES_STAYED_BYTES = 40;
export const ES_SAMPLED = 48; // u32: escaped objects of the site still alive in the sample (at most ESCAPE_SAMPLE_PER_SITE)
export const ESCAPE_SAMPLE_PER_SITE = 64;

//   escapeTableAddress(): the entries (LE_BYTES each), linked by LE_NEXT
//   into lists (NONE ends one); escapeSampleHead() starts the sample list:
//   live escaped objects and the goroutine that allocated them, which the
//   host follows to name where they escaped to.
export const LE_BYTES = 16;
export const LE_OBJECT = 0;
export const LE_NEXT = 4;
export const LE_DATA = 8; // frame depth (in a frame's list), the cycle to judge it at (pending), unused (sample)
export const LE_GOROUTINE = 12; // id of the goroutine that allocated it

/** Stats: bytes of arena pages the escape table takes (never scanned, never swept). */
export const S_ESCAPE_TABLE_BYTES = 46; // (46, not the next free slot 39: other branches append slots too)

// ── Fragmentation (fragmentation()): f64 slots ──────────────────────────────
//   per size class c (1 … NUM_CLASSES − 1): spans with a free slot at
//   FR_CLASS_BASE + 4c, their free slots at +1, their slots in use at +2,
//   the pages one span of the class takes at +3;
//   free pages: mapped and free, and never mapped below the limit; the
//   longest run of free mapped pages.

export const FR_FREE_PAGES = 0;
export const FR_UNMAPPED_PAGES = 1;
export const FR_LARGEST_RUN = 2;
export const FR_CLASS_BASE = 4;
export const FRAG_SLOTS = 4 + 4 * 67;

/**
 * Out of memory: for an object allocation, lastErrorAddr is 1 + its site
 * (lastErrorArg its bytes); 0 for a goroutine stack or the escape table.
 */
export const OOM_SITE_BIAS = 1;
