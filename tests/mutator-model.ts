/**
 * A reference model of the mutator's view of the heap, and a random program
 * generator that drives the engine and the model in lockstep.
 *
 * The model knows nothing of colours, spans or barriers: only objects with
 * pointer fields, goroutines with frames of slots, and globals. Reachability
 * in the model is the plain graph search every collector must agree with.
 */
import fc from "fast-check";
import type { Engine } from "../src/engine.js";

export interface ModelObject {
  fields: number[];
  slotBytes: number;
}

export class Model {
  readonly objects = new Map<number, ModelObject>();
  /** goroutine id → frames (bottom first), each a list of slot values. */
  readonly stacks = new Map<number, number[][]>();
  readonly globals: number[];

  constructor(globals: number) {
    this.globals = new Array(globals).fill(0);
  }

  roots(): number[] {
    const out = this.globals.filter((h) => h !== 0);
    for (const frames of this.stacks.values()) for (const f of frames) for (const h of f) if (h !== 0) out.push(h);
    return out;
  }

  reachable(): Set<number> {
    const seen = new Set<number>();
    const work = this.roots();
    while (work.length) {
      const h = work.pop()!;
      if (seen.has(h)) continue;
      seen.add(h);
      for (const f of this.objects.get(h)!.fields) if (f !== 0 && !seen.has(f)) work.push(f);
    }
    return seen;
  }

  /** Forgets objects nothing reaches: the engine may free them at any cycle. */
  prune(): void {
    const live = this.reachable();
    for (const h of [...this.objects.keys()]) if (!live.has(h)) this.objects.delete(h);
  }
}

/** One mutator operation; numbers are picks, resolved against the state at run time. */
export type Op =
  | { op: "spawn" }
  | { op: "exit"; g: number }
  | { op: "pushFrame"; g: number; slots: number }
  | { op: "popFrame"; g: number }
  | { op: "alloc"; g: number; pointers: number; scalar: number; pop: number }
  | { op: "chain"; g: number; length: number }
  | { op: "drop"; g: number }
  | { op: "heapToStack"; g: number; from: number; field: number; slot: number; move: boolean }
  | { op: "stackToHeap"; g: number; slot: number; to: number; field: number; move: boolean }
  | { op: "heapToHeap"; g: number; from: number; fromField: number; to: number; toField: number }
  | { op: "clearField"; g: number; obj: number; field: number }
  | { op: "setGlobal"; g: number; index: number; from: number }
  | { op: "clearLocal"; g: number; slot: number }
  | { op: "yield"; g: number; units: number }
  | { op: "startCycle" };

const pick = fc.nat(1 << 16);

export const opArb: fc.Arbitrary<Op> = fc.oneof(
  { weight: 2, arbitrary: fc.constant({ op: "spawn" as const }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant("exit" as const), g: pick }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant("pushFrame" as const), g: pick, slots: fc.integer({ min: 0, max: 6 }) }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant("popFrame" as const), g: pick }) },
  { weight: 10, arbitrary: fc.record({ op: fc.constant("alloc" as const), g: pick, pointers: fc.integer({ min: 0, max: 4 }), scalar: fc.integer({ min: 0, max: 64 }), pop: pick }) },
  { weight: 3, arbitrary: fc.record({ op: fc.constant("chain" as const), g: pick, length: fc.integer({ min: 1, max: 40 }) }) },
  { weight: 3, arbitrary: fc.record({ op: fc.constant("drop" as const), g: pick }) },
  // move: the source is cleared too (x := o.f; o.f = nil), the classic way a pointer hides from the marker.
  { weight: 6, arbitrary: fc.record({ op: fc.constant("heapToStack" as const), g: pick, from: pick, field: pick, slot: pick, move: fc.boolean() }) },
  { weight: 6, arbitrary: fc.record({ op: fc.constant("stackToHeap" as const), g: pick, slot: pick, to: pick, field: pick, move: fc.boolean() }) },
  { weight: 6, arbitrary: fc.record({ op: fc.constant("heapToHeap" as const), g: pick, from: pick, fromField: pick, to: pick, toField: pick }) },
  { weight: 4, arbitrary: fc.record({ op: fc.constant("clearField" as const), g: pick, obj: pick, field: pick }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant("setGlobal" as const), g: pick, index: pick, from: pick }) },
  { weight: 3, arbitrary: fc.record({ op: fc.constant("clearLocal" as const), g: pick, slot: pick }) },
  // Mostly short runs, so a mark spans many operations; sometimes a long one that lets it finish.
  { weight: 8, arbitrary: fc.record({ op: fc.constant("yield" as const), g: pick, units: fc.oneof({ weight: 8, arbitrary: fc.integer({ min: 1, max: 64 }) }, { weight: 1, arbitrary: fc.integer({ min: 1, max: 20_000 }) }) }) },
  { weight: 2, arbitrary: fc.constant({ op: "startCycle" as const }) },
);

