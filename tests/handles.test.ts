/**
 * Bad input at the boundary. Every refusal must be the right typed error,
 * name the offending address (hex) or index and the reason, and leave the
 * heap byte-for-byte unchanged; the engine keeps working afterwards.
 */
import { beforeAll, describe, expect, test } from "vitest";
import fc from "fast-check";
import type { Engine } from "../src/engine/engine.js";
import { BadRequestError, InvalidHandleError, OutOfRangeError, TricolorError } from "../src/engine/errors.js";
import * as abi from "../contract/abi.js";
import { PAGE, at, engine, expectThrow, expectUnchanged, expectVerifyClean, hex, snapshot } from "./helpers.js";

interface Fixture {
  e: Engine;
  /** First goroutine: its stack is the arena's first page. Base frame holds [a, big]. */
  g: number;
  /** A goroutine whose top frame is empty (base frame + one empty frame). */
  gEmpty: number;
  /** An exited goroutine. */
  gExited: number;
  /** Live: 3 pointer slots, 16 scalar bytes (48-byte class). */
  a: number;
  /** Live large object: 2 pointer slots, 50 000 scalar bytes. */
  big: number;
  /** Collected small and large objects (freed, their spans not yet swept). */
  dead: number;
  deadBig: number;
}

async function fixture(): Promise<Fixture> {
  const e = await engine({ maxHeap: 16 << 20, markQueue: 1024, globals: 8 });
  const g = e.spawn();
  const a = e.allocPush(g, 3, 16, 0);
  const big = e.allocPush(g, 2, 50_000, 0);
  const dead = e.allocPush(g, 1, 0, 0);
  const deadBig = e.allocPush(g, 0, 40_000, 0);
  e.writeField(a, 0, big);
  e.writeField(big, 1, a);
  e.setUint32(a, 0, 0x5eed);
  e.drop(g, 2);
  e.setGlobal(0, a);
  const gEmpty = e.spawn();
  e.pushFrame(gEmpty, 0);
  const gExited = e.spawn();
  e.exit(gExited);
  e.collect();
  return { e, g, gEmpty, gExited, a, big, dead, deadBig };
}

/** The fixture's live state, checked after every batch of refusals: nothing was damaged. */
function expectFixtureIntact(f: Fixture): void {
  const { e } = f;
  expect(e.isLive(f.a)).toBe(true);
  expect(e.isLive(f.big)).toBe(true);
  expect(e.readField(f.a, 0)).toBe(f.big);
  expect(e.readField(f.big, 1)).toBe(f.a);
  expect(e.getUint32(f.a, 0)).toBe(0x5eed);
  expect([e.frameSlots(f.g), e.getLocal(f.g, 0), e.getLocal(f.g, 1)]).toEqual([2, f.a, f.big]);
  expect(e.getGlobal(0)).toBe(f.a);
  const v = expectVerifyClean(e);
  expect(v.reachableObjects).toBe(2);
}

/** Runs `call`, which must throw `cls` with `code`; the message must contain every `mentions`; the heap must not change. */
function expectRefused<T extends TricolorError>(
  e: Engine,
  call: () => unknown,
  cls: abstract new (...args: never[]) => T,
  code: number,
  mentions: (string | RegExp)[],
): T {
  const before = snapshot(e);
  const err = expectThrow(call, cls);
  expect(err.code).toBe(code);
  for (const m of mentions) {
    if (typeof m === "string") expect(err.message).toContain(m);
    else expect(err.message).toMatch(m);
  }
  expectUnchanged(e, before);
  return err;
}

// ── Bad handles ──────────────────────────────────────────────────────────

