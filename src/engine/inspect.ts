/**
 * The heap as a picture: the core's heap map (assembly/inspect.ts) read into
 * flat arrays a page can draw and a worker can transfer, and the verifier's
 * last samples. Read-only, as the core's side is: looking at a run never
 * changes it.
 *
 * The map comes in chunks of one static block (contract/abi.ts HM_*); this
 * reads them all and joins them. Each span is HM_SPAN_WORDS numbers in
 * `spans` (the directory entry, with HMS_COLOURS rewritten to the index of
 * its first slot in `colours`), and each slot one byte of `colours`
 * (abi.COLOUR_*). A caller that only wants per-span counts (a heap too big to
 * draw slot by slot) passes a `maxSlots` and gets no colours past it.
 */
import * as abi from "../../contract/abi.js";
import type { Engine } from "./engine.js";

export interface HeapMapSnapshot {
  /** A mark is in progress. */
  marking: boolean;
  /** The grey queue overflowed this mark: some slots shown black may still be unscanned. */
  overflowed: boolean;
  /** Read from the debug core (quarantined slots show as free). */
  debug: boolean;
  /** The cycle marking now, or the last one. */
  cycle: number;
  greyQueue: number;
  mappedPages: number;
  arenaBase: number;
  spanCount: number;
  /** HM_SPAN_WORDS numbers per span, in address order (abi.HMS_*; HMS_COLOURS = first slot's index in `colours`). */
  spans: Uint32Array;
  /** One abi.COLOUR_* per slot, span after span; empty when the heap had more than `maxSlots`. */
  colours: Uint8Array;
  /** Slots in all spans (also when `colours` was not read). */
  slotCount: number;
}

/** One span of a snapshot, as an object (for code that is not hot). */
export interface MapSpan {
  base: number;
  elemBytes: number;
  nelems: number;
  kind: "small" | "large" | "stack";
  sizeClass: number;
  firstSlot: number;
  goroutine: number;
  white: number;
  grey: number;
  black: number;
  free: number;
}

const KINDS: Record<number, MapSpan["kind"]> = { [abi.HMK_SMALL]: "small", [abi.HMK_LARGE]: "large", [abi.HMK_STACK]: "stack" };

/**
 * Reads the whole heap map, chunk by chunk. Slot colours are kept only while
 * the heap has at most `maxSlots` slots (default: all); past that, `colours`
 * is empty and only the per-span counts are there.
 */
export function readHeapMap(engine: Engine, options: { maxSlots?: number } = {}): HeapMapSnapshot {
  const maxSlots = options.maxSlots ?? Infinity;
  let withSlots = maxSlots > 0;
  const core = engine.raw;
  const at = core.heapMapAddress() >>> 2;
  const spans: number[] = [];
  const parts: Uint8Array[] = [];
  let slotCount = 0;
  let header = new Uint32Array(abi.HM_HEADER_WORDS);
  for (let page = 0; page !== abi.HM_DONE; ) {
    page = core.heapMap(page) >>> 0;
    // The view is taken after the call: memory never grows in it, but may have grown before.
    const block = new Uint32Array(core.memory.buffer, at << 2, abi.HEAP_MAP_BYTES >>> 2);
    header = block.slice(0, abi.HM_HEADER_WORDS);
    const n = block[abi.HM_SPANS]!;
    for (let k = 0; k < n; k++) {
      const e = abi.HM_HEADER_WORDS + k * abi.HM_SPAN_WORDS;
      const nelems = block[e + abi.HMS_NELEMS]!;
      if (slotCount + nelems > maxSlots) withSlots = false;
      if (withSlots) parts.push(unpack(block, block[e + abi.HMS_COLOURS]!, nelems));
      for (let f = 0; f < abi.HM_SPAN_WORDS; f++) spans.push(f === abi.HMS_COLOURS ? slotCount : block[e + f]!);
      slotCount += nelems;
    }
  }
  const flags = header[abi.HM_FLAGS]!;
  return {
    marking: (flags & abi.HMF_MARKING) !== 0,
    overflowed: (flags & abi.HMF_OVERFLOWED) !== 0,
    debug: (flags & abi.HMF_DEBUG) !== 0,
    cycle: header[abi.HM_CYCLE]!,
    greyQueue: header[abi.HM_GREY_QUEUE]!,
    mappedPages: header[abi.HM_MAPPED_PAGES]!,
    arenaBase: header[abi.HM_ARENA_BASE]!,
    spanCount: spans.length / abi.HM_SPAN_WORDS,
    spans: Uint32Array.from(spans),
    colours: withSlots ? concat(parts, slotCount) : new Uint8Array(0),
    slotCount,
  };
}

/** `n` 2-bit colours from word `at` of the block, one byte each. */
function unpack(block: Uint32Array, at: number, n: number): Uint8Array {
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) out[i] = (block[at + (i >> 4)]! >>> ((i & 15) << 1)) & 3;
  return out;
}

function concat(parts: Uint8Array[], total: number): Uint8Array {
  const out = new Uint8Array(total);
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

/** Span `k` of a snapshot as an object. */
export function mapSpan(map: HeapMapSnapshot, k: number): MapSpan {
  const e = k * abi.HM_SPAN_WORDS;
  const w = (f: number) => map.spans[e + f]!;
  const kind = w(abi.HMS_KIND);
  return {
    base: w(abi.HMS_BASE),
    elemBytes: w(abi.HMS_ELEM_BYTES),
    nelems: w(abi.HMS_NELEMS),
    kind: KINDS[kind & 0xff] ?? "small",
    sizeClass: kind >>> 8,
    firstSlot: w(abi.HMS_COLOURS),
    goroutine: w(abi.HMS_GOROUTINE),
    white: w(abi.HMS_WHITE_GREY) & 0xffff,
    grey: w(abi.HMS_WHITE_GREY) >>> 16,
    black: w(abi.HMS_BLACK_FREE) & 0xffff,
    free: w(abi.HMS_BLACK_FREE) >>> 16,
  };
}

/** The colour of the object at `address` in a snapshot read with slots, or undefined if no slot starts there. */
export function colourAt(map: HeapMapSnapshot, address: number): number | undefined {
  let lo = 0;
  let hi = map.spanCount;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (map.spans[mid * abi.HM_SPAN_WORDS + abi.HMS_BASE]! <= address) lo = mid + 1;
    else hi = mid;
  }
  if (lo === 0) return undefined;
  const s = mapSpan(map, lo - 1);
  const i = (address - s.base) / s.elemBytes;
  return Number.isInteger(i) && i < s.nelems ? map.colours[s.firstSlot + i] : undefined;
}

/** One sample of the verifier's last run: an address and why it was recorded (abi I_* or E_*). */
export interface VerifySample {
  address: number;
  code: number;
}

/**
 * The samples the verifier left in its block when it last ran, without
 * running it again (Engine.verify() would overwrite them): after a verified
 * mark termination, the lost objects (abi.I_LOST) among them are the ones the
 * mark missed and the verifier kept alive.
 */
export function lastVerifySamples(engine: Engine): VerifySample[] {
  const core = engine.raw;
  const f64 = new Float64Array(core.memory.buffer, core.verifyAddress() >>> 0, abi.VERIFY_SLOTS);
  const out: VerifySample[] = [];
  for (let k = 0; k < f64[abi.V_SAMPLES]!; k++) out.push({ address: f64[abi.V_SAMPLE_BASE + 2 * k]!, code: f64[abi.V_SAMPLE_BASE + 2 * k + 1]! });
  return out;
}
