/**
 * The one reference model of the mutator's view of the heap, a driver that
 * applies the same operations to the model and to an engine, and the random
 * program generator every model-based test uses.
 *
 * The model knows nothing about colours, spans, barriers or queues: objects
 * are ids with pointer fields, goroutines are lists of frames of slots,
 * globals are slots, and reachability is a plain graph search from the
 * goroutines' frames and the globals. Object ids are creation order, so two
 * engines driven by the same program have comparable live sets even when
 * their addresses differ.
 *
 * Registers. A real embedder holds handles in JS variables between calls —
 * `x = pop(A); push(B, x)` — and the README allows that between safe points
 * (allocations, yields, startCycle, collect): nothing can be collected
 * there. The model has REGISTERS such host-held values. They are NOT roots:
 * reachability, the verifier comparison and the exact-collection checks
 * ignore them. At every safe point the model drops them all (a program that
 * needs a value across one must first re-root it; allocWith's two arguments
 * are the exception the API defines: they are pinned during the call). So a
 * handle never crosses a safe point unrooted in the model, and every value a
 * program stores was rooted, or legitimately held, when it was read.
 *
 * What the engine must keep live ("held"): everything reachable from the
 * roots and from the registers. A value read since the last safe point was
 * reachable when it was read, and nothing can be freed without a safe point,
 * so a correct collector never frees one of these.
 *
 * Two ways to account for cycles. Exact mode (stop-the-world): a cycle that
 * completes inside an operation frees exactly what was unreachable when the
 * operation began, and the model forgets exactly that. Relaxed mode
 * (concurrent marking): a cycle may keep floating garbage, so the model
 * forgets an unreachable object only once the engine has freed it (or once
 * its slot is handed to a new object); what it must never see is a held
 * object freed, or a held object's slot handed to a new one.
 */
import { expect } from "vitest";
import fc from "fast-check";
import type { Engine } from "../src/engine/engine.js";
import { InvalidHandleError } from "../src/engine/errors.js";
import * as abi from "../contract/abi.js";
import { at, expectedSlotBytes, sum } from "./helpers.js";

export interface ObjSpec {
  ptrs: number;
  scalar: number;
  /** Allocation site index (0..SITES-1), mapped to a named engine site. */
  site: number;
}

export const SITES = 4;
export const GLOBALS = 16;
/** Host-held values (not roots). Register number REGISTERS in an operand means nil. */
export const REGISTERS = 4;
/** The model never runs more goroutines than this (spawn is refused beyond it). */
export const MAX_GOROUTINES = 6;

interface MObj {
  spec: ObjSpec;
  slot: number;
  fields: number[]; // ids, 0 = nil
}

interface MG {
  g: number; // engine goroutine id
  frames: number[][]; // values (ids, 0 = nil); frames[0] is the base frame
}

/** Where an object operand comes from: a register, or a pick among the held objects with pointer slots. */
export type From = "reg" | "pick";

/** Read-only goroutine queries: frames, frameSlots, stackWords, peek, getLocal. */
export const QUERIES = ["frames", "frameSlots", "stackWords", "peek", "getLocal"] as const;

/**
 * Operations of a random mutator program. Numbers are choices reduced modulo
 * what exists when the op runs; an op with nothing to act on does nothing.
 * Goroutine choices `g` count from the newest goroutine (0 = the one spawned
 * last), so a program can spawn one and act on it next.
 */
export type Op =
  // Allocation: safe points (registers are dropped first).
  | { k: "alloc"; g: number; spec: ObjSpec; pop: number } // allocPush(g, …, pop)
  | { k: "allocWith"; g: number; spec: ObjSpec; a: number; b: number } // allocWith(pick a, pick b), then pushed on g
  | { k: "allocWithRegs"; spec: ObjSpec; a: number; b: number; r: number } // allocWith(R[a], R[b]) → R[r]
  | { k: "allocReg"; spec: ObjSpec; r: number } // alloc(…) → R[r], unrooted
  | { k: "chain"; g: number; length: number } // a list built node by node with allocPush(g, 2, 0, 1)
  | { k: "fill"; spec: ObjSpec } // garbage of `spec` until the heap reaches the pacer's trigger (stats), so the next allocation may start a cycle
  | { k: "allocLocal"; g: number; spec: ObjSpec; i: number } // allocLocal(g, slot i of the top frame): a frame local (escape tracking)
  // Register loads (no safe point).
  | { k: "popReg"; g: number; r: number }
  | { k: "peekReg"; g: number; depth: number; r: number }
  | { k: "localReg"; g: number; i: number; r: number }
  | { k: "globalReg"; i: number; r: number }
  | { k: "fieldReg"; from: From; obj: number; slot: number; r: number } // readField, checked against the model
  | { k: "clearReg"; r: number }
  // Register stores (no safe point).
  | { k: "pushReg"; g: number; r: number }
  | { k: "setLocalReg"; g: number; i: number; r: number }
  | { k: "setGlobalReg"; i: number; r: number }
  | { k: "writeFieldReg"; from: From; obj: number; slot: number; r: number }
  // Stores of picked held values, roots and frames.
  | { k: "write"; src: number; slot: number; dst: number }
  | { k: "global"; i: number; v: number }
  | { k: "push"; g: number; v: number }
  | { k: "pop"; g: number }
  | { k: "drop"; g: number; n: number }
  | { k: "local"; g: number; i: number; v: number }
  | { k: "frame"; g: number; slots: number }
  | { k: "popFrame"; g: number }
  | { k: "spawn" }
  | { k: "exit"; g: number }
  // Read-only: acts on ("touches") goroutine g, changes nothing.
  | { k: "query"; g: number; q: number; i: number }
  // The collector.
  | { k: "collect" }
  | { k: "sweep" }
  | { k: "startCycle" }
  /** A safe point: g picks the goroutine that ran, from the newest (absent: the oldest; g ≥ goroutines: 0, the current one). */
  | { k: "yield"; units: number; g?: number };

/** A frame local (allocLocal) as the model follows it: which frame it belongs to, and what is known of its verdict. */
interface MLocal {
  id: number;
  site: number;
  g: number; // engine goroutine id
  depth: number; // frames the goroutine had when it was allocated
  popped: boolean;
  /** Relaxed mode: nothing held it right after its frame was gone, so it can never escape. */
  unheldAtPop: boolean;
}

/** Per model site: frame locals allocated, and (exact mode) the verdicts the engine must have reached. */
export interface LocalCounts {
  allocated: number[];
  escaped: number[];
  stayed: number[];
}

export interface CollectResult {
  live: number[]; // ids, ascending
  markedObjects: number;
  markedBytes: number;
}

