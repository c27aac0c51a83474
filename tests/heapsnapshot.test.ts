/**
 * --heapsnapshot (src/report/heapsnapshot.ts) against the format V8
 * documents for its heap snapshots (v8-profiler.h's HeapGraphNode /
 * HeapGraphEdge, as src/profiler/heap-snapshot-generator.cc serializes them):
 * `snapshot.meta` declares the node fields [type, name, id, self_size,
 * edge_count, trace_node_id, detachedness] and the edge fields [type,
 * name_or_index, to_node]; `nodes` and `edges` are flat integer arrays in
 * those layouts; a node's edges follow its predecessors' in node order; an
 * edge's to_node is the target's offset in `nodes`; names index `strings`.
 *
 * A three-object heap is written out here by hand, field by field. Then the
 * root-slot export the snapshot's root edges come from, streaming (chunks,
 * never one string), and the CLI: the file at the end of a run and at out
 * of memory. memlab's reading of random heaps is tests/heapsnapshot-memlab.test.ts.
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, test } from "vitest";
import { CHUNK_CHARS, writeHeapSnapshot } from "../src/report/heapsnapshot.js";
import { rootSlots } from "../src/engine/analysis.js";
import { StaleAnalysisError } from "../src/engine/analysis.js";
import { engine, expectThrow } from "./helpers.js";
import { cli } from "./cli-helper.js";

const dir = mkdtempSync(join(tmpdir(), "tricolor-heapsnapshot-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The snapshot as one string, and the chunks it came in. */
function snapshotText(e: Parameters<typeof writeHeapSnapshot>[0]): { text: string; chunks: string[] } {
  const chunks: string[] = [];
  writeHeapSnapshot(e, (c) => chunks.push(c));
  return { text: chunks.join(""), chunks };
}

