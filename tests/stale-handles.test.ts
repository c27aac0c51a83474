/**
 * Stale handles. A handle the program dropped (nothing roots its object)
 * and then kept in a JS variable across 200,000 allocations — a use the
 * README forbids — names an object that has been collected. The debug core
 * must refuse it as InvalidHandleError with reason "freed", even when the
 * slot (or the whole span) has since been handed to another object, and a
 * store of it into a live object must be refused without changing the heap.
 *
 * This is a guarantee of the debug core only: the release core checks that
 * an address is a live object's start and nothing more, so a stale handle
 * whose slot was reused passes there as the new object. No test asks the
 * release core for it.
 *
 * How long the guarantee lasts: a freed slot stays quarantined until an
 * eighth of the maximum heap (or 64 slots per page) of later frees push it
 * out, or an allocation would otherwise run out of memory.
 */
import { describe, expect, it } from "vitest";
import * as abi from "../contract/abi.js";
import { BARRIERS } from "../src/engine/engine.js";
import { InvalidHandleError } from "../src/engine/errors.js";
import { engine, expectThrow, expectUnchanged, snapshot } from "./helpers.js";

const ALLOCATIONS = 200_000;

/** Expects `fn` to refuse the stale handle: InvalidHandleError, code E_FREED, "freed" in the message. */
function expectFreed(fn: () => unknown): void {
  const err = expectThrow(fn, InvalidHandleError);
  expect(err.message).toContain("freed");
  expect(err.code).toBe(abi.E_FREED);
}

describe.each(BARRIERS)("%s, debug core", (barrier) => {
  // `scalar` of the churn objects: the stale object's own size class (its slot is reused), or another one (its span is).
  it.each([
    ["the same size class (its slot is reused)", 8],
    ["another size class (its span is reused)", 40],
  ])("a dropped handle kept across 200,000 allocations of %s is refused as freed", async (_, scalar) => {
    // The default heap (1 GiB): the quarantine holds up to an eighth of it, so the 200,000 dead
    // objects of this test (at most 12.8 MB) never push the stale slot out (assembly/quarantine.ts).
    const e = await engine({ barrier });
    const g = e.spawn();
    e.allocPush(g, 1, 8, 0);
    const stale = e.peek(g);
    e.drop(g); // unrooted: the program must not use `stale` after the next allocation
    e.allocPush(g, 1, 200, 0);
    const live = e.peek(g); // stays on g's stack; a size class of its own, so the stale object's span holds nothing live
    for (let i = 0; i < ALLOCATIONS; i++) {
      e.allocPush(g, 1, scalar, 0);
      e.drop(g);
    }
    // Collections happened, so the stale object was collected and its memory is in use again.
    expect(e.cycles.length).toBeGreaterThan(0);
    expect(e.stats().objectsFreed).toBeGreaterThan(ALLOCATIONS / 2);

    expectFreed(() => e.checkHandle(stale));
    expectFreed(() => e.readField(stale, 0));
    expect(e.isLive(stale)).toBe(false);

    // A store of the stale handle is refused, and nothing changes.
    const before = snapshot(e);
    expectFreed(() => e.writeField(live, 0, stale));
    expectUnchanged(e, before);
    expect(e.readField(live, 0)).toBe(0);
  });
});
