/**
 * `--heapsnapshot FILE`: the reachable heap as a Chrome DevTools / V8
 * `.heapsnapshot` (the JSON V8's HeapSnapshotJSONSerializer writes), for
 * the DevTools Memory panel, memlab and every tool that reads V8 snapshots.
 *
 * Format: one JSON object — `snapshot` (meta: the field layout of each node
 * and edge, the type names; node_count, edge_count), then `nodes` and
 * `edges` as flat integer arrays, the (empty) allocation-trace sections and
 * `locations`, and the `strings` table names index into. Each node is
 * NODE_FIELDS integers, each edge EDGE_FIELDS; a node's edges are the next
 * `edge_count` edges, in node order; an edge's `to_node` is the target's
 * index into `nodes` (ordinal × NODE_FIELDS.length).
 *
 * The graph (node order):
 *
 *   0        synthetic ""             the root             → [1] (GC roots)
 *   1        synthetic "(GC roots)"                       → [k] each group below that holds a root
 *            synthetic "(globals)"                        → [i] object in global i
 *            synthetic "(pins)"                           → [i] object held across an allocation
 *            synthetic "(goroutines)"                     → [k] goroutine nodes
 *            synthetic "goroutine G"                      → [f] its frames that hold an object
 *            synthetic "goroutine G frame F"              → [s] object in slot s
 *   …        object    <site name>    id = the handle     → [k] object in pointer field k
 *
 * Every edge is an `element` edge named by its index (DevTools shows
 * `[2]`); objects are `object` nodes named by their allocation site (the
 * Summary view's "constructor"), self size = slot bytes, and ids are their
 * handles, so `@1049104` in DevTools is address 0x100210. Synthetic ids are
 * odd (1, 3, 5 …), never a handle (handles are 8-byte aligned). Synthetic
 * nodes have self size 0, so the root retains exactly the reachable slot
 * bytes. Only reachable objects are listed (garbage is not part of the heap
 * as DevTools would show it after a GC), and only root groups, goroutines
 * and frames that hold one. Object-to-object dominance is the same as in
 * tricolor's own analysis — the synthetic nodes only split the one
 * super-root into a tree — so every object's retained size in DevTools or
 * memlab equals `dominators().retainedBytes(handle)`.
 *
 * Streaming: the text goes out in chunks of about CHUNK_CHARS through
 * `write`, never as one string, so a heap of millions of objects costs the
 * host 8 bytes per field edge and 14 per object (typed arrays: targets and
 * field indices; handle, site, size, edge count) besides one chunk.
 */
import type { Engine } from "../engine/engine.js";
import * as abi from "../../contract/abi.js";
import { rootSlots, type RootSlot } from "../engine/analysis.js";

/** V8's node fields, node types, edge fields and edge types (as Node 20's V8 writes them). */
export const NODE_FIELDS = ["type", "name", "id", "self_size", "edge_count", "trace_node_id", "detachedness"] as const;
export const NODE_TYPES = [
  "hidden", "array", "string", "object", "code", "closure", "regexp", "number", "native", "synthetic",
  "concatenated string", "sliced string", "symbol", "bigint", "object shape",
] as const;
export const EDGE_FIELDS = ["type", "name_or_index", "to_node"] as const;
export const EDGE_TYPES = ["context", "element", "property", "internal", "hidden", "shortcut", "weak"] as const;

const OBJECT = NODE_TYPES.indexOf("object");
const SYNTHETIC = NODE_TYPES.indexOf("synthetic");
const ELEMENT = EDGE_TYPES.indexOf("element");
const NF = NODE_FIELDS.length;

/** Characters per chunk handed to `write`. */
export const CHUNK_CHARS = 1 << 16;

/** What was written. */
export interface HeapSnapshotSummary {
  nodes: number;
  edges: number;
  /** Reachable objects and their slot bytes (the root's retained size). */
  objects: number;
  bytes: number;
  /** Nodes and edges that are not objects and their fields: the root, the groups, goroutines and frames, and their edges. */
  syntheticNodes: number;
  syntheticEdges: number;
}