/** Every API that takes an object handle (nil refused), named, given the fixture. */
const OBJECT_APIS: [string, (f: Fixture, x: number) => unknown][] = [
  ["checkHandle", (f, x) => f.e.checkHandle(x)],
  ["readField", (f, x) => f.e.readField(x, 0)],
  ["writeField (object)", (f, x) => f.e.writeField(x, 0, 0)],
  ["slotBytes", (f, x) => f.e.slotBytes(x)],
  ["header", (f, x) => f.e.header(x)],
  ["getUint32", (f, x) => f.e.getUint32(x, 0)],
  ["setUint32", (f, x) => f.e.setUint32(x, 0, 1)],
  ["getFloat64", (f, x) => f.e.getFloat64(x, 0)],
  ["setFloat64", (f, x) => f.e.setFloat64(x, 0, 1.5)],
];

/** Every API that stores a value (nil allowed, a bad handle refused). */
const VALUE_APIS: [string, (f: Fixture, x: number) => unknown][] = [
  ["writeField (value)", (f, x) => f.e.writeField(f.a, 1, x)],
  ["push", (f, x) => f.e.push(f.g, x)],
  ["setLocal", (f, x) => f.e.setLocal(f.g, 0, x)],
  ["setGlobal", (f, x) => f.e.setGlobal(1, x)],
  ["allocWith (first field)", (f, x) => f.e.allocWith(2, 0, x, 0)],
  ["allocWith (second field)", (f, x) => f.e.allocWith(2, 0, f.a, x)],
];

interface BadHandle {
  name: string;
  address: (f: Fixture) => number;
  /** The expected code, or a test on it. */
  code: number | ((code: number) => boolean);
  reason: RegExp;
  /** nil is only bad where an object is required. */
  objectOnly?: boolean;
}

const BAD_HANDLES: BadHandle[] = [
  { name: "freed small object (collected, span not yet swept)", address: (f) => f.dead, code: abi.E_FREED, reason: /freed/ },
  { name: "freed large object (collected, span not yet swept)", address: (f) => f.deadBig, code: abi.E_FREED, reason: /freed/ },
  { name: "misaligned interior pointer p+4 (inside the header)", address: (f) => f.a + 4, code: abi.E_MISALIGNED, reason: /misaligned/ },
  { name: "misaligned interior pointer p+8 (first field)", address: (f) => f.a + 8, code: abi.E_MISALIGNED, reason: /misaligned/ },
  { name: "misaligned odd address p+1", address: (f) => f.a + 1, code: abi.E_MISALIGNED, reason: /misaligned/ },
  { name: "misaligned interior pointer p+16 (inside a 48-byte slot)", address: (f) => f.a + 16, code: abi.E_MISALIGNED, reason: /misaligned/ },
  { name: "interior pointer into a large object's second page (p+8192)", address: (f) => f.big + PAGE, code: abi.E_MISALIGNED, reason: /misaligned/ },
  { name: "out of range: just below the arena", address: (f) => f.e.arena().base - 8, code: abi.E_NOT_IN_HEAP, reason: /out of range/ },
  { name: "out of range: address 8 (static data)", address: () => 8, code: abi.E_NOT_IN_HEAP, reason: /out of range/ },
  { name: "out of range: first address past the mapped arena", address: (f) => f.e.arena().end, code: abi.E_NOT_IN_HEAP, reason: /out of range/ },
  { name: "out of range: 0xFFFFFFF8", address: () => 0xfffffff8, code: abi.E_NOT_IN_HEAP, reason: /out of range/ },
  { name: "nil where an object is required", address: () => 0, code: abi.E_NOT_IN_HEAP, reason: /nil is not an object/, objectOnly: true },
  { name: "start of a goroutine stack span", address: (f) => f.e.arena().base, code: abi.E_NOT_OBJECT, reason: /not an object/ },
  { name: "inside a goroutine stack span (+16)", address: (f) => f.e.arena().base + 16, code: abi.E_NOT_OBJECT, reason: /not an object/ },
  {
    // 48-byte class, one page: 170 slots end at +8160; the last 32 bytes are no slot.
    name: "span tail past the last slot of a 48-byte class span",
    address: (f) => f.a - ((f.a - f.e.arena().base) % PAGE) + 170 * 48,
    code: abi.E_NOT_OBJECT,
    reason: /not an object/,
  },
  {
    // Inside the mapped arena, in a page no span owns: refused, but it is not "outside the arena".
    name: "an address in a free page inside the mapped arena",
    address: (f) => f.e.arena().end - PAGE,
    code: (c) => c !== abi.E_NOT_IN_HEAP,
    reason: /^(?!out of range)/,
  },
];