export class Driver {
  readonly objs = new Map<number, MObj>(); // allocated in the engine and not known to be freed
  readonly gs: MG[] = [];
  readonly globals = new Map<number, number>(); // index → id (non-nil only)
  /** Host-held values: ids (0 = empty). Not roots. */
  readonly regs: number[] = new Array(REGISTERS).fill(0);
  /** Every handle ever returned by an allocation. */
  readonly allocated = new Set<number>();
  private readonly handles = new Map<number, number>(); // id → handle
  private readonly byHandle = new Map<number, number>(); // handle → id, for objects in `objs`
  private readonly sites: number[];
  private nextId = 1;
  /** Live sets found at each collection, in order (for cross-engine comparison). */
  readonly history: CollectResult[] = [];
  /** Frame locals not yet judged (exact mode), or not yet known to be judged (relaxed mode: every one until the end). */
  readonly locals: MLocal[] = [];
  /** Frame locals per site, and the verdicts judged so far (exact mode only: stop-the-world marks are exact). */
  readonly localCounts: LocalCounts = { allocated: new Array(SITES).fill(0), escaped: new Array(SITES).fill(0), stayed: new Array(SITES).fill(0) };
  /** Cycles that completed inside operations other than collect() (pacer, startCycle, out of memory). */
  autoCollections = 0;
  /** Cycles that completed inside an op that is not a safe point (stack growth or spawn at out of memory). */
  unplannedCollections = 0;

  /** See the header: exact (stop-the-world) or relaxed (concurrent) accounting. */
  readonly exact: boolean;
  /**
   * Random allocations that would bring the held set beyond this many bytes
   * are skipped (apply returns false), so a program cannot run out of memory
   * with everything still reachable. Unlimited unless a test sets it.
   */
  heldBudget = Infinity;

  constructor(readonly e: Engine, exact = e.options.barrier === "stw") {
    this.exact = exact;
    this.sites = Array.from({ length: SITES }, (_, i) => e.site(`model.site${i}`));
  }

  handle(id: number): number {
    if (id === 0) return 0;
    const h = this.handles.get(id);
    if (h === undefined) throw new Error(`no handle for id ${id}`);
    return h;
  }

  /** The model object `id` (which must be tracked). */
  obj(id: number): MObj {
    const o = this.objs.get(id);
    if (!o) throw new Error(`model: object ${id} is not tracked`);
    return o;
  }

  private forget(id: number): void {
    const h = this.handles.get(id)!;
    if (this.byHandle.get(h) === id) this.byHandle.delete(h);
    this.objs.delete(id);
  }

  // ── The model ──────────────────────────────────────────────────────────

  /** Everything reachable from the roots (globals and frames) and from `extra`. */
  closure(extra: Iterable<number> = []): Set<number> {
    const seen = new Set<number>();
    const work: number[] = [];
    const visit = (id: number) => {
      if (id !== 0 && !seen.has(id)) {
        seen.add(id);
        work.push(id);
      }
    };
    for (const id of this.globals.values()) visit(id);
    for (const g of this.gs) for (const f of g.frames) for (const v of f) visit(v);
    for (const id of extra) visit(id);
    while (work.length) {
      const o = this.objs.get(work.pop()!);
      if (!o) throw new Error("model: reachable object was collected");
      for (const v of o.fields) visit(v);
    }
    return seen;
  }

  /** Reachable from the roots: what the collector must mark and the verifier must find. */
  reachable(): Set<number> {
    return this.closure();
  }

  /** Reachable from the roots or the registers: what the engine must keep live right now. */
  held(): Set<number> {
    return this.closure(this.regs);
  }

  /** Slot bytes of a set of objects. */
  bytesOf(ids: Iterable<number>): number {
    return sum([...ids].map((id) => this.obj(id).slot));
  }

  /** Held ids in ascending order: what random choices pick from. */
  private heldList(): number[] {
    return [...this.held()].sort((a, b) => a - b);
  }

  /** A value to store: nil for one choice in eight (or when nothing is held), else a held object. */
  pick(choice: number): number {
    const r = this.heldList();
    if (r.length === 0 || choice % 8 === 0) return 0;
    return at(r, choice % r.length);
  }

  /** A held object with pointer slots, or 0 if there is none. */
  private pickWithSlots(choice: number): number {
    const r = this.heldList().filter((id) => this.obj(id).spec.ptrs > 0);
    return r.length === 0 ? 0 : at(r, choice % r.length);
  }

  /** A program may only store what it holds: anything else would be a bug in the program, not the engine. */
  private expectHeld(id: number): void {
    if (id !== 0 && !this.held().has(id)) throw new Error(`model: program stores object ${id}, which it no longer holds`);
  }

  reg(r: number): number {
    return r < REGISTERS ? at(this.regs, r) : 0;
  }

  private setReg(r: number, id: number): void {
    if (r < REGISTERS) this.regs[r] = id;
  }

  /** A safe point is coming: host-held values are no longer safe to use afterwards. */
  dropRegisters(): void {
    this.regs.fill(0);
  }

  // ── Cycles inside operations ───────────────────────────────────────────

  /**
   * Runs `fn`, an engine call that may complete cycles. `extra` are values
   * the call itself keeps rooted (allocWith's pins, a value being pushed).
   * Safe points drop the registers first; a cycle inside any other call
   * (only possible at out of memory) drops them afterwards.
   */
  private collecting<T>(safePoint: boolean, extra: number[], fn: () => T): T {
    if (safePoint) this.dropRegisters();
    const before = this.exact ? this.closure(extra) : null;
    const cycles = this.e.cycles.length;
    const out = fn();
    const now = this.e.cycles.length;
    if (now !== cycles) {
      this.autoCollections += now - cycles;
      if (!safePoint) {
        this.unplannedCollections += now - cycles;
        this.dropRegisters();
      }
      if (before) {
        this.judgeLocals(before);
        // Each cycle marked exactly what was reachable when the call began.
        const bytes = this.bytesOf(before);
        for (const c of this.e.cycles.slice(cycles)) expect({ objects: c.markedObjects, bytes: c.heapMarkedBytes }).toEqual({ objects: before.size, bytes });
        for (const id of [...this.objs.keys()]) if (!before.has(id)) this.forget(id);
      } else {
        this.pruneFreed(extra);
      }
    }
    return out;
  }

  // ── Primitive operations (model and engine together) ───────────────────

  spawn(): number {
    const g = this.collecting(false, [], () => this.e.spawn());
    this.gs.push({ g, frames: [[]] });
    return this.gs.length - 1;
  }

  exit(gi: number): void {
    const g = at(this.gs, gi).g;
    this.e.exit(g);
    this.gs.splice(gi, 1);
    this.framesGone(g, 0);
  }

