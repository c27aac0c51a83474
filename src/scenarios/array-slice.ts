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
 * exactly the table and the arrays it holds, each still reading 42.
 */
import type { Scenario, ScenarioContext } from "../scenario/scenario.js";

const HEAD = 0; // global: var head *X
const TABLE = 1; // global: the slice table of part 2
const X_BUF = 0;
const X_NEXTBUF = 1;
const X_NEXT = 2;
const MAGIC = 42;

export const arraySlice: Scenario = {
  name: "array-slice",
  description: "runtime test TestGcArraySlice: a list whose nodes hold slices of their predecessor's array",
  params: [
    { name: "nodes", description: "Xs in the list (the Go test: 10)", type: "int", default: 100_000, min: 1, max: 50_000_000 },
    { name: "gc-every", description: "forced collection after every this many Xs (the Go test: 1; 0: nodes / 10)", type: "int", default: 0, min: 0, max: 50_000_000 },
    { name: "buf-bytes", description: "bytes in each X's buf array", type: "int", default: 8, min: 4, max: 1 << 20 },
    { name: "stride", description: "part 2 keeps the slice of every stride-th X", type: "int", default: 10, min: 1, max: 50_000_000 },
  ],
  run(ctx: ScenarioContext): void {
    const e = ctx.engine;
    const p = ctx.params;
    const nodes = p.nodes;
    const gcEvery = p["gc-every"] || Math.max(1, Math.floor(nodes / 10));
    const xSite = e.site("array-slice.X");
    const bufSite = e.site("array-slice.buf");
    const byte0 = (buf: number) => e.word(buf, 0);
    const g = e.spawn();

    let collections = 0;
    for (let i = 0; i < nodes; i++) {
      const buf = e.allocPush(g, 0, p["buf-bytes"], 0, bufSite);
      e.setUint32(buf, 0, MAGIC); // p.buf[0] = 42
      const x = e.allocPush(g, 3, 0, 1, xSite); // p := &X{buf}
      const head = e.getGlobal(HEAD);
      e.writeField(x, X_NEXT, head); // p.next = head
      if (head !== 0) e.writeField(x, X_NEXTBUF, e.field(head, X_BUF)); // p.nextbuf = head.buf[:]
      e.setGlobal(HEAD, e.peek(g)); // head = p
      e.drop(g);
      if ((i + 1) % gcEvery === 0) {
        e.collect(); // runtime.GC()
        collections++;
      }
      if (i % 65_536 === 0) ctx.progress?.(i / nodes);
    }
    e.collect();

    // for p := head; p != nil; p = p.next { if p.buf[0] != 42 … }
    let listed = 0;
    for (let x = e.getGlobal(HEAD); x !== 0; x = e.field(x, X_NEXT)) {
      const next = e.field(x, X_NEXT);
      if (byte0(e.field(x, X_BUF)) !== MAGIC) throw new Error("array-slice: corrupted heap (buf[0] != 42)");
      if (e.field(x, X_NEXTBUF) !== (next === 0 ? 0 : e.field(next, X_BUF))) throw new Error("array-slice: nextbuf is not the next X's buf");
      listed++;
    }
    if (listed !== nodes) throw new Error(`array-slice: ${listed} of ${nodes} Xs in the list`);
    ctx.print(`TestGcArraySlice: ${nodes} Xs linked with ${collections} collections; after runtime.GC() every buf[0] == 42 and nextbuf == next.buf`);

    // Part 2: keep every stride-th X's nextbuf in a table, drop the list.
    const kept = Math.floor((nodes - 1) / p.stride); // X number i > 0 with i % stride == 0 (X 0 has no nextbuf)
    e.allocPush(g, kept, 0, 0, e.site("array-slice.table"));
    e.setGlobal(TABLE, e.pop(g));
    let k = 0;
    let i = nodes - 1; // the head is the last X made
    for (let x = e.getGlobal(HEAD); x !== 0; x = e.field(x, X_NEXT), i--) {
      if (i % p.stride === 0 && i > 0) e.writeField(e.getGlobal(TABLE), k++, e.field(x, X_NEXTBUF));
    }
    e.setGlobal(HEAD, 0); // the list is garbage; the slices are not
    e.collect();
    const table = e.getGlobal(TABLE);
    for (let j = 0; j < k; j++) if (byte0(e.field(table, j)) !== MAGIC) throw new Error("array-slice: a kept slice lost its array");
    const st = e.stats();
    if (k !== kept || st.markedObjects !== 1 + kept) throw new Error(`array-slice: ${st.markedObjects} objects live after dropping the list, expected ${1 + kept}`);
    ctx.print(`list dropped, ${kept} slices kept: after runtime.GC() ${st.markedObjects} objects live = 1 table + ${kept} arrays, each buf[0] == 42`);
    e.exit(g);
  },
};