describe("bad handles", () => {
  let f: Fixture;
  beforeAll(async () => {
    f = await fixture();
  });

  test("the fixture's addresses are what the cases say they are", () => {
    const { e } = f;
    const arena = e.arena();
    expect(e.slotBytes(f.a)).toBe(48);
    // The first goroutine's stack took the arena's first page (the page heap hands out the lowest run).
    expect(e.isLive(arena.base)).toBe(false);
    expect(f.a).toBeGreaterThan(arena.base);
    // The free page used below is inside the mapped arena and owned by nothing live.
    expect(arena.end - PAGE).toBeGreaterThan(Math.max(f.a, f.big, f.dead, f.deadBig));
    expectFixtureIntact(f);
  });

  for (const bad of BAD_HANDLES) {
    const apis = bad.objectOnly ? OBJECT_APIS : [...OBJECT_APIS, ...VALUE_APIS];
    test(`bad handle: ${bad.name} — every API refuses it (${apis.length} calls), heap unchanged`, () => {
      const x = bad.address(f);
      const codeOk = typeof bad.code === "number" ? (c: number) => c === bad.code : bad.code;
      for (const [api, call] of apis) {
        const before = snapshot(f.e);
        const err = expectThrow(() => call(f, x), InvalidHandleError);
        expect({ api, address: err.address, code: err.code, codeOk: codeOk(err.code) }).toEqual({ api, address: x, code: err.code, codeOk: true });
        expect(err.message).toContain(hex(x));
        expect(err.message).toMatch(bad.reason);
        expect(err.reason).toMatch(bad.reason);
        expectUnchanged(f.e, before);
      }
      expect(f.e.isLive(x)).toBe(false);
      expectFixtureIntact(f);
    });
  }

  test("nil is accepted wherever a value (not an object) is expected", () => {
    const { e } = f;
    const before = e.stats();
    e.writeField(f.a, 2, 0);
    e.push(f.gEmpty, 0);
    expect(e.pop(f.gEmpty)).toBe(0);
    e.setGlobal(5, 0);
    expect(e.getGlobal(5)).toBe(0);
    expect(e.stats().objectsAllocated).toBe(before.objectsAllocated);
    expectFixtureIntact(f);
  });

  test("random addresses (2000): isLive exactly for live object starts; every other address is refused by checkHandle, naming it", () => {
    const { e } = f;
    const live = new Set([f.a, f.big]);
    const arena = e.arena();
    const before = snapshot(e);
    fc.assert(
      fc.property(
        fc.oneof(
          fc.integer({ min: 0, max: 0xffffffff }),
          fc.tuple(fc.constantFrom(f.a, f.big, f.dead, f.deadBig), fc.integer({ min: -64, max: 64 })).map(([p, d]) => p + d),
          fc.integer({ min: arena.base - 64, max: arena.end + 64 }),
        ),
        (x) => {
          expect(e.isLive(x)).toBe(live.has(x));
          if (live.has(x)) {
            e.checkHandle(x);
            return;
          }
          const err = expectThrow(() => e.checkHandle(x), InvalidHandleError);
          expect(err.message).toContain(hex(x));
        },
      ),
      { numRuns: 2000 },
    );
    expectUnchanged(e, before);
  });

  test("a freed object whose span was swept back to the page heap is still reported as freed, not out of range", async () => {
    const g = await fixture();
    const { e } = g;
    e.sweep();
    const arena = e.arena();
    // The dead objects' spans held nothing else: their pages are free now, inside the mapped arena.
    for (const x of [g.dead, g.deadBig]) {
      expect(x >= arena.base && x < arena.end).toBe(true);
      const before = snapshot(e);
      const err = expectThrow(() => e.checkHandle(x), InvalidHandleError);
      expect(err.address).toBe(x);
      expect(err.message).toContain(hex(x));
      expect(err.code).not.toBe(abi.E_NOT_IN_HEAP);
      expect(err.reason).toMatch(/free/);
      expectUnchanged(e, before);
    }
  });
});

