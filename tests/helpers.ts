/**
 * Shared test helpers: engine loading, Go's size-class table (the spec the
 * allocator must follow), whole-memory snapshots for "the heap is unchanged"
 * checks, and typed-error capture.
 */
import { expect } from "vitest";
import { loadEngine, type Build } from "../src/node/loader.js";
import type { Engine, EngineOptions, HeapStats } from "../src/engine/engine.js";
import { hex } from "../src/engine/errors.js";

export { hex };

/** A fresh engine; the debug core (assertions on) unless told otherwise. */
export function engine(options: EngineOptions & { build?: Build } = {}): Promise<Engine> {
  return loadEngine({ build: "debug", ...options });
}

/** Both cores, for the tests that run on each. */
export const BUILDS: Build[] = ["debug", "release"];

/** Go's size classes (runtime/sizeclasses.go), from 16 bytes (an 8-byte header is the floor) to 32 KiB. */
export const GO_SIZE_CLASSES = [
  16, 24, 32, 48, 64, 80, 96, 112, 128, 144, 160, 176, 192, 208, 224, 240, 256, 288, 320, 352, 384, 416, 448, 480, 512,
  576, 640, 704, 768, 896, 1024, 1152, 1280, 1408, 1536, 1792, 2048, 2304, 2688, 3072, 3200, 3456, 4096, 4864, 5376,
  6144, 6528, 6784, 6912, 8192, 9472, 9728, 10240, 10880, 12288, 13568, 14336, 16384, 18432, 19072, 20480, 21760,
  24576, 27264, 28672, 32768,
];

export const HEADER = 8;
export const PAGE = 8192;
export const MAX_SMALL = 32768;

/** Total object bytes: header, 4 bytes per pointer slot, scalar bytes. */
export function objectBytes(pointers: number, scalarBytes: number): number {
  return HEADER + 4 * pointers + scalarBytes;
}

/** The reference rounding: the smallest Go class that holds the object, else whole 8 KiB pages. */
export function expectedSlotBytes(pointers: number, scalarBytes: number): number {
  const bytes = objectBytes(pointers, scalarBytes);
  if (bytes > MAX_SMALL) return Math.ceil(bytes / PAGE) * PAGE;
  for (const c of GO_SIZE_CLASSES) if (c >= bytes) return c;
  throw new Error("unreachable");
}

/** Runs `fn`, which must throw; returns what it threw. */
export function thrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (err) {
    return err;
  }
  throw new Error("expected the call to throw, but it returned normally");
}

/** Runs `fn`, which must throw an instance of `cls`; returns the error. */
export function expectThrow<T extends Error>(fn: () => unknown, cls: abstract new (...args: never[]) => T): T {
  const err = thrown(fn);
  expect(err).toBeInstanceOf(cls);
  return err as T;
}

/** Everything observable about the heap: stats (caches flushed first) and a copy of all of linear memory. */
export interface Snapshot {
  stats: HeapStats;
  memory: Uint8Array;
}

export function snapshot(e: Engine): Snapshot {
  const stats = e.stats();
  return { stats, memory: new Uint8Array(e.raw.memory.buffer).slice() };
}

/** Asserts that nothing in the heap changed since `before`: same stats, byte-identical memory. */
export function expectUnchanged(e: Engine, before: Snapshot): void {
  const now = new Uint8Array(e.raw.memory.buffer);
  expect(now.length).toBe(before.memory.length);
  // Buffer.compare is fast; report the first differing offset if any.
  if (Buffer.compare(Buffer.from(now.buffer, now.byteOffset, now.length), Buffer.from(before.memory)) !== 0) {
    let i = 0;
    while (now[i] === before.memory[i]) i++;
    expect.fail(`memory changed at offset ${hex(i)} (arena ${hex(e.arena().base)}..${hex(e.arena().end)})`);
  }
  expect(e.stats()).toEqual(before.stats);
}

/** Asserts the verifier finds nothing wrong; returns its report. */
export function expectVerifyClean(e: Engine) {
  const v = e.verify();
  expect({ lost: v.lostObjects, integrity: v.integrityErrors, samples: v.samples }).toEqual({ lost: 0, integrity: 0, samples: [] });
  return v;
}

/** Sum of a list of numbers. */
export function sum(xs: Iterable<number>): number {
  let s = 0;
  for (const x of xs) s += x;
  return s;
}

/**
 * xs[i] (negative i counts from the end, as Array.prototype.at), or a
 * RangeError naming the index: under noUncheckedIndexedAccess an element
 * may be missing, and a test that reads past the end has a bug of its own.
 */
export function at<T>(xs: ArrayLike<T>, i: number): T {
  const k = i < 0 ? xs.length + i : i;
  if (!Number.isInteger(k) || k < 0 || k >= xs.length) throw new RangeError(`index ${i} out of range for ${xs.length} elements`);
  return xs[k] as T;
}