/** Collects text and hands it to `write` in chunks of about CHUNK_CHARS. */
class Chunks {
  private parts: string[] = [];
  private size = 0;
  constructor(private readonly write: (chunk: string) => void) {}
  add(s: string): void {
    this.parts.push(s);
    this.size += s.length;
    if (this.size >= CHUNK_CHARS) this.flush();
  }
  flush(): void {
    if (this.parts.length === 0) return;
    this.write(this.parts.join(""));
    this.parts = [];
    this.size = 0;
  }
}

interface Synthetic {
  name: string;
  /** Edges: element index, and the target as a synthetic ordinal (kind "s") or an object handle (kind "o"). */
  edges: { index: number; kind: "s" | "o"; to: number }[];
}

/** The synthetic part of the graph: the root, (GC roots), and the root groups that hold something. */
function syntheticNodes(roots: readonly RootSlot[]): Synthetic[] {
  const nodes: Synthetic[] = [{ name: "", edges: [{ index: 1, kind: "s", to: 1 }] }, { name: "(GC roots)", edges: [] }];
  const group = (name: string): Synthetic => {
    const n: Synthetic = { name, edges: [] };
    nodes[1].edges.push({ index: nodes[1].edges.length, kind: "s", to: nodes.length });
    nodes.push(n);
    return n;
  };
  const globals = roots.filter((r) => r.kind === "global");
  if (globals.length > 0) group("(globals)").edges.push(...globals.map((r) => ({ index: r.index, kind: "o" as const, to: r.target })));
  const pins = roots.filter((r) => r.kind === "pin");
  if (pins.length > 0) group("(pins)").edges.push(...pins.map((r) => ({ index: r.index, kind: "o" as const, to: r.target })));
  const stacks = roots.filter((r): r is Extract<RootSlot, { kind: "stack" }> => r.kind === "stack");
  if (stacks.length > 0) {
    const all = group("(goroutines)");
    let g: Synthetic | null = null;
    let f: Synthetic | null = null;
    let gid = -1;
    let fid = -1;
    // rootSlots lists each goroutine's slots together, its top frame first.
    for (const r of stacks) {
      if (r.goroutine !== gid) {
        gid = r.goroutine;
        fid = -1;
        g = { name: `goroutine ${gid}`, edges: [] };
        all.edges.push({ index: all.edges.length, kind: "s", to: nodes.length });
        nodes.push(g);
      }
      if (r.frame !== fid) {
        fid = r.frame;
        f = { name: `goroutine ${gid} frame ${fid}`, edges: [] };
        g!.edges.push({ index: fid, kind: "s", to: nodes.length });
        nodes.push(f);
      }
      f!.edges.push({ index: r.slot, kind: "o", to: r.target });
    }
  }
  return nodes;
}

/** Index of `handle` in the sorted `handles`, or −1. */
function search(handles: Uint32Array, handle: number): number {
  let lo = 0;
  let hi = handles.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    const v = handles[mid];
    if (v < handle) lo = mid + 1;
    else if (v > handle) hi = mid - 1;
    else return mid;
  }
  return -1;
}

/**
 * Writes the reachable heap of `engine` as a .heapsnapshot, in chunks
 * through `write`. Runs the heap analysis (engine.dominators()) first,
 * which changes nothing in the heap; throws what it throws
 * (AnalysisOutOfMemoryError when its side tables do not fit).
 */
