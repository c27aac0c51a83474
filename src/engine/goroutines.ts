/**
 * The typed front of the core's goroutine table (assembly/roots.ts, read
 * through contract/abi.ts GD_*): which goroutines are alive, with the label
 * they were spawned with, the cycle they last ran in and their stack; and,
 * for any set of them, the objects their frames hold and the bytes their
 * stacks alone keep alive (assembly/analysis.ts reachableWithout).
 *
 * Everything here is read-only for the run: the table is read in place, and
 * the two passes over the heap use the verify bits (which the collector
 * never reads between its own verifications) and the goroutine mask; they
 * make a heap analysis stale, as a verification does.
 */
import * as abi from "../../contract/abi.js";
import type { Engine } from "./engine.js";
import type { SiteCount } from "./analysis.js";
import { f64s, u32s } from "./views.js";

/** One live goroutine. */
export interface GoroutineInfo {
  id: number;
  /** The label it was spawned with; "" for none. */
  label: string;
  /**
   * The cycle it was last acted as in (a push, pop, store into its frames,
   * frame push or pop, an allocation onto it, a yield as it, its spawn):
   * the number of the cycle in progress then, or of the last one completed
   * (0 before the first). A goroutine last active in cycle n has not run
   * since cycle n + 1 started.
   */
  lastActiveCycle: number;
  /** Bytes of its stack span (what the heap spends on it; the stats' stackBytes sums these). */
  stackBytes: number;
  /** Bytes of that stack in use: its frames' slots and headers. */
  stackUsedBytes: number;
  frames: number;
}

/** Every live goroutine, in table order (oldest slot first). */
export function goroutines(e: Engine): GoroutineInfo[] {
  const core = e.raw;
  const w = u32s(core);
  const base = core.goroutineTable() >>> 0;
  const n = core.goroutineCount();
  const out: GoroutineInfo[] = [];
  for (let i = 0; i < n; i++) {
    const d = (base + i * abi.GD_BYTES) >>> 2;
    if (w[d + abi.GD_STATUS / 4] !== 1) continue;
    out.push({
      id: ((w[d + abi.GD_GEN / 4] << 16) | i) >>> 0,
      label: e.labelName(w[d + abi.GD_LABEL / 4]),
      lastActiveCycle: w[d + abi.GD_ACTED / 4],
      stackBytes: w[d + abi.GD_CAP / 4] * 4,
      stackUsedBytes: w[d + abi.GD_SP / 4] * 4,
      frames: w[d + abi.GD_FRAMES / 4],
    });
  }
  return out;
}

/** Runs `fn` with the goroutine mask holding exactly `ids` (live goroutines); clears it after. */
function withMask<T>(e: Engine, ids: Iterable<number>, fn: () => T): T {
  const core = e.raw;
  const slots = core.goroutineCount();
  const words = Math.ceil(slots / 32);
  const at = (core.goroutineMaskAddress() >>> 0) >>> 2;
  let mask = u32s(core);
  mask.fill(0, at, at + words);
  for (const id of ids) {
    const index = id & 0xffff;
    mask[at + (index >>> 5)] |= 1 << (index & 31);
  }
  try {
    return fn();
  } finally {
    mask = u32s(core); // a pass may have grown memory
    mask.fill(0, at, at + words);
  }
}

/** What a set of goroutines' stacks alone keep alive: reachable with them minus reachable without them. */
export interface Retained {
  objects: number;
  bytes: number;
}

/**
 * For each set of goroutines in `sets`, the slot bytes (and objects) that
 * would become unreachable if those goroutines were gone: exact, by
 * reachability passes over the heap (all roots once; then all roots but the
 * set's stacks, per set). Objects shared with other roots are not counted;
 * objects shared only within a set are, once.
 */
export function retainedByGoroutines(e: Engine, sets: readonly (readonly number[])[]): Retained[] {
  const core = e.raw;
  const pass = (ids: readonly number[]) => withMask(e, ids, () => ({ bytes: core.reachableWithout(), objects: core.reachableObjectsWithout() }));
  const all = pass([]);
  return sets.map((ids) => {
    const rest = pass(ids);
    return { objects: all.objects - rest.objects, bytes: all.bytes - rest.bytes };
  });
}

/** The objects the frames of goroutines `ids` point to directly (each once), per site, largest first. */
export function goroutineSites(e: Engine, ids: readonly number[]): SiteCount[] {
  const core = e.raw;
  withMask(e, ids, () => core.stackSites());
  const f = f64s(core);
  const base = ((core.profileAddress() >>> 0) >>> 3) + abi.PROFILE_SITE_BASE;
  const out: SiteCount[] = [];
  for (let s = 0; s < abi.MAX_SITES; s++) {
    const objects = f[base + 2 * s];
    if (objects > 0) out.push({ site: s, name: e.siteName(s), objects, bytes: f[base + 2 * s + 1] });
  }
  return out.sort((a, b) => b.bytes - a.bytes || a.site - b.site);
}
