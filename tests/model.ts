/**
 * A plain TypeScript reference model of the heap's reachability, and a
 * driver that applies the same mutator operations to the model and to an
 * engine, then checks after every collection that the engine kept alive
 * exactly what the model can reach.
 *
 * The model knows nothing about spans, bitmaps or queues: objects are ids
 * with pointer fields, roots are goroutine frames (lists of values) and
 * globals, and reachability is a breadth-first search. Object ids are
 * creation order, so two engines driven by the same program have
 * comparable live sets even when their addresses differ.
 *
 * Every operation only ever stores objects that are reachable at the time
 * (as a real mutator must), so the model is correct whenever the engine
 * collects, including collections the pacer starts inside an allocation.
 */
import { expect } from "vitest";
import type { Engine } from "../src/engine.js";
import { InvalidHandleError } from "../src/errors.js";
import * as abi from "../src/abi.js";
import { expectedSlotBytes, sum } from "./helpers.js";

export interface ObjSpec {
  ptrs: number;
  scalar: number;
  /** Allocation site index (0..SITES-1), mapped to a named engine site. */
  site: number;
}

export const SITES = 4;
export const GLOBALS = 16;

interface MObj {
  spec: ObjSpec;
  slot: number;
  fields: number[]; // ids, 0 = nil
}

interface MG {
  g: number; // engine goroutine id
  frames: number[][]; // values (ids, 0 = nil); frames[0] is the base frame
}

/** Operations of a random mutator program. Numbers are choices reduced modulo what exists when the op runs. */
export type Op =
  | { k: "alloc"; g: number; spec: ObjSpec; pop: number }
  | { k: "allocWith"; g: number; spec: ObjSpec; a: number; b: number }
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
  | { k: "collect" }
  | { k: "sweep" }
  | { k: "startCycle" }
  | { k: "yield"; units: number };

export interface CollectResult {
  live: number[]; // ids, ascending
  markedObjects: number;
  markedBytes: number;
}

export class Driver {
  readonly objs = new Map<number, MObj>(); // allocated in the engine and not yet collected
  readonly gs: MG[] = [];
  readonly globals = new Map<number, number>(); // index → id (non-nil only)
  private readonly handles = new Map<number, number>(); // id → handle
  private readonly sites: number[];
  private nextId = 1;
  /** Live sets found at each collection, in order (for cross-engine comparison). */
  readonly history: CollectResult[] = [];
  /** Pacer-started or forced collections observed inside allocations. */
  autoCollections = 0;

  /**
   * Exact mode (stop-the-world): a cycle that completes inside an operation
   * frees exactly what was unreachable when the operation began. Relaxed mode
   * (concurrent marking): a cycle may keep floating garbage, so the model
   * drops an unreachable object only once the engine has freed it; what it
   * must never do is free a reachable one.
   */
  readonly exact: boolean;
  private readonly byHandle = new Map<number, number>(); // handle → id, for objects in `objs`

  constructor(readonly e: Engine, exact = e.options.barrier === "stw") {
    this.exact = exact;
    this.sites = Array.from({ length: SITES }, (_, i) => e.site(`model.site${i}`));
  }

  private forget(id: number): void {
    const h = this.handles.get(id)!;
    if (this.byHandle.get(h) === id) this.byHandle.delete(h);
    this.objs.delete(id);
  }

  handle(id: number): number {
    if (id === 0) return 0;
    const h = this.handles.get(id);
    if (h === undefined) throw new Error(`no handle for id ${id}`);
    return h;
  }

  // ── The model ──────────────────────────────────────────────────────────

  reachable(): Set<number> {
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
    while (work.length) {
      const o = this.objs.get(work.pop()!);
      if (!o) throw new Error("model: reachable object was collected");
      for (const v of o.fields) visit(v);
    }
    return seen;
  }

  /** Reachable ids in ascending order: what random choices pick from. */
  private reachableList(): number[] {
    return [...this.reachable()].sort((a, b) => a - b);
  }

  /** A value to store: nil for one choice in eight (or when nothing is reachable), else a reachable object. */
  pick(choice: number): number {
    const r = this.reachableList();
    if (r.length === 0 || choice % 8 === 0) return 0;
    return r[choice % r.length];
  }

  // ── Primitive operations (model and engine together) ───────────────────

  spawn(): number {
    const g = this.e.spawn();
    this.gs.push({ g, frames: [[]] });
    return this.gs.length - 1;
  }

  exit(gi: number): void {
    this.e.exit(this.gs[gi].g);
    this.gs.splice(gi, 1);
  }

  pushFrame(gi: number, slots: number): void {
    this.e.pushFrame(this.gs[gi].g, slots);
    this.gs[gi].frames.push(new Array(slots).fill(0));
  }

  popFrame(gi: number): void {
    this.e.popFrame(this.gs[gi].g);
    this.gs[gi].frames.pop();
  }