export function writeHeapSnapshot(engine: Engine, write: (chunk: string) => void): HeapSnapshotSummary {
  const d = engine.dominators();
  const roots = rootSlots(engine);
  const synthetic = syntheticNodes(roots);
  const n = d.count;
  const base = synthetic.length;

  // Pass over the objects: their handles (address order, so searchable), sites, sizes, and their edges' targets.
  const handles = new Uint32Array(n);
  const sites = new Uint16Array(n);
  const sizes = new Uint32Array(n);
  const edgeCounts = new Uint32Array(n);
  const fieldEdges = Math.max(0, d.info.edges - roots.length);
  const edgeTo = new Uint32Array(fieldEdges);
  const edgeName = new Uint32Array(fieldEdges);
  let i = 0;
  for (const o of d.objects()) {
    handles[i] = o.handle;
    sites[i] = o.site;
    sizes[i] = o.slotBytes;
    i++;
  }
  let e = 0;
  const words = engine.words();
  for (let k = 0; k < n; k++) {
    const h = handles[k];
    const pointers = words[(h + abi.HDR_META) >>> 2] & abi.NPTR_MASK;
    const first = e;
    for (let f = 0; f < pointers; f++) {
      const t = words[(h + abi.HEADER_BYTES + 4 * f) >>> 2];
      if (t === 0) continue;
      const to = search(handles, t);
      if (to < 0) continue; // not an object's start: the analysis skipped it too
      edgeTo[e] = to;
      edgeName[e] = f;
      e++;
    }
    edgeCounts[k] = e - first;
  }
  if (e !== fieldEdges) throw new Error(`heap snapshot: found ${e} field edges, the analysis counted ${fieldEdges}`);

  // Strings: "" first, then the synthetic names and the site names, each once.
  const strings: string[] = [];
  const stringIndex = new Map<string, number>();
  const intern = (s: string): number => {
    let x = stringIndex.get(s);
    if (x === undefined) {
      x = strings.length;
      strings.push(s);
      stringIndex.set(s, x);
    }
    return x;
  };
  intern("");
  const syntheticNames = synthetic.map((s) => intern(s.name));
  const siteName = new Map<number, number>();
  for (let k = 0; k < n; k++) if (!siteName.has(sites[k])) siteName.set(sites[k], intern(engine.siteName(sites[k])));

  const syntheticEdges = synthetic.reduce((sum, s) => sum + s.edges.length, 0);
  const nodeCount = base + n;
  const edgeCount = syntheticEdges + fieldEdges;
  const out = new Chunks(write);
  const meta = {
    node_fields: NODE_FIELDS,
    node_types: [NODE_TYPES, "string", "number", "number", "number", "number", "number"],
    edge_fields: EDGE_FIELDS,
    edge_types: [EDGE_TYPES, "string_or_number", "node"],
    trace_function_info_fields: ["function_id", "name", "script_name", "script_id", "line", "column"],
    trace_node_fields: ["id", "function_info_index", "count", "size", "children"],
    sample_fields: ["timestamp_us", "last_assigned_id"],
    location_fields: ["object_index", "script_id", "line", "column"],
  };
  out.add(`{"snapshot":{"meta":${JSON.stringify(meta)},"node_count":${nodeCount},"edge_count":${edgeCount},"trace_function_count":0},\n"nodes":[`);
  let sep = "";
  synthetic.forEach((s, k) => {
    out.add(`${sep}${SYNTHETIC},${syntheticNames[k]},${2 * k + 1},0,${s.edges.length},0,0\n`);
    sep = ",";
  });
  for (let k = 0; k < n; k++) {
    out.add(`${sep}${OBJECT},${siteName.get(sites[k])},${handles[k]},${sizes[k]},${edgeCounts[k]},0,0\n`);
    sep = ",";
  }
  out.add(`],\n"edges":[`);
  sep = "";
  for (const s of synthetic) {
    for (const x of s.edges) {
      const to = x.kind === "s" ? x.to : base + search(handles, x.to);
      out.add(`${sep}${ELEMENT},${x.index},${to * NF}\n`);
      sep = ",";
    }
  }
  for (let k = 0; k < fieldEdges; k++) {
    out.add(`${sep}${ELEMENT},${edgeName[k]},${(base + edgeTo[k]) * NF}\n`);
    sep = ",";
  }
  out.add(`],\n"trace_function_infos":[],\n"trace_tree":[],\n"samples":[],\n"locations":[],\n"strings":[`);
  strings.forEach((s, k) => out.add(`${k > 0 ? "," : ""}${JSON.stringify(s)}\n`));
  out.add("]}\n");
  out.flush();
  return { nodes: nodeCount, edges: edgeCount, objects: n, bytes: d.info.bytes, syntheticNodes: base, syntheticEdges };
}
