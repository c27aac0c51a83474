/**
 * Top retainers, Eclipse MAT's "problem suspects": what keeps at least
 * TOP_SHARE of the live heap alive, as single objects and as site groups.
 *
 *  - objects: the dominator tree's top level (objects only the roots as a
 *    whole dominate) retaining ≥ TOP_SHARE. Only the top level: below a big
 *    retainer, every object of a chain it heads retains nearly as much (each
 *    node of a 100,000-node list holds the rest of it), and listing them all
 *    says nothing the first one does not.
 *  - site groups: every site whose objects together retain ≥ TOP_SHARE (the
 *    union of their dominator subtrees, shared parts once: Dominators.
 *    siteRetained), except a site whose one reachable object is already
 *    listed above.
 *
 * The share is exact integer arithmetic on slot bytes: retained × 10 ≥ live
 * heap for TOP_SHARE = 10%. Each comes with a retainer path: an object's
 * own, a site's most common shape (retainer-paths.ts).
 */
import { topLevelRetainers, type Dominators } from "../engine/analysis.js";
import type { Engine } from "../engine/engine.js";
import type { TopRetainer } from "./findings.js";
import { objectPath, sitePaths } from "./retainer-paths.js";

/** The share of the live heap a top retainer holds at least: 1/TOP_DIVISOR (10%). */
export const TOP_DIVISOR = 10;
export const TOP_SHARE = 1 / TOP_DIVISOR;
/** Objects sampled for a site group's path, and the steps their paths may add up to (retainer-paths.ts). */
const SITE_SAMPLES = 100;
const SITE_STEP_BUDGET = 100_000;

/** True when `retained` is at least TOP_SHARE of `heap` (integers: no rounding at the boundary). */
export function isTopRetainer(retained: number, heap: number): boolean {
  return heap > 0 && retained * TOP_DIVISOR >= heap;
}

/** The top retainers of the heap as `d` analysed it: objects first, then site groups, each largest first. */
export function topRetainers(e: Engine, d: Dominators): TopRetainer[] {
  const heap = d.info.bytes;
  if (heap === 0) return [];
  const out: TopRetainer[] = [];
  const listed = new Set<number>();
  for (const r of topLevelRetainers(d, e, Math.ceil(heap / TOP_DIVISOR))) {
    if (!isTopRetainer(r.retainedBytes, heap)) continue;
    listed.add(r.handle);
    out.push({
      kind: "object",
      site: r.site,
      name: r.siteName,
      handle: r.handle,
      retainedBytes: r.retainedBytes,
      fraction: r.retainedBytes / heap,
      ...pathOf(objectPath(e, r.handle, r.siteName)),
    });
  }
  const soleListed = (site: number) => out.some((t) => t.kind === "object" && t.site === site);
  const groups = d.siteRetained().filter((s) => isTopRetainer(s.retainedBytes, heap) && !(s.reachableObjects === 1 && soleListed(s.site)));
  const paths = sitePaths(e, d, groups.map((s) => ({ site: s.site, name: s.name, objects: s.reachableObjects })), SITE_SAMPLES, SITE_STEP_BUDGET);
  for (const s of groups) {
    out.push({
      kind: "site",
      site: s.site,
      name: s.name,
      retainedBytes: s.retainedBytes,
      fraction: s.retainedBytes / heap,
      ...pathOf(paths.get(s.site)?.paths[0] ?? null),
    });
  }
  return out;
}

function pathOf<T>(p: T | null): { path?: T } {
  return p === null ? {} : { path: p };
}
