/**
 * Handles are byte addresses: plain non-negative numbers, even above 2 GiB.
 *
 * A large mark queue (2^28 entries, two 1 GiB side regions that are never
 * touched) places the arena above 2^31 without using real memory, so every
 * handle here is an address with the top bit set. A wasm i32 export read
 * as a JS number would come back negative.
 */
import { describe, expect, test } from "vitest";
import { InvalidHandleError } from "../src/engine/errors.js";
import { BUILDS, engine, expectThrow, expectVerifyClean, expectedSlotBytes, hex } from "./helpers.js";

const isAddress = (x: number) => Number.isInteger(x) && x >= 0 && x < 2 ** 32;

describe("handles above 2 GiB", () => {
  for (const build of BUILDS) {
    test(`${build}: every API returns the same non-negative address for the same object`, async () => {
      const e = await engine({ build, maxHeap: 64 << 20, markQueue: 2 ** 28 });
      const arena = e.arena();
      expect(isAddress(arena.base) && isAddress(arena.end)).toBe(true);
      expect(arena.base).toBeGreaterThanOrEqual(2 ** 31);
      // Nothing is mapped before the first allocation; the arena then spans exactly what was taken from the host.
      expect([arena.end - arena.base, e.stats().heapMappedBytes]).toEqual([0, 0]);

      const g = e.spawn();
      expect(e.stats().heapMappedBytes).toBeGreaterThan(0);
      expect(e.arena().end - arena.base).toBe(e.stats().heapMappedBytes);
      const a = e.allocPush(g, 2, 8, 0);
      const b = e.alloc(2, 8);
      e.push(g, b);
      const c = e.allocWith(2, 8, a, b);
      e.setGlobal(0, c);
      const mapped = e.arena();
      for (const h of [a, b, c]) {
        expect(isAddress(h)).toBe(true);
        expect(h >= mapped.base && h < mapped.end).toBe(true);
      }
      e.writeField(a, 0, b);
      // Checked and unchecked reads of the same slot agree.
      expect(e.readField(a, 0)).toBe(b);
      expect(e.field(a, 0)).toBe(b);
      expect(e.readField(c, 0)).toBe(e.field(c, 0));
      expect(e.peek(g)).toBe(b);
      expect(e.getLocal(g, 0)).toBe(a);
      expect(e.getGlobal(0)).toBe(c);
      expect(e.pop(g)).toBe(b);

      // Scalar bytes of an object above 2 GiB are read and written like any other.
      e.setUint32(a, 0, 0xdeadbeef);
      e.setUint32(a, 4, 7);
      e.setFloat64(c, 0, -2.5);
      expect([e.getUint32(a, 0), e.getUint32(a, 4), e.getFloat64(c, 0)]).toEqual([0xdeadbeef, 7, -2.5]);
      expect(e.header(a)).toEqual({ size: 2 * 4 + 8, pointers: 2, site: 0 });
      expect(e.slotBytes(a)).toBe(expectedSlotBytes(2, 8));

      // A refused handle reports the address it was given.
      const err = expectThrow(() => e.checkHandle(a + 4), InvalidHandleError);
      expect(err.address).toBe(a + 4);
      expect(err.message).toContain(hex(a + 4));

      e.collect();
      expect(e.stats().markedObjects).toBe(3);
      expectVerifyClean(e);
    });
  }
});
