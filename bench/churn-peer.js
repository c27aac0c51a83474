// churn-peer.js — the GC peers' "leaky cache / churn" workload (/work/shared/peers/src/churn.go) in tricolor's heap.
//
// The same program as churn.go, step for step, so tricolor builds the same
// object graph as Go, V8 and Boehm and prints the same result line:
//
//   * the same xorshift32 stream (seed 2463534242), drawn in the same order;
//   * a cache of M slots; each object is {a, b *obj; id, mark int64}: two
//     pointer slots and 16 scalar bytes, a 32-byte slot as in Go;
//   * every step: allocate n = {id: M+i}; store n into field a (i even) or b
//     (i odd) of the object in a random slot (through the write barrier: an
//     old-to-young store); overwrite another random slot with n;
//   * at the end, walk what the cache reaches with an explicit stack, setting
//     mark = 1, and print `churn live=M steps=S reachable=R idsum=X`.
//
// M=1e6, 1e7 steps gives reachable=1329808 idsum=13261085986777, as Go does.
//
// One difference of layout, not of the graph: Go's cache is one []*obj
// backing array (marked in 128 KiB oblets). tricolor scans an object whole
// and holds at most 2^20 - 1 pointer slots in one, so the cache is a
// directory object (global 0) of chunk objects of 4094 slots each (16 KiB
// slots, no size-class waste); slot k lives in chunk k / 4094. Chunks and
// the directory never die and the heap does not move objects, so their
// handles are kept in a JS array, as Go keeps the slice header.
//
// Run: node bin/tricolor.js run bench/churn-peer.js --live 1000000 --steps 10000000 [--barrier stw]
//  or: npm run bench:peers (bench/peers.mjs), which runs it beside Go, Node and Boehm.
const CHUNK = 4094; // 8-byte header + 4094 * 4 = 16384 bytes, exactly a size class
const ID_WORD = 2; // payload words: a, b, then the scalars: id (low, high), mark (low, high)
const MARK_WORD = 4;
const SEED = 2463534242;

export default {
  name: "churn-peer",
  description: "the GC peers' leaky-cache churn (churn.go): M cache slots, one 32-byte object per step, old-to-young stores",
  params: [
    { name: "live", description: "M: cache slots (objects the cache holds live)", type: "int", default: 1_000_000, min: 1, max: 50_000_000 },
    { name: "steps", description: "steps; each allocates one object", type: "int", default: 10_000_000, min: 0, max: 1e10 },
  ],
  // Go's heap has no fixed limit: give the live set (up to ~2.3 M objects of 32 bytes, plus GOGC's headroom) room.
  engineOptions: (p) => ({ maxHeap: Math.min(3 * 2 ** 30, Math.max(2 ** 30, Math.ceil(p.live * 32 * 2.4 * 2.2))) }),
  run(ctx) {
    const e = ctx.engine;
    const m = ctx.params.live;
    const steps = ctx.params.steps;
    const objSite = e.site("churn-peer.obj");
    const chunkSite = e.site("churn-peer.cache");
    const nChunks = Math.ceil(m / CHUNK);

    // xorshift32 in an int32 local (the same bits as churn.go's uint32; `>>> 0` reads it unsigned),
    // so optimized code keeps it in a register instead of boxing values above 2^31.
    let x = SEED | 0;

    // cache := make([]*obj, m): the directory in global 0, its chunks in its slots.
    e.setGlobal(0, e.alloc(nChunks, 0, e.site("churn-peer.directory")));
    const chunks = new Array(nChunks);
    for (let c = 0; c < nChunks; c++) {
      const chunk = e.alloc(Math.min(CHUNK, m - c * CHUNK), 0, chunkSite);
      e.writeField(e.getGlobal(0), c, chunk); // rooted before the next allocation
      chunks[c] = chunk;
    }
    // A new object's id, written straight into its scalar word (the view is re-read: memory may have grown).
    const setId = (p, id) => { e.words()[(p >>> 2) + 2 + ID_WORD] = id; };

    for (let i = 0; i < m; i++) {
      const p = e.alloc(2, 16, objSite); // unrooted until the store below; nothing allocates in between
      setId(p, i);
      e.writeField(chunks[(i / CHUNK) | 0], i % CHUNK, p);
    }

    const every = Math.max(1, Math.floor(steps / 200));
    for (let i = 0; i < steps; i++) {
      const n = e.alloc(2, 16, objSite);
      setId(n, m + i);
      x ^= x << 13; x ^= x >>> 17; x ^= x << 5;
      let k = (x >>> 0) % m;
      const r = e.field(chunks[(k / CHUNK) | 0], k % CHUNK);
      e.writeField(r, i & 1, n); // i odd: r.b = n; even: r.a = n
      x ^= x << 13; x ^= x >>> 17; x ^= x << 5;
      k = (x >>> 0) % m;
      e.writeField(chunks[(k / CHUNK) | 0], k % CHUNK, n); // cache[k] = n: n is rooted from here on
      if (i % every === 0) ctx.progress(i / steps);
    }

    // Count what is still reachable from the cache (explicit stack), as churn.go does.
    const u32 = e.words();
    let reach = 0;
    let idsum = 0; // < 2^53 for any size used here
    const stack = [];
    for (let k = 0; k < m; k++) {
      stack.push(e.field(chunks[(k / CHUNK) | 0], k % CHUNK));
      while (stack.length > 0) {
        const x = stack.pop();
        if (x === 0) continue;
        const w = (x >>> 2) + 2; // first payload word
        if (u32[w + MARK_WORD] === 1) continue;
        u32[w + MARK_WORD] = 1;
        reach++;
        idsum += u32[w + ID_WORD];
        stack.push(u32[w], u32[w + 1]);
      }
    }
    ctx.print(`churn live=${m} steps=${steps} reachable=${reach} idsum=${idsum}`);
  },
};