/**
 * Applies `op` to the engine and the model. Handles are read through the
 * engine's own API (as a mutator loads pointers) and used before the next
 * safe point, never across one.
 */
export function apply(e: Engine, m: Model, op: Op): void {
  const gs = [...m.stacks.keys()];
  const g = "g" in op && gs.length ? gs[op.g % gs.length] : 0;
  const top = g ? m.stacks.get(g)![m.stacks.get(g)!.length - 1] : [];
  const objs = [...m.reachable()];
  const obj = (k: number) => objs[k % objs.length];
  switch (op.op) {
    case "spawn": {
      const id = e.spawn();
      m.stacks.set(id, [[]]);
      return;
    }
    case "exit":
      if (!g) return;
      e.exit(g);
      m.stacks.delete(g);
      return;
    case "pushFrame":
      if (!g) return;
      e.pushFrame(g, op.slots);
      m.stacks.get(g)!.push(new Array(op.slots).fill(0));
      return;
    case "popFrame":
      if (!g || m.stacks.get(g)!.length < 2) return;
      e.popFrame(g);
      m.stacks.get(g)!.pop();
      return;
    case "alloc": {
      if (!g) return;
      const pop = Math.min(op.pointers, top.length, op.pop % 3);
      const h = e.allocPush(g, op.pointers, op.scalar, pop);
      const fields = new Array(op.pointers).fill(0);
      const children = top.splice(top.length - pop, pop);
      children.forEach((c, i) => (fields[i] = c));
      top.push(h);
      m.objects.set(h, { fields, slotBytes: e.slotBytes(h) });
      return;
    }
    case "chain": {
      // A linked chain built node by node: each new node pops the previous one into its field.
      if (!g) return;
      e.allocPush(g, 2, 0, 0);
      let prev = e.peek(g);
      m.objects.set(prev, { fields: [0, 0], slotBytes: e.slotBytes(prev) });
      top.push(prev);
      for (let i = 1; i < op.length; i++) {
        const h = e.allocPush(g, 2, 0, 1);
        top.pop();
        top.push(h);
        m.objects.set(h, { fields: [prev, 0], slotBytes: e.slotBytes(h) });
        prev = h;
      }
      return;
    }
    case "drop":
      if (!g || top.length === 0) return;
      e.drop(g, 1);
      top.pop();
      return;
    case "heapToStack": {
      if (!g || objs.length === 0 || top.length === 0) return;
      const from = obj(op.from);
      const n = m.objects.get(from)!.fields.length;
      if (n === 0) return;
      const v = e.readField(from, op.field % n);
      const slot = op.slot % top.length;
      e.setLocal(g, slot, v);
      top[slot] = v;
      if (op.move) {
        e.writeField(from, op.field % n, 0);
        m.objects.get(from)!.fields[op.field % n] = 0;
      }
      return;
    }
    case "stackToHeap": {
      if (!g || objs.length === 0 || top.length === 0) return;
      const to = obj(op.to);
      const n = m.objects.get(to)!.fields.length;
      if (n === 0) return;
      const v = e.getLocal(g, op.slot % top.length);
      e.writeField(to, op.field % n, v);
      m.objects.get(to)!.fields[op.field % n] = v;
      if (op.move) {
        e.setLocal(g, op.slot % top.length, 0);
        top[op.slot % top.length] = 0;
      }
      return;
    }
    case "heapToHeap": {
      if (!g || objs.length === 0) return;
      const from = obj(op.from);
      const to = obj(op.to);
      const nf = m.objects.get(from)!.fields.length;
      const nt = m.objects.get(to)!.fields.length;
      if (nf === 0 || nt === 0) return;
      const v = e.readField(from, op.fromField % nf);
      e.writeField(to, op.toField % nt, v);
      m.objects.get(to)!.fields[op.toField % nt] = v;
      return;
    }
    case "clearField": {
      if (!g || objs.length === 0) return;
      const o = obj(op.obj);
      const n = m.objects.get(o)!.fields.length;
      if (n === 0) return;
      e.writeField(o, op.field % n, 0);
      m.objects.get(o)!.fields[op.field % n] = 0;
      return;
    }
    case "setGlobal": {
      const v = objs.length && op.from % 3 !== 0 ? obj(op.from) : 0;
      const i = op.index % m.globals.length;
      e.setGlobal(i, v);
      m.globals[i] = v;
      return;
    }
    case "clearLocal":
      if (!g || top.length === 0) return;
      e.setLocal(g, op.slot % top.length, 0);
      top[op.slot % top.length] = 0;
      return;
    case "yield":
      e.yield(g, op.units);
      return;
    case "startCycle":
      e.startCycle();
      return;
  }
}