  pushFrame(gi: number, slots: number): void {
    this.collecting(false, [], () => this.e.pushFrame(at(this.gs, gi).g, slots));
    at(this.gs, gi).frames.push(new Array(slots).fill(0));
  }

  popFrame(gi: number): void {
    const g = at(this.gs, gi);
    this.e.popFrame(g.g);
    g.frames.pop();
    this.framesGone(g.g, g.frames.length);
  }

  /** Goroutine `g` now has `frames` frames: its locals of deeper frames are pending (assembly/escapes.ts). */
  private framesGone(g: number, frames: number): void {
    const gone = this.locals.filter((l) => l.g === g && !l.popped && l.depth > frames);
    if (gone.length === 0) return;
    const held = this.held();
    for (const l of gone) {
      l.popped = true;
      l.unheldAtPop = !held.has(l.id);
    }
  }

  /**
   * Exact mode, a cycle that marked exactly `marked`: a pending local is
   * judged escaped if marked, else stayed; a local of a live frame that is
   * not marked stayed (it died before its frame did).
   */
  private judgeLocals(marked: ReadonlySet<number>): void {
    const c = this.localCounts;
    for (let i = this.locals.length - 1; i >= 0; i--) {
      const l = at(this.locals, i);
      if (marked.has(l.id) && !l.popped) continue;
      const counts = marked.has(l.id) ? c.escaped : c.stayed;
      counts[l.site] = at(counts, l.site) + 1;
      this.locals.splice(i, 1);
    }
  }

  /**
   * The engine's escape counters against the model. Exact mode: equal, per
   * site. Relaxed mode, right after a collect() (its last cycle marks exactly
   * the reachable set): the verdicts are bounded by what the model knows —
   * a local still reachable now escaped, one nothing held right after its
   * frame went stayed, one of a live frame is pending exactly when it is
   * reachable — and every local is judged once.
   */
  expectLocals(): void {
    const bySite = new Map(this.e.escapes().map((x) => [x.name, x]));
    const c = this.localCounts;
    const reach = this.reachable();
    for (let s = 0; s < SITES; s++) {
      const got = bySite.get(`model.site${s}`);
      const engine = { allocated: got?.allocObjects ?? 0, escaped: got?.escapedObjects ?? 0, stayed: got?.stayedObjects ?? 0, pending: got?.pendingObjects ?? 0 };
      const mine = this.locals.filter((l) => l.site === s);
      if (this.exact) {
        const model = { allocated: at(c.allocated, s), escaped: at(c.escaped, s), stayed: at(c.stayed, s), pending: mine.length };
        expect(engine, `escape verdicts of model.site${s}`).toEqual(model);
        continue;
      }
      const popped = mine.filter((l) => l.popped);
      const inFrame = mine.filter((l) => !l.popped);
      const deadInFrame = inFrame.filter((l) => !reach.has(l.id)).length;
      expect(engine.allocated, `model.site${s} allocated`).toBe(at(c.allocated, s));
      expect(engine.pending, `model.site${s} pending: the live frames' reachable locals`).toBe(inFrame.length - deadInFrame);
      expect(engine.escaped + engine.stayed, `model.site${s}: every popped or dead local judged once`).toBe(popped.length + deadInFrame);
      expect(engine.escaped, `model.site${s}: popped locals still reachable escaped`).toBeGreaterThanOrEqual(popped.filter((l) => reach.has(l.id)).length);
      expect(engine.stayed, `model.site${s}: locals nothing held after their frame went stayed`).toBeGreaterThanOrEqual(popped.filter((l) => l.unheldAtPop).length + deadInFrame);
    }
  }

  /** allocLocal: a new object into slot `slot` of gi's top frame, a local of that frame. */
  allocLocal(gi: number, slot: number, spec: ObjSpec): number {
    const g = at(this.gs, gi);
    const h = this.collecting(true, [], () => this.e.allocLocal(g.g, slot, spec.ptrs, spec.scalar, at(this.sites, spec.site)));
    const id = this.register(h, spec, new Array(spec.ptrs).fill(0), this.closure());
    this.top(gi)[slot] = id;
    this.locals.push({ id, site: spec.site, g: g.g, depth: g.frames.length, popped: false, unheldAtPop: false });
    this.localCounts.allocated[spec.site] = at(this.localCounts.allocated, spec.site) + 1;
    return id;
  }

  top(gi: number): number[] {
    return at(at(this.gs, gi).frames, -1);
  }

  /** Pushes `id` on gi's top frame. `fresh`: id was just allocated and is held by the caller only. */
  push(gi: number, id: number, fresh = false): void {
    if (!fresh) this.expectHeld(id);
    this.collecting(false, [id], () => this.e.push(at(this.gs, gi).g, this.handle(id)));
    this.top(gi).push(id);
  }

  /** Pops the top value of gi's top frame; returns its id (checked against the engine's). */
  pop(gi: number): number {
    const got = this.e.pop(at(this.gs, gi).g);
    const id = this.top(gi).pop()!;
    expect(got, "pop").toBe(this.handle(id));
    return id;
  }

  drop(gi: number, n: number): void {
    this.e.drop(at(this.gs, gi).g, n);
    this.top(gi).length -= n;
  }

  setLocal(gi: number, i: number, id: number): void {
    this.expectHeld(id);
    this.e.setLocal(at(this.gs, gi).g, i, this.handle(id));
    this.top(gi)[i] = id;
  }

  getLocal(gi: number, i: number): number {
    const id = at(this.top(gi), i);
    expect(this.e.getLocal(at(this.gs, gi).g, i), "getLocal").toBe(this.handle(id));
    return id;
  }

  peek(gi: number, k: number): number {
    const top = this.top(gi);
    const id = at(top, top.length - 1 - k);
    expect(this.e.peek(at(this.gs, gi).g, k), "peek").toBe(this.handle(id));
    return id;
  }

  setGlobal(i: number, id: number): void {
    this.expectHeld(id);
    this.e.setGlobal(i, this.handle(id));
    if (id === 0) this.globals.delete(i);
    else this.globals.set(i, id);
  }

  getGlobal(i: number): number {
    const id = this.globals.get(i) ?? 0;
    expect(this.e.getGlobal(i), "getGlobal").toBe(this.handle(id));
    return id;
  }

  writeField(src: number, slot: number, dst: number): void {
    this.expectHeld(src);
    this.expectHeld(dst);
    this.e.writeField(this.handle(src), slot, this.handle(dst));
    this.obj(src).fields[slot] = dst;
  }