  private top(gi: number): number[] {
    const f = this.gs[gi].frames;
    return f[f.length - 1];
  }

  push(gi: number, id: number): void {
    this.e.push(this.gs[gi].g, this.handle(id));
    this.top(gi).push(id);
  }

  pop(gi: number): void {
    const got = this.e.pop(this.gs[gi].g);
    expect(got).toBe(this.handle(this.top(gi).pop()!));
  }

  drop(gi: number, n: number): void {
    this.e.drop(this.gs[gi].g, n);
    this.top(gi).length -= n;
  }

  setLocal(gi: number, i: number, id: number): void {
    this.e.setLocal(this.gs[gi].g, i, this.handle(id));
    this.top(gi)[i] = id;
  }

  setGlobal(i: number, id: number): void {
    this.e.setGlobal(i, this.handle(id));
    if (id === 0) this.globals.delete(i);
    else this.globals.set(i, id);
  }

  writeField(src: number, slot: number, dst: number): void {
    this.e.writeField(this.handle(src), slot, this.handle(dst));
    this.objs.get(src)!.fields[slot] = dst;
  }

  private register(h: number, spec: ObjSpec, fields: number[]): number {
    const id = this.nextId++;
    const slot = expectedSlotBytes(spec.ptrs, spec.scalar);
    expect(this.e.slotBytes(h)).toBe(slot);
    // A new object may only take the slot of one the engine freed, and that one must be unreachable.
    const previous = this.byHandle.get(h);
    if (previous !== undefined) {
      if (this.exact || this.reachable().has(previous)) expect.fail(`object ${previous} (${h}) was still held by the model when its slot was reused`);
      this.forget(previous);
    }
    this.byHandle.set(h, id);
    // A tag in the scalar area: a collector that clobbers a live object is caught.
    if (spec.scalar >= 4) this.e.setUint32(h, 0, id);
    this.handles.set(id, h);
    this.objs.set(id, { spec, slot, fields });
    return id;
  }

  /**
   * allocPush: pops `npop` values of goroutine gi's top frame into the new
   * object's first fields and pushes it. If a collection ran inside the
   * allocation, everything unreachable before the call is gone.
   */
  alloc(gi: number, spec: ObjSpec, npop: number): number {
    const reachBefore = this.reachable();
    const cycles = this.e.cycles.length;
    const h = this.e.allocPush(this.gs[gi].g, spec.ptrs, spec.scalar, npop, this.sites[spec.site]);
    this.afterAllocation(cycles, reachBefore);
    const top = this.top(gi);
    const popped = top.splice(top.length - npop, npop);
    const fields = new Array(spec.ptrs).fill(0);
    popped.forEach((v, i) => (fields[i] = v));
    const id = this.register(h, spec, fields);
    top.push(id);
    return id;
  }

  /** allocWith (a and b in the first two fields, pinned during the call), then pushed on gi. */
  allocWith(gi: number, spec: ObjSpec, a: number, b: number): number {
    const reachBefore = this.reachable();
    const cycles = this.e.cycles.length;
    const h = this.e.allocWith(spec.ptrs, spec.scalar, this.handle(a), this.handle(b), this.sites[spec.site]);
    this.afterAllocation(cycles, reachBefore);
    // Nothing allocates between here and the push: the JS-held handle is safe.
    this.e.push(this.gs[gi].g, h);
    const fields = new Array(spec.ptrs).fill(0);
    fields[0] = a;
    fields[1] = b;
    const id = this.register(h, spec, fields);
    this.top(gi).push(id);
    return id;
  }

  /**
   * Cycles are detected through the cycle records the engine reports as
   * they complete, not by calling stats() between allocations.
   */
  private afterAllocation(cyclesBefore: number, reachBefore: Set<number>): void {
    const cycles = this.e.cycles;
    if (cycles.length === cyclesBefore) return;
    this.autoCollections += cycles.length - cyclesBefore;
    if (!this.exact) {
      this.pruneFreed();
      return;
    }
    // The engine collected inside the allocation: each cycle must have marked exactly reachBefore.
    const bytes = sum([...reachBefore].map((id) => this.objs.get(id)!.slot));
    for (const c of cycles.slice(cyclesBefore)) expect({ objects: c.markedObjects, bytes: c.heapMarkedBytes }).toEqual({ objects: reachBefore.size, bytes });
    for (const id of [...this.objs.keys()]) if (!reachBefore.has(id)) this.forget(id);
  }

  /**
   * Relaxed mode: every reachable object must still be live; unreachable ones
   * the engine has freed leave the model (floating garbage stays until freed).
   */
  pruneFreed(): void {
    const reach = this.reachable();
    for (const id of [...this.objs.keys()]) {
      const live = this.e.isLive(this.handle(id));
      if (reach.has(id)) {
        if (!live) expect.fail(`reachable object ${id} (${this.handle(id)}) was freed`);
      } else if (!live) this.forget(id);
    }
  }

