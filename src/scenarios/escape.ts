/**
 * escape: objects born as frame locals, of which a few escape into the heap
 * (the seed document's second pitfall, escapes to the heap).
 *
 *   func handle(i int) {
 *       a := &T{id: i}        // a frame local …
 *       b := &T{id: i}
 *       if rare() { sink.push(a) } // … until it is stored where the frame cannot see it die
 *   }
 *
 * Each of `calls` calls pushes 1 to `call-depth` frames (nested calls),
 * allocates `locals` objects in the innermost one (one pointer slot and
 * `object-bytes` of scalar data, the first word the call number), and each
 * local escapes with probability `escape-percent`: it is linked onto a list
 * kept in a global. Then the frames return, and with them every local that
 * did not escape becomes garbage.
 *
 * A Go compiler would put the non-escaping locals on the stack and never
 * bother the collector with them; the engine allocates every object on the
 * heap, so the report says what that cost.
 *
 * Invariants, after a forced collection: the list holds exactly the escaped
 * objects, newest first, and the live objects are exactly those plus the
 * list header — nothing that stayed local survives its frame. One call is
 * one step.
 */
import { pacedCycles, stepped } from "../scenario/toolkit.js";

const SINK = 0;

/** What the calls share: the goroutine, the site, the counters. */
interface Escape {
  g: number;
  site: number;
  allocated: number;
  escaped: number;
}

export const escape = stepped<Escape>({
  name: "escape",
  description: "frame-local objects in many calls, a few escaping to a global list: only those survive",
  params: [
    { name: "calls", description: "calls made, each allocating `locals` objects in its innermost frame", type: "int", default: 200_000, min: 0, max: 1e9 },
    { name: "locals", description: "objects allocated per call", type: "int", default: 2, min: 1, max: 1000 },
    { name: "escape-percent", description: "chance that a local escapes into the global list", type: "number", default: 10, min: 0, max: 100 },
    { name: "call-depth", description: "each call nests 1 to this many frames", type: "int", default: 3, min: 1, max: 1000 },
    { name: "object-bytes", description: "scalar bytes per object", type: "int", default: 32, min: 4, max: 1 << 20 },
  ],
  steps: (p) => p.calls,
  setup(ctx) {
    const e = ctx.engine;
    const site = e.site("escape.local");
    const g = e.spawn();
    e.allocPush(g, 1, 8, 0, e.site("escape.sink"));
    e.setGlobal(SINK, e.pop(g));
    return { g, site, allocated: 0, escaped: 0 };
  },
  step(ctx, s, call) {
    const e = ctx.engine;
    const p = ctx.params;
    const g = s.g;
    const depth = 1 + ctx.randomInt(p["call-depth"]);
    for (let d = 0; d < depth; d++) e.pushFrame(g, 0);
    for (let l = 0; l < p.locals; l++) {
      const obj = e.allocPush(g, 1, p["object-bytes"], 0, s.site);
      e.setUint32(obj, 0, call);
      s.allocated++;
      if (ctx.random() * 100 < p["escape-percent"]) {
        const sink = e.getGlobal(SINK);
        e.writeField(e.peek(g), 0, e.field(sink, 0)); // obj.next = sink.head
        e.writeField(sink, 0, e.peek(g)); // sink.head = obj: it escapes
        s.escaped++;
      }
    }
    for (let d = 0; d < depth; d++) e.popFrame(g); // return: the locals' frame is gone
  },
  teardown(ctx, s) {
    const e = ctx.engine;
    const p = ctx.params;
    const calls = p.calls;
    const { allocated, escaped } = s;
    e.exit(s.g);

    e.collect();
    let listed = 0;
    let last = Infinity;
    for (let obj = e.field(e.getGlobal(SINK), 0); obj !== 0; obj = e.field(obj, 0)) {
      const call = e.word(obj, 1);
      if (call > last || call >= calls) throw new Error("escape: the escaped list is out of order");
      last = call;
      listed++;
    }
    const st = e.stats();
    const site0 = e.composition().sites.find((x) => x.name === "escape.local");
    const liveLocals = site0?.objects ?? 0;
    if (listed !== escaped || st.markedObjects !== escaped + 1 || liveLocals !== escaped) {
      throw new Error(`escape: ${st.markedObjects} objects live after GC (${liveLocals} locals), expected ${escaped} escaped + 1 header`);
    }
    const stayed = allocated - escaped;
    const objectBytes = e.slotBytesFor(1, p["object-bytes"]);
    const wasted = stayed * objectBytes;
    const total = allocated * objectBytes;
    const collections = pacedCycles(e.cycles).length;
    ctx.print(`escape: ${calls} calls (1 to ${p["call-depth"]} frames deep), ${allocated} objects allocated as frame locals`);
    ctx.print(`${escaped} escaped into the global list (${allocated ? ((100 * escaped) / allocated).toFixed(1) : 0}%), ${stayed} stayed local and died with their frames`);
    ctx.print(`after GC: ${st.markedObjects} live objects == ${escaped} escaped + 1 list header`);
    ctx.print(`kept on the stack, the ${stayed} non-escaping locals would have spared the heap ${Math.round(wasted / 1024)} of the ${Math.round(total / 1024)} KiB allocated (${collections} collections ran)`);
    ctx.result({ calls, allocated, escaped, stayed, listed, liveObjects: st.markedObjects, collections, objectBytes, allocatedBytes: total, wastedBytes: wasted });
  },
});