  /** readField through the engine: must return what the model says the field holds. */
  readField(src: number, slot: number): number {
    const id = at(this.obj(src).fields, slot);
    const got = this.e.readField(this.handle(src), slot);
    if (got !== this.handle(id)) expect.fail(`readField(object ${src}, ${slot}): expected ${this.handle(id)} (object ${id}), got ${got}`);
    return id;
  }

  /** A read-only query on gi, checked against the model. */
  query(gi: number, q: number, i: number): void {
    const g = at(this.gs, gi);
    const top = this.top(gi);
    switch (QUERIES[q % QUERIES.length]) {
      case "frames":
        expect(this.e.frames(g.g), "frames").toBe(g.frames.length);
        return;
      case "frameSlots":
        expect(this.e.frameSlots(g.g), "frameSlots").toBe(top.length);
        return;
      case "stackWords":
        // One header word per frame, then its slots.
        expect(this.e.stackWords(g.g), "stackWords").toBe(sum(g.frames.map((f) => 1 + f.length)));
        return;
      case "peek":
        if (top.length > 0) this.peek(gi, i % top.length);
        else expect(this.e.frameSlots(g.g)).toBe(0);
        return;
      case "getLocal":
        if (top.length > 0) this.getLocal(gi, i % top.length);
        else expect(this.e.frameSlots(g.g)).toBe(0);
        return;
    }
  }

  private register(h: number, spec: ObjSpec, fields: number[], held: Set<number>): number {
    const id = this.nextId++;
    const slot = expectedSlotBytes(spec.ptrs, spec.scalar);
    expect(this.e.slotBytes(h)).toBe(slot);
    // A new object may only take the slot of one the engine freed, and that one must not be held.
    const previous = this.byHandle.get(h);
    if (previous !== undefined) {
      if (this.exact || held.has(previous)) expect.fail(`object ${previous} (${h}) was still held by the model when its slot was reused`);
      this.forget(previous);
    }
    this.byHandle.set(h, id);
    // A tag in the scalar area: a collector that clobbers a live object is caught.
    if (spec.scalar >= 4) this.e.setUint32(h, 0, id);
    this.handles.set(id, h);
    this.objs.set(id, { spec, slot, fields });
    this.allocated.add(h);
    return id;
  }

  /**
   * allocPush: pops `npop` values of goroutine gi's top frame into the new
   * object's first fields and pushes it.
   */
  alloc(gi: number, spec: ObjSpec, npop: number): number {
    const h = this.collecting(true, [], () => this.e.allocPush(at(this.gs, gi).g, spec.ptrs, spec.scalar, npop, at(this.sites, spec.site)));
    const top = this.top(gi);
    const popped = top.splice(top.length - npop, npop);
    const fields = new Array(spec.ptrs).fill(0);
    popped.forEach((v, i) => (fields[i] = v));
    const id = this.register(h, spec, fields, this.closure(popped));
    top.push(id);
    return id;
  }

  /**
   * allocWith(a, b): a and b (held values) go in the first two fields and
   * are pinned during the call. The new object comes back unrooted.
   */
  allocWithHeld(spec: ObjSpec, a: number, b: number): number {
    this.expectHeld(a);
    this.expectHeld(b);
    const h = this.collecting(true, [a, b], () => this.e.allocWith(spec.ptrs, spec.scalar, this.handle(a), this.handle(b), this.sites[spec.site]));
    const fields = new Array(spec.ptrs).fill(0);
    fields[0] = a;
    fields[1] = b;
    return this.register(h, spec, fields, this.closure([a, b]));
  }

  /** allocWith (a and b in the first two fields), then pushed on gi before anything else can allocate. */
  allocWith(gi: number, spec: ObjSpec, a: number, b: number): number {
    const id = this.allocWithHeld(spec, a, b);
    this.push(gi, id, true);
    return id;
  }

  /** A bare alloc: the result is unrooted (the caller holds it, until the next safe point). */
  allocBare(spec: ObjSpec): number {
    const h = this.collecting(true, [], () => this.e.alloc(spec.ptrs, spec.scalar, this.sites[spec.site]));
    return this.register(h, spec, new Array(spec.ptrs).fill(0), this.closure());
  }

  /** A cycle started on request: whole under stw, only begun under the concurrent strategies. */
  startCycle(): void {
    this.collecting(true, [], () => this.e.startCycle());
  }

  /** A safe point without allocation: marking may advance and a cycle may finish. `g` 0 = the current goroutine. */
  yieldFor(units: number, g = this.gs.length > 0 ? at(this.gs, 0).g : 0): void {
    this.collecting(true, [], () => this.e.yield(g, units));
  }

  // ── Checks ─────────────────────────────────────────────────────────────

  /**
   * Relaxed mode: every held object must still be live; unheld ones the
   * engine has freed leave the model (floating garbage stays until freed).
   */
  pruneFreed(extra: number[] = []): void {
    const held = this.closure([...this.regs, ...extra]);
    for (const id of [...this.objs.keys()]) {
      const live = this.e.isLive(this.handle(id));
      if (held.has(id)) {
        if (!live) expect.fail(`reachable object ${id} (${this.handle(id)}) was freed`);
      } else if (!live) this.forget(id);
    }
  }

  /** Cheap, after every op: every held object is live (one checked call each). */
  expectHeldLive(): void {
    for (const id of this.held()) if (!this.e.isLive(this.handle(id))) expect.fail(`reachable object ${id} (${this.handle(id)}) was freed`);
  }

  /** The engine's reachable graph is the model's: same count and bytes from the roots, no damage, nothing lost. */
  expectSameGraph(): void {
    const reach = this.reachable();
    const v = this.e.verify();
    const samples = v.samples.map((x) => `${x.address}:${x.code}`).join(" ");
    expect({ lost: v.lostObjects, integrity: v.integrityErrors, reachable: v.reachableObjects, reachableBytes: v.reachableBytes }, `verify() vs the model (samples ${samples || "none"})`).toEqual({
      lost: 0,
      integrity: 0,
      reachable: reach.size,
      reachableBytes: this.bytesOf(reach),
    });
  }

  /** Every held object's fields and scalar tag are what the model wrote. */
  expectContents(): void {
    for (const id of this.held()) {
      const o = this.obj(id);
      const h = this.handle(id);
      o.fields.forEach((f, i) => {
        const got = this.e.readField(h, i);
        if (got !== this.handle(f)) expect.fail(`object ${id} field ${i}: expected ${this.handle(f)}, got ${got}`);
      });
      if (o.spec.scalar >= 4) expect(this.e.getUint32(h, 0), `object ${id} tag`).toBe(id);
    }
  }