describe("heapsnapshot: the V8 format, for a heap of three objects written out by hand", () => {
  test("meta, nodes, edges and strings, field by field", async () => {
    const e = await engine();
    const xa = e.site("x.a");
    const xb = e.site("x.b");
    const g = e.spawn();
    const C = e.allocPush(g, 0, 0, 0, xa); // frame 0, slot 0; 8 bytes → a 16-byte slot
    e.pushFrame(g);
    e.push(g, 0); // frame 1, slot 0: nil
    const B = e.allocPush(g, 1, 20, 0, xb); // frame 1, slot 1; 8 + 4 + 20 = 32 bytes
    e.writeField(B, 0, C);
    const A = e.allocWith(2, 0, B, C, xa); // 16 bytes; A.0 = B, A.1 = C
    e.setGlobal(2, A);
    // The allocator's lowest-fit placement: C's 16-byte span first, A after C in it, then B's 32-byte span.
    expect(C < A && A < B).toBe(true);

    const snap = JSON.parse(snapshotText(e).text);
    // The sections in V8's order (parsers such as DevTools' loader and memlab's read them in this order).
    expect(Object.keys(snap)).toEqual(["snapshot", "nodes", "edges", "trace_function_infos", "trace_tree", "samples", "locations", "strings"]);
    expect(snap.snapshot).toEqual({
      meta: {
        node_fields: ["type", "name", "id", "self_size", "edge_count", "trace_node_id", "detachedness"],
        node_types: [
          ["hidden", "array", "string", "object", "code", "closure", "regexp", "number", "native", "synthetic", "concatenated string", "sliced string", "symbol", "bigint", "object shape"],
          "string", "number", "number", "number", "number", "number",
        ],
        edge_fields: ["type", "name_or_index", "to_node"],
        edge_types: [["context", "element", "property", "internal", "hidden", "shortcut", "weak"], "string_or_number", "node"],
        trace_function_info_fields: ["function_id", "name", "script_name", "script_id", "line", "column"],
        trace_node_fields: ["id", "function_info_index", "count", "size", "children"],
        sample_fields: ["timestamp_us", "last_assigned_id"],
        location_fields: ["object_index", "script_id", "line", "column"],
      },
      node_count: 10,
      edge_count: 12,
      trace_function_count: 0,
    });
    expect(snap.strings).toEqual(["", "(GC roots)", "(globals)", "(goroutines)", `goroutine ${g}`, `goroutine ${g} frame 1`, `goroutine ${g} frame 0`, "x.a", "x.b"]);
    const SYN = 9; // node type "synthetic"
    const OBJ = 3; // node type "object"
    // type, name (string index), id, self_size, edge_count, trace_node_id, detachedness
    expect(snap.nodes).toEqual([
      SYN, 0, 1, 0, 1, 0, 0, //   0 the root
      SYN, 1, 3, 0, 2, 0, 0, //   7 (GC roots)
      SYN, 2, 5, 0, 1, 0, 0, //  14 (globals)
      SYN, 3, 7, 0, 1, 0, 0, //  21 (goroutines)
      SYN, 4, 9, 0, 2, 0, 0, //  28 goroutine g
      SYN, 5, 11, 0, 1, 0, 0, // 35 its frame 1 (the top frame comes first)
      SYN, 6, 13, 0, 1, 0, 0, // 42 its frame 0
      OBJ, 7, C, 16, 0, 0, 0, //  49 C (x.a)
      OBJ, 7, A, 16, 2, 0, 0, //  56 A (x.a)
      OBJ, 8, B, 32, 1, 0, 0, //  63 B (x.b)
    ]);
    const EL = 1; // edge type "element"
    // type, name_or_index, to_node (offset into nodes)
    expect(snap.edges).toEqual([
      EL, 1, 7, //   root → (GC roots)
      EL, 0, 14, //  (GC roots)[0] → (globals)
      EL, 1, 21, //  (GC roots)[1] → (goroutines)
      EL, 2, 56, //  (globals)[2] → A
      EL, 0, 28, //  (goroutines)[0] → goroutine g
      EL, 1, 35, //  goroutine g [1] → frame 1
      EL, 0, 42, //  goroutine g [0] → frame 0
      EL, 1, 63, //  frame 1 [1] → B (slot 0 is nil: no edge)
      EL, 0, 49, //  frame 0 [0] → C
      EL, 0, 63, //  A[0] → B
      EL, 1, 49, //  A[1] → C
      EL, 0, 49, //  B[0] → C
    ]);
    expect(snap.trace_function_infos).toEqual([]);
    expect(snap.trace_tree).toEqual([]);
    expect(snap.samples).toEqual([]);
    expect(snap.locations).toEqual([]);
  });

  test("garbage is not in the snapshot, and root groups that hold nothing are left out", async () => {
    const e = await engine();
    const g = e.spawn();
    e.allocPush(g, 0, 0, 0); // dropped: garbage, still allocated (no collection yet)
    e.drop(g);
    const kept = e.allocPush(g, 0, 8, 0);
    const snap = JSON.parse(snapshotText(e).text);
    expect(snap.snapshot.node_count).toBe(2 + 3 + 1); // root, (GC roots); (goroutines), goroutine, frame 0; the one kept object
    expect(snap.nodes.slice(5 * 7)).toEqual([3, snap.strings.indexOf("(default)"), kept, 16, 0, 0, 0]);
    expect(snap.strings).not.toContain("(pins)");
    expect(snap.strings).not.toContain("(globals)");
  });
});

describe("heapsnapshot: the root slots it is built from (core export analysisRoots)", () => {
  test("globals, then each goroutine's frames top first, nil slots and non-roots left out", async () => {
    const e = await engine();
    const s = e.site("r.x");
    const g1 = e.spawn();
    const g2 = e.spawn();
    const a = e.allocPush(g1, 0, 0, 0, s); // g1 frame 0 slot 0
    e.push(g1, 0); // g1 frame 0 slot 1: nil
    e.pushFrame(g1);
    e.push(g1, a); // g1 frame 1 slot 0: a again
    const b = e.allocPush(g2, 1, 0, 0, s); // g2 frame 0 slot 0
    e.writeField(b, 0, a);
    e.setGlobal(5, b);
    e.setGlobal(0, a);
    e.dominators();
    expect(rootSlots(e)).toEqual([
      { kind: "global", index: 0, target: a, targetSite: s, targetSiteName: "r.x" },
      { kind: "global", index: 5, target: b, targetSite: s, targetSiteName: "r.x" },
      { kind: "stack", goroutine: g1, frame: 1, slot: 0, target: a, targetSite: s, targetSiteName: "r.x" },
      { kind: "stack", goroutine: g1, frame: 0, slot: 0, target: a, targetSite: s, targetSiteName: "r.x" },
      { kind: "stack", goroutine: g2, frame: 0, slot: 0, target: b, targetSite: s, targetSiteName: "r.x" },
    ]);
  });

  test("bad input: root slots of a stale analysis (the heap changed since) → StaleAnalysisError", async () => {
    const e = await engine();
    const g = e.spawn();
    e.allocPush(g, 0, 0, 0);
    e.dominators();
    e.allocPush(g, 0, 0, 0);
    expectThrow(() => rootSlots(e), StaleAnalysisError);
  });
});