// ── Bad goroutines, indices, frames ──────────────────────────────────────

/** Every API that takes a goroutine id. */
const GOROUTINE_APIS: [string, (e: Engine, g: number) => unknown][] = [
  ["exit", (e, g) => e.exit(g)],
  ["pushFrame", (e, g) => e.pushFrame(g, 1)],
  ["popFrame", (e, g) => e.popFrame(g)],
  ["push", (e, g) => e.push(g, 0)],
  ["pop", (e, g) => e.pop(g)],
  ["drop", (e, g) => e.drop(g, 0)],
  ["peek", (e, g) => e.peek(g, 0)],
  ["setLocal", (e, g) => e.setLocal(g, 0, 0)],
  ["getLocal", (e, g) => e.getLocal(g, 0)],
  ["frameSlots", (e, g) => e.frameSlots(g)],
  ["frames", (e, g) => e.frames(g)],
  ["stackWords", (e, g) => e.stackWords(g)],
  ["allocPush", (e, g) => e.allocPush(g, 1, 0, 0)],
  ["allocList", (e, g) => e.allocList(g, 10)],
  ["allocTree", (e, g) => e.allocTree(g, 3)],
  ["yield", (e, g) => e.yield(g, 1)],
];

describe("bad goroutines", () => {
  let f: Fixture;
  beforeAll(async () => {
    f = await fixture();
  });

  for (const [name, id] of [
    ["never spawned (12345)", 12345],
    ["id 0", 0],
    ["index beyond every goroutine (0x7fff0001)", 0x7fff0001],
  ] as const) {
    test(`bad goroutine id ${name}: every goroutine API throws OutOfRangeError naming the id`, () => {
      for (const [api, call] of GOROUTINE_APIS) {
        if (id === 0 && api === "yield") continue; // yield(0) means "the current goroutine"
        const err = expectRefused(f.e, () => call(f.e, id), OutOfRangeError, abi.E_NO_GOROUTINE, [`no goroutine with id ${id}`]);
        expect(err.message.startsWith(api)).toBe(true);
      }
      expectFixtureIntact(f);
    });
  }

  test("exited goroutine: every goroutine API throws OutOfRangeError saying it has exited", () => {
    for (const [api, call] of GOROUTINE_APIS) {
      const err = expectRefused(f.e, () => call(f.e, f.gExited), OutOfRangeError, abi.E_GOROUTINE_EXITED, [`goroutine ${f.gExited} has exited`]);
      expect(err.message.startsWith(api)).toBe(true);
    }
    expectFixtureIntact(f);
  });

  test("stale id of an exited goroutine whose slot was reused: refused, and the new goroutine is unaffected", async () => {
    const { e } = await fixture();
    const old = e.spawn();
    e.exit(old);
    const fresh = e.spawn();
    expect(fresh).not.toBe(old);
    e.push(fresh, 0);
    for (const [, call] of GOROUTINE_APIS) {
      const err = expectRefused(e, () => call(e, old), OutOfRangeError, abi.E_NO_GOROUTINE, [String(old)]);
      expect(err.message).toMatch(/no goroutine|exited/);
    }
    expect(e.frameSlots(fresh)).toBe(1);
  });

  test("goroutine table full (bad input: spawn beyond maxGoroutines=3): OutOfRangeError; after an exit, spawn works", async () => {
    const e = await engine({ maxHeap: 16 << 20, maxGoroutines: 3 });
    const gs = [e.spawn(), e.spawn(), e.spawn()];
    expectRefused(e, () => e.spawn(), OutOfRangeError, abi.E_TOO_MANY_GOROUTINES, [/goroutine table full/]);
    e.exit(at(gs, 1));
    const g = e.spawn();
    e.allocPush(g, 0, 0, 0);
    e.collect();
    expect(e.stats().markedObjects).toBe(1);
  });
});