  /** Collects, then checks the engine against the model exhaustively; prunes the model. */
  collect(): CollectResult {
    const e = this.e;
    this.dropRegisters(); // collect() is a safe point
    const reach = this.reachable();
    e.collect();
    if (this.exact) this.judgeLocals(reach);

    // 1. The live set: every object the engine still holds is exactly a reachable one.
    const live = [...this.objs.keys()].filter((id) => e.isLive(this.handle(id))).sort((a, b) => a - b);
    expect(live).toEqual([...reach].sort((a, b) => a - b));
    for (const id of this.objs.keys()) {
      if (reach.has(id)) continue;
      const err = thrownBy(() => e.checkHandle(this.handle(id)));
      expect(err).toBeInstanceOf(InvalidHandleError);
      expect((err as InvalidHandleError).code).toBe(abi.E_FREED);
    }

    // 2. Mark counters: the model's count and the sum of slot bytes.
    const bytes = this.bytesOf(reach);
    const s = e.stats();
    expect({ objects: s.markedObjects, bytes: s.markedBytes }).toEqual({ objects: reach.size, bytes });
    // `none` loses objects by design; what it lost was counted and rescued at mark termination.
    if (e.options.verifyEachCycle && e.options.barrier !== "none") expect(s.lostAtMark).toBe(0);

    // 3. The independent verifier agrees, and finds no damage.
    const v = e.verify();
    expect({
      lost: v.lostObjects,
      integrity: v.integrityErrors,
      reachable: v.reachableObjects,
      reachableBytes: v.reachableBytes,
      live: v.liveObjects,
      liveBytes: v.liveBytes,
    }).toEqual({ lost: 0, integrity: 0, reachable: reach.size, reachableBytes: bytes, live: reach.size, liveBytes: bytes });

    // 4. Survivors are intact: fields, scalar tags, and the per-site / per-class profile.
    this.expectContents();
    const comp = e.composition();
    const bySite = new Map<string, { objects: number; bytes: number }>();
    const byClass = new Map<number, { objects: number; bytes: number }>();
    for (const id of reach) {
      const o = this.obj(id);
      const name = `model.site${o.spec.site}`;
      const site = bySite.get(name) ?? { objects: 0, bytes: 0 };
      site.objects++;
      site.bytes += o.slot;
      bySite.set(name, site);
      const classBytes = o.slot > 32768 ? 0 : o.slot; // the profile names large objects class 0, objectBytes 0
      const cls = byClass.get(classBytes) ?? { objects: 0, bytes: 0 };
      cls.objects++;
      cls.bytes += o.slot;
      byClass.set(classBytes, cls);
    }
    expect(new Map(comp.sites.map((x) => [x.name, { objects: x.objects, bytes: x.bytes }]))).toEqual(bySite);
    expect(new Map(comp.classes.map((x) => [x.objectBytes, { objects: x.objects, bytes: x.bytes }]))).toEqual(byClass);

    // 5. Roots are what the model holds.
    this.checkRoots();

    for (const id of [...this.objs.keys()]) if (!reach.has(id)) this.forget(id);
    const result = { live, markedObjects: s.markedObjects, markedBytes: s.markedBytes };
    this.history.push(result);
    return result;
  }

  /** Sweeps everything, then: allocated − freed = objects held, and heapAlloc = their slot bytes. */
  sweep(): void {
    this.e.sweep();
    if (!this.exact) this.pruneFreed();
    const s = this.e.stats();
    expect(s.unsweptSpans).toBe(0);
    expect(s.objectsAllocated - s.objectsFreed).toBe(this.objs.size);
    const bytes = sum([...this.objs.values()].map((o) => o.slot));
    expect(s.heapAllocBytes).toBe(bytes);
    expect(s.bytesAllocated - s.bytesFreed).toBe(bytes);
  }

  /** Cheap checks valid at any moment: the verifier's reachability equals the model's; nothing lost. */
  checkAnytime(): void {
    if (!this.exact) this.pruneFreed();
    const reach = this.reachable();
    const v = this.e.verify();
    expect({ lost: v.lostObjects, integrity: v.integrityErrors, reachable: v.reachableObjects, live: v.liveObjects }).toEqual({
      lost: 0,
      integrity: 0,
      reachable: reach.size,
      live: this.objs.size,
    });
  }

  checkRoots(): void {
    const e = this.e;
    expect(e.stats().goroutines).toBe(this.gs.length);
    for (const g of this.gs) {
      expect(e.frames(g.g)).toBe(g.frames.length);
      const top = at(g.frames, -1);
      expect(e.frameSlots(g.g)).toBe(top.length);
      expect(top.map((_, i) => e.getLocal(g.g, i))).toEqual(top.map((v) => this.handle(v)));
    }
    for (let i = 0; i < GLOBALS; i++) expect(e.getGlobal(i)).toBe(this.handle(this.globals.get(i) ?? 0));
  }

  // ── Random programs ────────────────────────────────────────────────────

  /** Goroutine index for choice `x`, counting from the newest (x = 0). */
  private gi(x: number): number {
    const n = this.gs.length;
    return n - 1 - (x % n);
  }

  /** The object operand of fieldReg / writeFieldReg: a register's object, or a pick; 0 if none has pointer slots. */
  private objectOperand(from: From, obj: number): number {
    if (from === "pick") return this.pickWithSlots(obj);
    const id = this.reg(obj % REGISTERS);
    return id !== 0 && this.obj(id).spec.ptrs > 0 ? id : 0;
  }

  /** True if allocating `spec` keeps the held set within heldBudget. */
  private fits(spec: ObjSpec): boolean {
    if (this.heldBudget === Infinity) return true;
    return this.bytesOf(this.held()) + expectedSlotBytes(spec.ptrs, spec.scalar) <= this.heldBudget;
  }

