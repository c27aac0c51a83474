/**
 * array-slice: golang/go's runtime test TestGcArraySlice
 * (src/runtime/gc_test.go), adapted to a heap without interior pointers.
 *
 *   type X struct { buf [1]byte; nextbuf []byte; next *X }
 *   var head *X
 *   for i := 0; i < 10; i++ {
 *       p := &X{}; p.buf[0] = 42; p.next = head
 *       if head != nil { p.nextbuf = head.buf[:] }   // a slice into the previous X
 *       head = p
 *       runtime.GC()
 *   }
 *   for p := head; p != nil; p = p.next { if p.buf[0] != 42 { t.Fatal("corrupted heap") } }
 *
 * In Go, head.buf[:] is an interior pointer into the previous X. The engine
 * only has whole-object pointers, so buf is an array object of its own:
 *
 *   X        [buf, nextbuf, next]
 *   buf      `buf-bytes` of scalar data (at least 4); buf[0] = 42
 *
 * and nextbuf points at the previous X's buf array. `nodes` Xs are linked,
 * with a forced collection every `gc-every` of them (the Go test: 10 and 1).
 *
 * Part 2 asks what a slice keeps alive on its own: every `stride`-th X's
 * nextbuf is copied into a slice table, then the list is dropped. (In Go the
 * interior pointer would pin the whole X and, through next, the rest of the
 * list; here it pins exactly the array.)
 *
 * Invariants, after forced collections: every X's buf[0] == 42 and its
 * nextbuf is next's buf; after the list is dropped, the live objects are
 * exactly the table and the arrays it holds, each still reading 42. Each X
 * of part 1 is one step; the checks and part 2 are the teardown.
 */
import type { Engine } from "../engine/engine.js";
import type { ScenarioContext } from "../scenario/scenario.js";
import { stepped } from "../scenario/toolkit.js";

const HEAD = 0; // global: var head *X
const TABLE = 1; // global: the slice table of part 2
const X_BUF = 0;
const X_NEXTBUF = 1;
const X_NEXT = 2;
const MAGIC = 42;

/** What the steps share: the goroutine, the sites, the collection count. */
interface ArraySlice {
  g: number;
  xSite: number;
  bufSite: number;
  gcEvery: number;
  collections: number;
}

const byte0 = (e: Engine, buf: number): number => e.word(buf, 0);

/** for p := head; p != nil; p = p.next { if p.buf[0] != 42 … }: returns the Xs listed. */
function walkList(e: Engine): number {
  let listed = 0;
  for (let x = e.getGlobal(HEAD); x !== 0; x = e.field(x, X_NEXT)) {
    const next = e.field(x, X_NEXT);
    if (byte0(e, e.field(x, X_BUF)) !== MAGIC) throw new Error("array-slice: corrupted heap (buf[0] != 42)");
    if (e.field(x, X_NEXTBUF) !== (next === 0 ? 0 : e.field(next, X_BUF))) throw new Error("array-slice: nextbuf is not the next X's buf");
    listed++;
  }
  return listed;
}

/** Part 2: keep every stride-th X's nextbuf in a table, drop the list, collect; returns the objects live. */
function keepSlices(ctx: ScenarioContext, g: number, kept: number): number {
  const e = ctx.engine;
  const { nodes, stride } = ctx.params;
  e.allocPush(g, kept, 0, 0, e.site("array-slice.table"));
  e.setGlobal(TABLE, e.pop(g));
  let k = 0;
  let i = nodes - 1; // the head is the last X made
  for (let x = e.getGlobal(HEAD); x !== 0; x = e.field(x, X_NEXT), i--) {
    if (i % stride === 0 && i > 0) e.writeField(e.getGlobal(TABLE), k++, e.field(x, X_NEXTBUF));
  }
  e.setGlobal(HEAD, 0); // the list is garbage; the slices are not
  e.collect();
  const table = e.getGlobal(TABLE);
  for (let j = 0; j < k; j++) if (byte0(e, e.field(table, j)) !== MAGIC) throw new Error("array-slice: a kept slice lost its array");
  const live = e.stats().markedObjects;
  if (k !== kept || live !== 1 + kept) throw new Error(`array-slice: ${live} objects live after dropping the list, expected ${1 + kept}`);
  return live;
}

export const arraySlice = stepped<ArraySlice>({
  name: "array-slice",
  description: "runtime test TestGcArraySlice: a list whose nodes hold slices of their predecessor's array",
  params: [
    { name: "nodes", description: "Xs in the list (the Go test: 10)", type: "int", default: 100_000, min: 1, max: 50_000_000 },
    { name: "gc-every", description: "forced collection after every this many Xs (the Go test: 1; 0: nodes / 10)", type: "int", default: 0, min: 0, max: 50_000_000 },
    { name: "buf-bytes", description: "bytes in each X's buf array", type: "int", default: 8, min: 4, max: 1 << 20 },
    { name: "stride", description: "part 2 keeps the slice of every stride-th X", type: "int", default: 10, min: 1, max: 50_000_000 },
  ],
  steps: (p) => p.nodes,
  setup(ctx) {
    const e = ctx.engine;
    const p = ctx.params;
    const gcEvery = p["gc-every"] || Math.max(1, Math.floor(p.nodes / 10));
    const xSite = e.site("array-slice.X");
    const bufSite = e.site("array-slice.buf");
    return { g: e.spawn(), xSite, bufSite, gcEvery, collections: 0 };
  },
  step(ctx, s, i) {
    const e = ctx.engine;
    const g = s.g;
    const buf = e.allocPush(g, 0, ctx.params["buf-bytes"], 0, s.bufSite);
    e.setUint32(buf, 0, MAGIC); // p.buf[0] = 42
    const x = e.allocPush(g, 3, 0, 1, s.xSite); // p := &X{buf}
    const head = e.getGlobal(HEAD);
    e.writeField(x, X_NEXT, head); // p.next = head
    if (head !== 0) e.writeField(x, X_NEXTBUF, e.field(head, X_BUF)); // p.nextbuf = head.buf[:]
    e.setGlobal(HEAD, e.peek(g)); // head = p
    e.drop(g);
    if ((i + 1) % s.gcEvery === 0) {
      e.collect(); // runtime.GC()
      s.collections++;
    }
  },
  teardown(ctx, s) {
    const e = ctx.engine;
    const { nodes, stride } = ctx.params;
    e.collect();
    const listed = walkList(e);
    if (listed !== nodes) throw new Error(`array-slice: ${listed} of ${nodes} Xs in the list`);
    ctx.print(`TestGcArraySlice: ${nodes} Xs linked with ${s.collections} collections; after runtime.GC() every buf[0] == 42 and nextbuf == next.buf`);
    const kept = Math.floor((nodes - 1) / stride); // X number i > 0 with i % stride == 0 (X 0 has no nextbuf)
    const live = keepSlices(ctx, s.g, kept);
    ctx.print(`list dropped, ${kept} slices kept: after runtime.GC() ${live} objects live = 1 table + ${kept} arrays, each buf[0] == 42`);
    e.exit(s.g);
    ctx.result({ nodes, collections: s.collections, listed, kept, liveObjects: live });
  },
});
