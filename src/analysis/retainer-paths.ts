/**
 * Retainer paths, as memlab shows them: for a group of objects (a leak
 * suspect's site), a bounded sample of their shortest paths from a root,
 * clustered by shape, one representative per shape, long chains of one
 * site collapsed:
 *
 *   global[0] → sessions.head.0 → sessions.entry.0 → (× 99,998 sessions.entry.0) → sessions.entry
 *
 * The text and the grouping of steps are src/engine/path-text.ts's (one
 * description, shared with the engine's out-of-memory message).
 *
 * The shape of a path (what clusters compare) is its root slot — kind,
 * index, frame and slot, not the goroutine — and its sequence of groups by
 * site, without counts or field indices: every node of a list has one
 * shape, and so has every entry of a hash map's chains, whatever its
 * bucket, deeper than the chain's head.
 *
 * Paths are read from the core as shapes (engine.retainerShape: runs of
 * equal steps folded in wasm), never as arrays of every step; a sample
 * stops early when the steps it covered reach a budget, so a suspect whose
 * objects sit 100,000 steps deep costs a few shapes, not a thousand.
 */
import type { Dominators, RetainerStep, ShapeStep } from "../engine/analysis.js";
import { retainerPathEnds, sampleSites } from "../engine/analysis.js";
import type { Engine } from "../engine/engine.js";
import type { RetainerPathFinding } from "./findings.js";

/** Objects sampled per site at most. */
export const MAX_SAMPLES = 1000;
/**
 * A site's sample stops once its paths add up to this many steps (at least
 * MIN_SAMPLES are read): a step costs 50 ns (objects laid out in order) to
 * 200 ns (scattered) in the core, so this bounds a site at about 0.1 s.
 */
export const STEP_BUDGET = 500_000;
export const MIN_SAMPLES = 4;
export { PATH_ENDS_KEPT, groups, shapeKey, pathLength, pathText } from "../engine/path-text.js";
import { PATH_ENDS_KEPT, pathLength, pathText, shapeKey } from "../engine/path-text.js";

interface Cluster {
  key: string;
  objects: number;
  /** The member with the longest path (ties: the lowest address), and its shape. */
  handle: number;
  shape: ShapeStep[];
  length: number;
}

/** Clusters `shapes` (object handle → its path shape) by shape key: most objects first, ties by key. */
export function cluster(shapes: readonly { handle: number; shape: ShapeStep[] }[]): Cluster[] {
  const byKey = new Map<string, Cluster>();
  for (const { handle, shape } of shapes) {
    const key = shapeKey(shape);
    const length = pathLength(shape);
    const c = byKey.get(key);
    if (!c) byKey.set(key, { key, objects: 1, handle, shape, length });
    else {
      c.objects++;
      if (length > c.length || (length === c.length && handle < c.handle)) { c.handle = handle; c.shape = shape; c.length = length; }
    }
  }
  return [...byKey.values()].sort((a, b) => b.objects - a.objects || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}

/** The finding for one cluster: its text, its representative's path (ends only when long), its size. */
function finding(e: Engine, c: Cluster, targetSiteName: string): RetainerPathFinding {
  const ends = retainerPathEnds(e, c.handle, PATH_ENDS_KEPT);
  const steps: RetainerStep[] = ends?.steps ?? [];
  return { text: pathText(c.shape, targetSiteName), steps, objects: c.objects, length: ends?.length ?? c.length };
}

/** 0 … n−1 in bit-reversed order: any prefix is spread evenly over the whole range. */
export function spreadOrder(n: number): number[] {
  const bits = Math.max(1, Math.ceil(Math.log2(Math.max(n, 1))));
  const out: number[] = [];
  for (let i = 0; i < 1 << bits; i++) {
    let r = 0;
    for (let b = 0; b < bits; b++) if (i & (1 << b)) r |= 1 << (bits - 1 - b);
    if (r < n) out.push(r);
  }
  return out;
}

/**
 * The paths of one group of objects: read in spread order (so a sample cut
 * short by the step budget still covers the group evenly) until the budget
 * is spent, clustered, one finding per shape.
 */
export function pathsOf(e: Engine, handles: readonly number[], targetSiteName: string, budget = STEP_BUDGET): { paths: RetainerPathFinding[]; sampled: number } {
  const shapes: { handle: number; shape: ShapeStep[] }[] = [];
  let steps = 0;
  for (const i of spreadOrder(handles.length)) {
    const h = handles[i];
    if (shapes.length >= MIN_SAMPLES && steps >= budget) break;
    const shape = e.retainerShape(h);
    if (shape === null) continue;
    shapes.push({ handle: h, shape });
    steps += pathLength(shape);
  }
  return { paths: cluster(shapes).map((c) => finding(e, c, targetSiteName)), sampled: shapes.length };
}

/**
 * Retainer paths for each of `sites` (with their reachable object counts):
 * up to MAX_SAMPLES of each site's objects, evenly spread in address
 * order, within the step budget.
 */
export function sitePaths(e: Engine, d: Dominators, sites: readonly { site: number; name: string; objects: number }[], max = MAX_SAMPLES,
  budget = STEP_BUDGET): Map<number, { paths: RetainerPathFinding[]; sampled: number }> {
  const samples = sampleSites(d, e, sites, max);
  const out = new Map<number, { paths: RetainerPathFinding[]; sampled: number }>();
  for (const s of sites) out.set(s.site, pathsOf(e, samples.get(s.site) ?? [], s.name, budget));
  return out;
}

/** The path of one object (a top retainer), as a finding of one. */
export function objectPath(e: Engine, handle: number, siteName: string): RetainerPathFinding | null {
  const shape = e.retainerShape(handle);
  if (shape === null) return null;
  return finding(e, { key: shapeKey(shape), objects: 1, handle, shape, length: pathLength(shape) }, siteName);
}