  /** Applies one random op; returns false if it did not apply (nothing to act on). */
  apply(op: Op): boolean {
    const n = this.gs.length;
    switch (op.k) {
      case "alloc": {
        if (n === 0 || !this.fits(op.spec)) return false;
        const g = this.gi(op.g);
        const npop = Math.min(op.pop, op.spec.ptrs, this.top(g).length);
        this.alloc(g, op.spec, npop);
        return true;
      }
      case "allocWith": {
        const spec = { ...op.spec, ptrs: Math.max(2, op.spec.ptrs) };
        if (n === 0 || !this.fits(spec)) return false;
        this.allocWith(this.gi(op.g), spec, this.pick(op.a), this.pick(op.b));
        return true;
      }
      case "allocWithRegs": {
        const spec = { ...op.spec, ptrs: Math.max(2, op.spec.ptrs) };
        if (!this.fits(spec)) return false;
        const id = this.allocWithHeld(spec, this.reg(op.a), this.reg(op.b));
        this.setReg(op.r, id);
        return true;
      }
      case "allocReg": {
        if (!this.fits(op.spec)) return false;
        const id = this.allocBare(op.spec);
        this.setReg(op.r, id);
        return true;
      }
      case "chain": {
        const spec = { ptrs: 2, scalar: 0, site: 0 };
        if (n === 0) return false;
        const g = this.gi(op.g);
        for (let i = 0; i < op.length && this.fits(spec); i++) this.alloc(g, spec, i === 0 ? 0 : 1);
        return true;
      }
      case "allocLocal": {
        if (n === 0 || !this.fits(op.spec)) return false;
        const g = this.gi(op.g);
        const len = this.top(g).length;
        if (len === 0) return false;
        this.allocLocal(g, op.i % len, op.spec);
        return true;
      }
      case "fill": {
        // A large allocation checks the trigger before it counts itself: stopping at the trigger starts no cycle yet.
        let any = false;
        for (let i = 0; i < 64 && !this.e.marking && this.fits(op.spec); i++) {
          const s = this.e.stats();
          if (s.heapTriggerBytes < 0 || s.heapLiveBytes >= s.heapTriggerBytes) break;
          this.allocBare(op.spec);
          any = true;
        }
        this.dropRegisters();
        return any;
      }
      case "popReg": {
        if (n === 0) return false;
        const g = this.gi(op.g);
        if (this.top(g).length === 0) return false;
        this.setReg(op.r, this.pop(g));
        return true;
      }
      case "peekReg": {
        if (n === 0) return false;
        const g = this.gi(op.g);
        const len = this.top(g).length;
        if (len === 0) return false;
        this.setReg(op.r, this.peek(g, op.depth % len));
        return true;
      }
      case "localReg": {
        if (n === 0) return false;
        const g = this.gi(op.g);
        const len = this.top(g).length;
        if (len === 0) return false;
        this.setReg(op.r, this.getLocal(g, op.i % len));
        return true;
      }
      case "globalReg":
        this.setReg(op.r, this.getGlobal(op.i % GLOBALS));
        return true;
      case "fieldReg": {
        const src = this.objectOperand(op.from, op.obj);
        if (src === 0) return false;
        this.setReg(op.r, this.readField(src, op.slot % this.obj(src).spec.ptrs));
        return true;
      }
      case "clearReg":
        this.setReg(op.r, 0);
        return true;
      case "pushReg":
        if (n === 0) return false;
        this.push(this.gi(op.g), this.reg(op.r));
        return true;
      case "setLocalReg": {
        if (n === 0) return false;
        const g = this.gi(op.g);
        const len = this.top(g).length;
        if (len === 0) return false;
        this.setLocal(g, op.i % len, this.reg(op.r));
        return true;
      }
      case "setGlobalReg":
        this.setGlobal(op.i % GLOBALS, this.reg(op.r));
        return true;
      case "writeFieldReg": {
        const dst = this.objectOperand(op.from, op.obj);
        if (dst === 0) return false;
        this.writeField(dst, op.slot % this.obj(dst).spec.ptrs, this.reg(op.r));
        return true;
      }
      case "write": {
        const src = this.pickWithSlots(op.src);
        if (src === 0) return false;
        // One choice in eight is a self-loop; otherwise any held object or nil.
        const dst = op.dst % 8 === 1 ? src : this.pick(op.dst);
        this.writeField(src, op.slot % this.obj(src).spec.ptrs, dst);
        return true;
      }
      case "global":
        this.setGlobal(op.i % GLOBALS, this.pick(op.v));
        return true;
      case "push":
        if (n === 0) return false;
        this.push(this.gi(op.g), this.pick(op.v));
        return true;
      case "pop":
        if (n === 0 || this.top(this.gi(op.g)).length === 0) return false;
        this.pop(this.gi(op.g));
        return true;
      case "drop": {
        if (n === 0) return false;
        const g = this.gi(op.g);
        this.drop(g, op.n % (this.top(g).length + 1));
        return true;
      }
      case "local": {
        if (n === 0) return false;
        const g = this.gi(op.g);
        const len = this.top(g).length;
        if (len === 0) return false;
        this.setLocal(g, op.i % len, this.pick(op.v));
        return true;
      }
      case "frame":
        if (n === 0) return false;
        this.pushFrame(this.gi(op.g), op.slots);
        return true;
      case "popFrame":
        if (n === 0 || at(this.gs, this.gi(op.g)).frames.length === 1) return false;
        this.popFrame(this.gi(op.g));
        return true;
      case "spawn":
        if (n >= MAX_GOROUTINES) return false;
        this.spawn();
        return true;
      case "exit":
        if (n <= 1) return false; // keep one goroutine to allocate on
        this.exit(this.gi(op.g));
        return true;
      case "query":
        if (n === 0) return false;
        this.query(this.gi(op.g), op.q, op.i);
        return true;
      case "collect":
        this.collect();
        return true;
      case "sweep":
        this.sweep();
        return true;
      case "startCycle":
        this.startCycle();
        return true;
      case "yield":
        if (op.g === undefined) this.yieldFor(op.units);
        else this.yieldFor(op.units, op.g < n ? at(this.gs, this.gi(op.g)).g : 0);
        return true;
    }
  }
}

function thrownBy(fn: () => void): unknown {
  try {
    fn();
  } catch (err) {
    return err;
  }
  return undefined;
}

// ── The random program generator for multi-goroutine, concurrent programs ──

const g = fc.nat(7);
const reg = fc.integer({ min: 0, max: REGISTERS - 1 });
const nat = fc.nat(1 << 16);

/** Mostly small objects, sometimes medium, now and then a large one (so the pacer's trigger is reached). */
export const smallSpecArb: fc.Arbitrary<ObjSpec> = fc.record({
  ptrs: fc.oneof({ weight: 8, arbitrary: fc.integer({ min: 0, max: 4 }) }, { weight: 1, arbitrary: fc.integer({ min: 5, max: 12 }) }),
  scalar: fc.oneof(
    { weight: 10, arbitrary: fc.integer({ min: 0, max: 64 }) },
    { weight: 2, arbitrary: fc.integer({ min: 65, max: 3000 }) },
    { weight: 1, arbitrary: fc.integer({ min: 20_000, max: 90_000 }) },
  ),
  site: fc.integer({ min: 0, max: SITES - 1 }),
});

/** A large, usually short-lived object: a few of them cross the pacer's trigger at small GOGC. */
const bigSpecArb: fc.Arbitrary<ObjSpec> = fc.record({
  ptrs: fc.integer({ min: 0, max: 2 }),
  scalar: fc.integer({ min: 20_000, max: 90_000 }),
  site: fc.constant(SITES - 1),
});