  /** A cycle started on request: whole under stw, only begun under the concurrent strategies. */
  startCycle(): void {
    const reachBefore = this.reachable();
    const cycles = this.e.cycles.length;
    this.e.startCycle();
    this.afterAllocation(cycles, reachBefore);
  }

  /** A safe point without allocation: marking may advance and a cycle may finish. */
  yieldFor(units: number): void {
    const reachBefore = this.reachable();
    const cycles = this.e.cycles.length;
    this.e.yield(this.gs.length > 0 ? this.gs[0].g : 0, units);
    this.afterAllocation(cycles, reachBefore);
  }

  // ── Collection and checks ──────────────────────────────────────────────

  /** Collects, then checks the engine against the model exhaustively; prunes the model. */
  collect(): CollectResult {
    const e = this.e;
    const reach = this.reachable();
    e.collect();

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
    const bytes = sum([...reach].map((id) => this.objs.get(id)!.slot));
    const s = e.stats();
    expect({ objects: s.markedObjects, bytes: s.markedBytes }).toEqual({ objects: reach.size, bytes });
    if (e.options.verifyEachCycle) expect(s.lostAtMark).toBe(0);

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
    for (const id of reach) {
      const o = this.objs.get(id)!;
      const h = this.handle(id);
      o.fields.forEach((f, i) => {
        if (e.readField(h, i) !== this.handle(f)) expect.fail(`object ${id} field ${i}: expected ${this.handle(f)}, got ${e.readField(h, i)}`);
      });
      if (o.spec.scalar >= 4) expect(e.getUint32(h, 0)).toBe(id);
    }
    const comp = e.composition();
    const bySite = new Map<string, { objects: number; bytes: number }>();
    const byClass = new Map<number, { objects: number; bytes: number }>();
    for (const id of reach) {
      const o = this.objs.get(id)!;
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
      const top = g.frames[g.frames.length - 1];
      expect(e.frameSlots(g.g)).toBe(top.length);
      expect(top.map((_, i) => e.getLocal(g.g, i))).toEqual(top.map((v) => this.handle(v)));
    }
    for (let i = 0; i < GLOBALS; i++) expect(e.getGlobal(i)).toBe(this.handle(this.globals.get(i) ?? 0));
  }

  // ── Random programs ────────────────────────────────────────────────────

  /** Applies one random op; returns false if it did not apply (nothing to act on). */
  apply(op: Op): boolean {
    const n = this.gs.length;
    const gi = (x: number) => x % n;
    switch (op.k) {
      case "alloc": {
        if (n === 0) return false;
        const g = gi(op.g);
        const npop = Math.min(op.pop, op.spec.ptrs, this.top(g).length);
        this.alloc(g, op.spec, npop);
        return true;
      }
      case "allocWith": {
        if (n === 0) return false;
        const spec = { ...op.spec, ptrs: Math.max(2, op.spec.ptrs) };
        this.allocWith(gi(op.g), spec, this.pick(op.a), this.pick(op.b));
        return true;
      }
      case "write": {
        const r = this.reachableList().filter((id) => this.objs.get(id)!.spec.ptrs > 0);
        if (r.length === 0) return false;
        const src = r[op.src % r.length];
        const o = this.objs.get(src)!;
        // One choice in eight is a self-loop; otherwise any reachable object or nil.
        const dst = op.dst % 8 === 1 ? src : this.pick(op.dst);
        this.writeField(src, op.slot % o.spec.ptrs, dst);
        return true;
      }
      case "global":
        this.setGlobal(op.i % GLOBALS, this.pick(op.v));
        return true;
      case "push":
        if (n === 0) return false;
        this.push(gi(op.g), this.pick(op.v));
        return true;
      case "pop":
        if (n === 0 || this.top(gi(op.g)).length === 0) return false;
        this.pop(gi(op.g));
        return true;
      case "drop": {
        if (n === 0) return false;
        const g = gi(op.g);
        this.drop(g, op.n % (this.top(g).length + 1));
        return true;
      }
      case "local": {
        if (n === 0) return false;
        const g = gi(op.g);
        const len = this.top(g).length;
        if (len === 0) return false;
        this.setLocal(g, op.i % len, this.pick(op.v));
        return true;
      }
      case "frame":
        if (n === 0) return false;
        this.pushFrame(gi(op.g), op.slots);
        return true;
      case "popFrame":
        if (n === 0 || this.gs[gi(op.g)].frames.length === 1) return false;
        this.popFrame(gi(op.g));
        return true;
      case "spawn":
        if (n >= 6) return false;
        this.spawn();
        return true;
      case "exit":
        if (n <= 1) return false; // keep one goroutine to allocate on
        this.exit(gi(op.g));
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
        this.yieldFor(op.units);
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
