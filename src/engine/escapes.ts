/**
 * The typed front of the core's escape tracking (assembly/escapes.ts: what
 * allocLocal allocated per site, which of those locals escaped their frame
 * and which stayed local, and a sample of live escaped objects to say where
 * they went). Read-only.
 */
import * as abi from "../../contract/abi.js";
import type { Engine } from "./engine.js";
import { retainerRoot } from "./analysis.js";
import { u32s, u64At } from "./views.js";

/** One site's frame locals (allocLocal), cumulative and exact. */
export interface EscapeCounts {
  site: number;
  name: string;
  allocObjects: number;
  allocBytes: number;
  /** Marked by the first mark that started after their frame returned: reachable from a global, the heap or another frame then. */
  escapedObjects: number;
  escapedBytes: number;
  /** Unreachable by then, or dead before their frame returned: stack allocation would have done. */
  stayedObjects: number;
  stayedBytes: number;
  /** Not judged yet: their frame is still live, or no mark has started since it returned. */
  pendingObjects: number;
  pendingBytes: number;
}

/** A u64 counter read as two u32 halves (exact below 2^53). */

/** Every site that allocated frame locals, most allocated bytes first. */
export function escapeCounts(e: Engine): EscapeCounts[] {
  const core = e.raw;
  const w = u32s(core);
  const base = core.escapeSitesAddress() >>> 0;
  const out: EscapeCounts[] = [];
  for (let s = 0; s < abi.MAX_SITES; s++) {
    const row = base + s * abi.ESCAPE_SITE_BYTES;
    const allocObjects = u64At(w, row + abi.ES_ALLOC_OBJECTS);
    if (allocObjects === 0) continue;
    const c = {
      site: s,
      name: e.siteName(s),
      allocObjects,
      allocBytes: u64At(w, row + abi.ES_ALLOC_BYTES),
      escapedObjects: u64At(w, row + abi.ES_ESCAPED_OBJECTS),
      escapedBytes: u64At(w, row + abi.ES_ESCAPED_BYTES),
      stayedObjects: u64At(w, row + abi.ES_STAYED_OBJECTS),
      stayedBytes: u64At(w, row + abi.ES_STAYED_BYTES),
    };
    out.push({ ...c, pendingObjects: allocObjects - c.escapedObjects - c.stayedObjects, pendingBytes: c.allocBytes - c.escapedBytes - c.stayedBytes });
  }
  return out.sort((a, b) => b.allocBytes - a.allocBytes || a.site - b.site);
}

/** An escaped local still alive, and the goroutine that allocated it. */
export interface EscapedObject {
  handle: number;
  site: number;
  goroutine: number;
}

/** The core's sample of live escaped locals: at most abi.ESCAPE_SAMPLE_PER_SITE per site, those still alive at the last mark. */
export function escapeSample(e: Engine): EscapedObject[] {
  const core = e.raw;
  const w = u32s(core);
  const table = core.escapeTableAddress() >>> 0;
  const out: EscapedObject[] = [];
  for (let i = core.escapeSampleHead() >>> 0; i !== 0xffffffff; ) {
    const at = (table + i * abi.LE_BYTES) >>> 2;
    const handle = w[at + abi.LE_OBJECT / 4];
    out.push({ handle, site: w[(handle + abi.HDR_META) >>> 2] >>> abi.SITE_SHIFT, goroutine: w[at + abi.LE_GOROUTINE / 4] });
    i = w[at + abi.LE_NEXT / 4];
  }
  return out;
}

/** Where escaped locals of one site were found reachable from, most objects first. */
export interface EscapeDestination {
  site: number;
  /** "global 3", "an outer frame" (the goroutine that allocated it), "goroutine 65537's frames", "a pin", or "no root (garbage since)". */
  to: string;
  objects: number;
}

/**
 * The root each sampled escaped local is reachable from now (the first step
 * of its shortest retainer path), counted per site. Runs the retainers
 * analysis (it allocates nothing; any later mutator action makes it stale).
 */
export function escapeDestinations(e: Engine): EscapeDestination[] {
  const counts = new Map<string, EscapeDestination>();
  for (const x of escapeSample(e)) {
    if (!e.isLive(x.handle)) continue;
    const root = retainerRoot(e, x.handle);
    let to: string;
    if (root === null) to = "no root (garbage since)";
    else if (root.kind === "global") to = `global ${root.index}`;
    else if (root.kind === "pin") to = "a pin";
    else if (root.kind === "stack") to = root.goroutine === x.goroutine ? "an outer frame" : `goroutine ${root.goroutine}'s frames`;
    else to = "the heap";
    const key = `${x.site}\u0000${to}`;
    const d = counts.get(key) ?? { site: x.site, to, objects: 0 };
    d.objects++;
    counts.set(key, d);
  }
  return [...counts.values()].sort((a, b) => a.site - b.site || b.objects - a.objects || a.to.localeCompare(b.to));
}