const shortYield: fc.Arbitrary<Op> = fc.record({ k: fc.constant("yield" as const), units: fc.integer({ min: 1, max: 64 }), g: fc.nat(8) });
const longYield: fc.Arbitrary<Op> = fc.record({ k: fc.constant("yield" as const), units: fc.integer({ min: 1, max: 20_000 }), g: fc.nat(8) });
const query = (gr: fc.Arbitrary<number>): fc.Arbitrary<Op> => fc.record({ k: fc.constant("query" as const), g: gr, q: fc.nat(QUERIES.length - 1), i: fc.nat(7) });

/** Reads a stack value of goroutine `gr` into register r: pop, peek or getLocal. */
const loadFromStack = (gr: number, r: number): fc.Arbitrary<Op> =>
  fc.oneof(
    { weight: 3, arbitrary: fc.constant({ k: "popReg" as const, g: gr, r }) },
    { weight: 1, arbitrary: fc.record({ k: fc.constant("peekReg" as const), g: fc.constant(gr), depth: fc.nat(3), r: fc.constant(r) }) },
    { weight: 1, arbitrary: fc.record({ k: fc.constant("localReg" as const), g: fc.constant(gr), i: fc.nat(7), r: fc.constant(r) }) },
  );

/** Something that acts on goroutine `gr` between a load and a store: a query, or a push/pop pair. */
const touch = (gr: number): fc.Arbitrary<Op[]> =>
  fc.oneof(
    fc.constant<Op[]>([]),
    query(fc.constant(gr)).map((op) => [op]),
    fc.constant<Op[]>([{ k: "pushReg", g: gr, r: REGISTERS }, { k: "popReg", g: gr, r: REGISTERS }]),
  );

/** Garbage that brings the heap up to the pacer's trigger at small GOGC, so the next allocation may start a cycle. */
const pump: fc.Arbitrary<Op[]> = fc.array(
  fc.record({ k: fc.constant("allocReg" as const), spec: bigSpecArb, r: fc.constant(REGISTERS) }),
  { minLength: 1, maxLength: 4 },
);

/** Where a cycle stands before a chunk runs: as it is, just started, a little way in, or near the trigger. */
const phasePrefix: fc.Arbitrary<Op[]> = fc.oneof(
  { weight: 3, arbitrary: fc.constant<Op[]>([]) },
  { weight: 1, arbitrary: fc.constant<Op[]>([{ k: "startCycle" }]) },
  { weight: 2, arbitrary: fc.array(shortYield, { minLength: 1, maxLength: 3 }).map((ys): Op[] => [{ k: "startCycle" }, ...ys]) },
  { weight: 1, arbitrary: fc.array(shortYield, { minLength: 1, maxLength: 3 }) },
  { weight: 1, arbitrary: pump },
  { weight: 2, arbitrary: bigSpecArb.map((spec): Op[] => [{ k: "fill", spec }]) },
);

/** Specs for allocations at a phase boundary: small ones, medium ones of size classes rarely used (so they refill, where the trigger is checked), large ones. */
const boundarySpecArb: fc.Arbitrary<ObjSpec> = fc.oneof(
  { weight: 2, arbitrary: smallSpecArb },
  { weight: 2, arbitrary: fc.record({ ptrs: fc.integer({ min: 2, max: 6 }), scalar: fc.integer({ min: 100, max: 3000 }), site: fc.nat(SITES - 1) }) },
  { weight: 1, arbitrary: bigSpecArb },
);

/** The store half of a move: onto another goroutine's stack, or into a global or a field. */
const storeTo = (gr: number, r: number): fc.Arbitrary<Op> =>
  fc.oneof(
    { weight: 2, arbitrary: fc.constant({ k: "pushReg" as const, g: gr, r }) },
    { weight: 1, arbitrary: fc.record({ k: fc.constant("setLocalReg" as const), g: fc.constant(gr), i: fc.nat(7), r: fc.constant(r) }) },
    { weight: 1, arbitrary: fc.record({ k: fc.constant("setGlobalReg" as const), i: fc.nat(GLOBALS - 1), r: fc.constant(r) }) },
    { weight: 1, arbitrary: fc.record({ k: fc.constant("writeFieldReg" as const), from: fc.constantFrom<From>("pick", "reg"), obj: fc.nat(64), slot: fc.nat(7), r: fc.constant(r) }) },
  );

/** Single operations, weighted like a mutator that allocates, writes pointers and moves values around. */
const singleOpArb: fc.Arbitrary<Op> = fc.oneof(
  { weight: 10, arbitrary: fc.record({ k: fc.constant("alloc" as const), g, spec: smallSpecArb, pop: fc.integer({ min: 0, max: 3 }) }) },
  { weight: 2, arbitrary: fc.record({ k: fc.constant("allocWith" as const), g, spec: smallSpecArb, a: nat, b: nat }) },
  { weight: 2, arbitrary: fc.record({ k: fc.constant("allocReg" as const), spec: fc.oneof(smallSpecArb, bigSpecArb), r: reg }) },
  { weight: 2, arbitrary: fc.record({ k: fc.constant("chain" as const), g, length: fc.integer({ min: 1, max: 24 }) }) },
  { weight: 6, arbitrary: fc.record({ k: fc.constant("write" as const), src: nat, slot: fc.nat(7), dst: nat }) },
  { weight: 2, arbitrary: fc.record({ k: fc.constant("global" as const), i: fc.nat(GLOBALS - 1), v: nat }) },
  { weight: 2, arbitrary: fc.record({ k: fc.constant("push" as const), g, v: nat }) },
  { weight: 2, arbitrary: fc.record({ k: fc.constant("pop" as const), g }) },
  { weight: 2, arbitrary: fc.record({ k: fc.constant("drop" as const), g, n: fc.nat(3) }) },
  { weight: 2, arbitrary: fc.record({ k: fc.constant("local" as const), g, i: fc.nat(7), v: nat }) },
  { weight: 3, arbitrary: fc.record({ k: fc.constant("fieldReg" as const), from: fc.constantFrom<From>("pick", "reg"), obj: nat, slot: fc.nat(7), r: reg }) },
  { weight: 2, arbitrary: fc.record({ k: fc.constant("globalReg" as const), i: fc.nat(GLOBALS - 1), r: reg }) },
  { weight: 1, arbitrary: fc.record({ k: fc.constant("clearReg" as const), r: reg }) },
  { weight: 2, arbitrary: fc.record({ k: fc.constant("frame" as const), g, slots: fc.integer({ min: 0, max: 4 }) }) },
  { weight: 3, arbitrary: fc.record({ k: fc.constant("allocLocal" as const), g, spec: smallSpecArb, i: fc.nat(7) }) },
  { weight: 2, arbitrary: fc.record({ k: fc.constant("popFrame" as const), g }) },
  { weight: 2, arbitrary: fc.constant({ k: "spawn" as const }) },
  { weight: 1, arbitrary: fc.record({ k: fc.constant("exit" as const), g }) },
  { weight: 2, arbitrary: query(g) },
  // Mostly short runs, so a mark spans many operations; sometimes a long one that lets it finish.
  { weight: 6, arbitrary: shortYield },
  { weight: 1, arbitrary: longYield },
  { weight: 2, arbitrary: fc.constant({ k: "startCycle" as const }) },
  { weight: 1, arbitrary: fc.constant({ k: "collect" as const }) },
  { weight: 1, arbitrary: fc.constant({ k: "sweep" as const }) },
);