describe("indices out of range", () => {
  let f: Fixture;
  beforeAll(async () => {
    f = await fixture();
  });

  test("slot index out of range (bad input: index = frame size, 1000): setLocal/getLocal/peek name the slot", () => {
    const { e, g } = f;
    const n = e.frameSlots(g);
    for (const i of [n, 1000]) {
      expectRefused(e, () => e.setLocal(g, i, f.a), OutOfRangeError, abi.E_SLOT_RANGE, [`slot ${i} out of range`]);
      expectRefused(e, () => e.getLocal(g, i), OutOfRangeError, abi.E_SLOT_RANGE, [`slot ${i} out of range`]);
      expectRefused(e, () => e.peek(g, i), OutOfRangeError, abi.E_SLOT_RANGE, [`slot ${i} out of range`]);
    }
    expectFixtureIntact(f);
  });

  test("field index out of range (bad input: index = pointer count, 1000): readField/writeField name the index and the object", () => {
    const { e, a, big } = f;
    for (const [obj, i] of [[a, 3], [a, 1000], [big, 2]] as [number, number][]) {
      expectRefused(e, () => e.readField(obj, i), OutOfRangeError, abi.E_FIELD_RANGE, [`field index ${i} out of range`, hex(obj)]);
      expectRefused(e, () => e.writeField(obj, i, a), OutOfRangeError, abi.E_FIELD_RANGE, [`field index ${i} out of range`, hex(obj)]);
    }
    expectFixtureIntact(f);
  });

  test("scalar offset out of range (bad input: 4 bytes at offset 13 of 16, 8 at 9, 8 at 16): named with the object", () => {
    const { e, a } = f;
    expectRefused(e, () => e.getUint32(a, 13), OutOfRangeError, abi.E_SCALAR_RANGE, ["scalar offset 13", hex(a)]);
    expectRefused(e, () => e.setUint32(a, 13, 7), OutOfRangeError, abi.E_SCALAR_RANGE, ["scalar offset 13", hex(a)]);
    expectRefused(e, () => e.getFloat64(a, 9), OutOfRangeError, abi.E_SCALAR_RANGE, ["scalar offset 9", hex(a)]);
    expectRefused(e, () => e.setFloat64(a, 16, 1), OutOfRangeError, abi.E_SCALAR_RANGE, ["scalar offset 16", hex(a)]);
    // The last in-range positions work.
    e.setUint32(a, 12, 99);
    expect(e.getUint32(a, 12)).toBe(99);
    e.setFloat64(a, 8, 2.5);
    expect(e.getFloat64(a, 8)).toBe(2.5);
    expectFixtureIntact(f);
  });

  test("global index out of range (bad input: index = globals count 8, 1000000): setGlobal/getGlobal name the index", () => {
    const { e, a } = f;
    for (const i of [8, 1_000_000]) {
      expectRefused(e, () => e.setGlobal(i, a), OutOfRangeError, abi.E_GLOBAL_RANGE, [`global index ${i} out of range`]);
      expectRefused(e, () => e.getGlobal(i), OutOfRangeError, abi.E_GLOBAL_RANGE, [`global index ${i} out of range`]);
    }
    e.setGlobal(7, a);
    expect(e.getGlobal(7)).toBe(a);
    e.setGlobal(7, 0);
    expectFixtureIntact(f);
  });

  test("pop on an empty frame (bad input): OutOfRangeError saying the frame is empty, not naming a bogus count", () => {
    const { e, gEmpty } = f;
    const err = expectRefused(e, () => e.pop(gEmpty), OutOfRangeError, abi.E_STACK_EMPTY, []);
    // One value was wanted and none is there.
    expect(err.message).toMatch(/empty|fewer than 1 value/);
    expectFixtureIntact(f);
  });

  test("after a refused pop on an empty frame, pushing nil and popping it returns nil (bad input: pop on empty first)", async () => {
    const { e } = await fixture();
    const g = e.spawn();
    expectThrow(() => e.pop(g), OutOfRangeError);
    e.push(g, 0);
    expect(e.pop(g)).toBe(0);
    expect(e.frameSlots(g)).toBe(0);
  });

  test("drop more values than the frame holds (bad input: frame size + 1): names the count", () => {
    const { e, g } = f;
    const n = e.frameSlots(g);
    expectRefused(e, () => e.drop(g, n + 1), OutOfRangeError, abi.E_STACK_EMPTY, [`fewer than ${n + 1} values`]);
    expectFixtureIntact(f);
  });

  test("popFrame on the base frame (bad input): OutOfRangeError naming the goroutine", () => {
    const { e, g } = f;
    expectRefused(e, () => e.popFrame(g), OutOfRangeError, abi.E_NO_FRAME, [`goroutine ${g} has only its first frame`]);
    expect(e.frames(g)).toBe(1);
    expectFixtureIntact(f);
  });

  test("peek on an empty frame (bad input): slot 0 out of range", () => {
    const { e, gEmpty } = f;
    expectRefused(e, () => e.peek(gEmpty, 0), OutOfRangeError, abi.E_SLOT_RANGE, ["slot 0 out of range"]);
  });

  test("allocPush popping more values than the frame holds (bad input: pop 3 of 2): refused before allocating", () => {
    const { e, g } = f;
    expectRefused(e, () => e.allocPush(g, 4, 0, 3), OutOfRangeError, abi.E_STACK_EMPTY, ["fewer than 3 values"]);
    expectFixtureIntact(f);
  });

  test("allocPush popping more values than the object has pointer slots (bad input: pop 2 into 1 slot): refused", () => {
    const { e, g } = f;
    expectRefused(e, () => e.allocPush(g, 1, 0, 2), OutOfRangeError, abi.E_FIELD_RANGE, ["field index 2"]);
    expectFixtureIntact(f);
  });

  test("allocWith with fewer than two pointer slots (bad input: 1 slot): refused before allocating", () => {
    const { e, a } = f;
    expectRefused(e, () => e.allocWith(1, 0, a, a), OutOfRangeError, abi.E_FIELD_RANGE, ["field index 1"]);
    expectFixtureIntact(f);
  });

  test("pushFrame with more than 2^24 slots (bad input: 2^24 + 1): slot count out of range", () => {
    const { e, g } = f;
    expectRefused(e, () => e.pushFrame(g, 2 ** 24 + 1), OutOfRangeError, abi.E_SLOT_RANGE, [`slot ${2 ** 24 + 1}`]);
    expectFixtureIntact(f);
  });

  test("allocation site out of range (bad input: site 4096) and tree depth over 26 (bad input: 27): BadRequestError", () => {
    const { e, g } = f;
    expectRefused(e, () => e.alloc(1, 0, abi.MAX_SITES), BadRequestError, abi.E_BAD_ARGUMENT, [String(abi.MAX_SITES)]);
    expectRefused(e, () => e.allocTree(g, 27), BadRequestError, abi.E_BAD_ARGUMENT, ["27"]);
    expectFixtureIntact(f);
  });

  test("the engine keeps working after every refusal: allocate, root, collect, verify", () => {
    const { e, g } = f;
    e.allocPush(g, 2, 0, 0);
    e.allocPush(g, 2, 0, 0);
    e.allocPush(g, 2, 0, 2);
    e.collect();
    expect(e.stats().markedObjects).toBe(2 + 3);
    expect(expectVerifyClean(e).reachableObjects).toBe(5);
    e.drop(g, 1);
  });
});
