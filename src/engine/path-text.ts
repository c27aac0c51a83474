/**
 * A retainer path as one line, for every message and report that prints
 * one — the engine's own out-of-memory error and the memory analysis
 * (src/analysis/retainer-paths.ts) alike:
 *
 *   global[0] → sessions.head.0 → sessions.entry.0 → (× 99,998 sessions.entry.0) → sessions.entry
 *
 * Each token is a step: the root slot first (`global[i]`, `pin[i]`,
 * `goroutine G frame F slot S`), then `site.field` for each field of an
 * object on the way, then the site of the object itself. A run of equal
 * steps — a linked list — is one group, and so are three or more runs in a
 * row through one site with different fields (a tree), printed with field
 * `*`; a group of k ≥ 3 steps prints its first step and `(× k−1 …)` for the
 * rest, one of 2 prints both. Paths are shapes (ShapeStep: runs of equal
 * steps folded in the core), never arrays of every step.
 */
import type { ShapeStep } from "./analysis.js";
import { count } from "../metrics/format.js";

/** Steps kept at each end of a representative path (RetainerPathFinding.steps). */
export const PATH_ENDS_KEPT = 64;

/** A run of steps, as printed: its text and its key in a shape. */
export interface Group {
  /** `global[0]`, `sessions.entry.0`, `node.*`. */
  token: string;
  /** What a shape compares: the root slot, or the holder site. */
  key: string;
  steps: number;
}

/** The root slot's token and key (the goroutine is in the text, not in the shape). */
export function rootGroup(s: ShapeStep): Group {
  switch (s.kind) {
    case "global": return { token: `global[${s.index}]`, key: `global[${s.index}]`, steps: s.count };
    case "pin": return { token: `pin[${s.index}]`, key: `pin[${s.index}]`, steps: s.count };
    case "stack": return { token: `goroutine ${s.goroutine} frame ${s.frame} slot ${s.slot}`, key: `stack[${s.frame}][${s.slot}]`, steps: s.count };
    case "field": return { token: `${s.holderSiteName}.${s.field}`, key: `site ${s.holderSite}`, steps: s.count };
  }
}

/**
 * The path's groups: the root slot, then one per run of steps through one
 * site — as the core folded them (one field), or, where three or more such
 * runs follow each other (a tree: left, right, left …), all of them as one
 * group with field `*`.
 */
export function groups(shape: readonly ShapeStep[]): Group[] {
  const out: Group[] = [];
  let i = 0;
  while (i < shape.length) {
    const s = shape[i];
    if (s.kind !== "field") {
      out.push(rootGroup(s));
      i++;
      continue;
    }
    let j = i;
    let steps = 0;
    for (let t = shape[j]; j < shape.length && t.kind === "field" && t.holderSite === s.holderSite; t = shape[++j]) steps += t.count;
    if (j - i >= 3) out.push({ token: `${s.holderSiteName}.*`, key: `site ${s.holderSite} *`, steps });
    else for (let k = i; k < j; k++) out.push(rootGroup(shape[k]));
    i = j;
  }
  return out;
}

/** The shape's cluster key: the groups' keys, without counts or fields. */
export function shapeKey(shape: readonly ShapeStep[]): string {
  return groups(shape).map((g) => g.key).join(" → ");
}

/** Steps in the whole path. */
export function pathLength(shape: readonly ShapeStep[]): number {
  let n = 0;
  for (const s of shape) n += s.count;
  return n;
}

/** The printed path: `global[0] → sessions.head.0 → sessions.entry.0 → (× 99,998 sessions.entry.0) → sessions.entry`. */
export function pathText(shape: readonly ShapeStep[], targetSiteName: string): string {
  const parts: string[] = [];
  for (const g of groups(shape)) {
    parts.push(g.token);
    if (g.steps === 2) parts.push(g.token);
    else if (g.steps > 2) parts.push(`(× ${count(g.steps - 1)} ${g.token})`);
  }
  parts.push(targetSiteName);
  return parts.join(" → ");
}