/**
 * Chunks: short sequences, each an interleaving a barrier must survive.
 * Between a load into a register and its store there is no safe point; a
 * prefix (yields, startCycle, garbage up to the trigger) may position the
 * cycle first.
 */
const chunkArb: fc.Arbitrary<Op[]> = fc.oneof(
  { weight: 12, arbitrary: singleOpArb.map((op) => [op]) },
  // A value moves between two different goroutines' stacks (pop/peek/getLocal on A; push/setLocal on B).
  {
    weight: 4,
    arbitrary: fc
      .record({ a: g, off: fc.integer({ min: 1, max: 5 }), r: reg, via: fc.nat(7) })
      .chain(({ a, off, r, via }) => fc.tuple(loadFromStack(a, r), touch(via), storeTo(a + off, r).filter((op) => op.k === "pushReg" || op.k === "setLocalReg")))
      .map(([load, t, store]) => [load, ...t, store]),
  },
  // A value read from goroutine A's stack is stored into a global or a field while acting on goroutine B in between.
  {
    weight: 4,
    arbitrary: fc
      .record({ a: g, off: fc.integer({ min: 1, max: 5 }), r: reg })
      .chain(({ a, off, r }) => fc.tuple(loadFromStack(a, r), touch(a + off), storeTo(a, r).filter((op) => op.k === "setGlobalReg" || op.k === "writeFieldReg")))
      .map(([load, t, store]) => [load, ...t, store]),
  },
  // A goroutine spawned (during a mark, often) receives a value popped from another one.
  {
    weight: 2,
    arbitrary: fc
      .record({ a: g, r: reg, frame: fc.boolean(), exit: fc.boolean() })
      .map(({ a, r, frame, exit }): Op[] => [
        { k: "popReg", g: a, r },
        { k: "spawn" },
        ...(frame ? [{ k: "frame" as const, g: 0, slots: 2 }, { k: "setLocalReg" as const, g: 0, i: 1, r }] : [{ k: "pushReg" as const, g: 0, r }]),
        ...(exit ? [{ k: "exit" as const, g: a + 1 }] : []),
      ]),
  },
  // allocWith of values popped from (other) goroutines, at a phase boundary; the result is re-rooted before anything else.
  {
    weight: 4,
    arbitrary: fc
      .record({ prefix: phasePrefix, a: g, b: g, ra: reg, rb: reg, spec: boundarySpecArb, t: g, to: g, r: reg })
      .map((c) => ({ ...c, rb: c.rb === c.ra ? (c.ra + 1) % REGISTERS : c.rb }))
      .chain((c) => fc.tuple(fc.constant(c), loadFromStack(c.a, c.ra), loadFromStack(c.b, c.rb), touch(c.t), storeTo(c.to, c.r)))
      .map(([c, la, lb, t, store]): Op[] => [...c.prefix, la, lb, ...t, { k: "allocWithRegs", spec: c.spec, a: c.ra, b: c.rb, r: c.r }, store]),
  },
  // allocPush of values moved from other goroutines onto the allocating one, at a phase boundary.
  {
    weight: 3,
    arbitrary: fc
      .record({ prefix: phasePrefix, a: g, b: g, dst: g, spec: boundarySpecArb })
      .map(({ prefix, a, b, dst, spec }): Op[] => [
        ...prefix,
        { k: "popReg", g: a, r: 0 },
        { k: "popReg", g: b, r: 1 },
        { k: "pushReg", g: dst, r: 0 },
        { k: "pushReg", g: dst, r: 1 },
        { k: "alloc", g: dst, spec: { ...spec, ptrs: Math.max(2, spec.ptrs) }, pop: 2 },
      ]),
  },
  // A pointer hides from the marker: x := o.f; o.f = nil; x goes to a stack (or another field).
  {
    weight: 3,
    arbitrary: fc
      .record({ holder: fc.constantFrom("global", "stack"), i: fc.nat(GLOBALS - 1), src: g, slot: fc.nat(7), to: g })
      .chain((c) => fc.tuple(fc.constant(c), storeTo(c.to, 1)))
      .map(([c, store]): Op[] => [
        c.holder === "global" ? { k: "globalReg", i: c.i, r: 0 } : { k: "peekReg", g: c.src, depth: 0, r: 0 },
        { k: "fieldReg", from: "reg", obj: 0, slot: c.slot, r: 1 },
        { k: "writeFieldReg", from: "reg", obj: 0, slot: c.slot, r: REGISTERS },
        store,
      ]),
  },
  // A call with a frame local: it escapes (into a global, a field or another goroutine's stack) or not, then the frame returns, at a phase boundary.
  {
    weight: 3,
    arbitrary: fc
      .record({ prefix: phasePrefix, g, spec: smallSpecArb, i: fc.nat(1), escape: fc.boolean(), to: fc.integer({ min: 0, max: 5 }), r: reg, after: fc.boolean() })
      .chain((c) => fc.tuple(fc.constant(c), storeTo(c.to, c.r)))
      .map(([c, store]): Op[] => [
        ...c.prefix,
        { k: "frame", g: c.g, slots: 2 },
        { k: "allocLocal", g: c.g, spec: c.spec, i: c.i },
        ...(c.escape ? [{ k: "localReg" as const, g: c.g, i: c.i, r: c.r }, store] : []),
        { k: "popFrame", g: c.g },
        ...(c.after ? [{ k: "startCycle" as const }] : []),
      ]),
  },
  // The collector moves on: a few short yields, or a cycle started and run partway.
  { weight: 2, arbitrary: fc.array(shortYield, { minLength: 2, maxLength: 5 }) },
  // A burst of garbage: large objects that cross the trigger at small GOGC.
  { weight: 1, arbitrary: pump },
);

/** A random multi-goroutine program: `goroutines` spawned first, then the chunks' ops in order. */
export const programOpsArb = (minChunks = 8, maxChunks = 60): fc.Arbitrary<Op[]> =>
  fc.array(chunkArb, { minLength: minChunks, maxLength: maxChunks, size: "max" }).map((chunks) => chunks.flat());