describe("heapsnapshot: streaming", () => {
  test("100,000 objects come in chunks of about CHUNK_CHARS, never one string, and parse back whole", async () => {
    const e = await engine({ build: "release" });
    const g = e.spawn();
    e.allocList(g, 100_000);
    const { text, chunks } = snapshotText(e);
    expect(chunks.length).toBeGreaterThan(20);
    for (const c of chunks.slice(0, -1)) {
      expect(c.length).toBeGreaterThanOrEqual(CHUNK_CHARS);
      expect(c.length).toBeLessThan(CHUNK_CHARS + 200); // one row past the threshold at most
    }
    const snap = JSON.parse(text);
    expect(snap.snapshot.node_count).toBe(5 + 100_000); // root, (GC roots), (goroutines), goroutine, frame 0
    expect(snap.snapshot.edge_count).toBe(5 + 99_999); // the synthetic tree's 5, and each node's next pointer but the last's
    expect(snap.nodes.length).toBe(7 * snap.snapshot.node_count);
    expect(snap.edges.length).toBe(3 * snap.snapshot.edge_count);
  });
});

describe("heapsnapshot: the CLI", () => {
  test("run --heapsnapshot FILE: the reachable heap at the end, its bytes the run's live bytes", () => {
    const file = join(dir, "end.heapsnapshot");
    const json = join(dir, "end.json");
    const r = cli("run", "leaky-cache", "--entries", "3000", "--heapsnapshot", file, "--json", json);
    expect(r.status).toBe(0);
    expect(r.stderr).toBe(`wrote ${json}\nwrote ${file}\n`);
    const snap = JSON.parse(readFileSync(file, "utf8"));
    const result = JSON.parse(readFileSync(json, "utf8"));
    let objects = 0;
    let bytes = 0;
    for (let i = 0; i < snap.nodes.length; i += 7) if (snap.nodes[i] === 3) { objects++; bytes += snap.nodes[i + 3]; }
    expect(objects).toBe(result.heap.liveObjects);
    expect(bytes).toBe(result.heap.liveBytes);
    expect(snap.strings).toContain("leaky-cache.entry");
  });

  test("at out of memory (leaky-cache --max-heap 4MiB): exit 2, and the snapshot holds what was live at the failing allocation", () => {
    const file = join(dir, "oom.heapsnapshot");
    const json = join(dir, "oom.json");
    const r = cli("run", "leaky-cache", "--max-heap", "4MiB", "--heapsnapshot", file, "--json", json);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain("out of memory");
    const snap = JSON.parse(readFileSync(file, "utf8"));
    const result = JSON.parse(readFileSync(json, "utf8"));
    let bytes = 0;
    for (let i = 0; i < snap.nodes.length; i += 7) if (snap.nodes[i] === 3) bytes += snap.nodes[i + 3];
    expect(bytes).toBe(result.heap.liveBytes);
    expect(bytes).toBeGreaterThan(1 << 20); // the cache filled most of the 4 MiB before it failed
  });

  test("bad input: --heapsnapshot into a directory that does not exist → exit 1, one error line, nothing run", () => {
    const r = cli("run", "binary-trees", "--depth", "4", "--heapsnapshot", "/nonexistent-dir/h.heapsnapshot");
    expect(r.status).toBe(1);
    expect(r.stdout).toBe("");
    expect(r.stderr).toBe("error: cannot write --heapsnapshot /nonexistent-dir/h.heapsnapshot: directory /nonexistent-dir does not exist\n");
  });
});
