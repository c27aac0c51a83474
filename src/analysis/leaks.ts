/**
 * Leak suspects: the allocation sites whose live bytes grow over the run
 * and are still there at its end. Two signals, either of which makes a
 * suspect; everything is measured, nothing is taken from a scenario's name.
 *
 * 1. trend. The site's live bytes after each completed cycle (what the mark
 *    found: engine.liveBySiteSeries()), after a warm-up — the first third of
 *    the cycles, at least one, when programs build the structures they then
 *    use — must rise by Mann–Kendall at p < ALPHA over at least
 *    MIN_TREND_POINTS cycles, with a positive Theil–Sen slope, and the growth
 *    must be real and material: the site's live bytes at the end (after the
 *    run's final collection) exceed those at the start of the window by at
 *    least half of what the slope predicts over it — floating garbage, which
 *    the concurrent marks count and the final collection frees, fails this —
 *    and by at least MATERIAL of the final live heap.
 *
 * 2. middle-third (memlab's rule). Objects allocated in the middle third of
 *    the run (on the mutator clock, from the core's allocation epochs: see
 *    assembly/ages.ts) that are still alive at the end are what a steady
 *    workload should have let go. A site is flagged when such objects are at
 *    least MIDDLE_SHARE of its live objects and MATERIAL of the live heap, it
 *    keeps at least KEPT_SHARE of everything it ever allocated, and its live
 *    bytes at the end exceed those at the start of the window. Stricter than
 *    memlab's rule alone (which a cache with random replacement fails), and
 *    it needs no run length: short runs with too few cycles for a trend
 *    still get a verdict.
 *
 * No verdict at all when the run kept at least BUILD_SHARE of every byte it
 * allocated: such a run only built something (a loader, a test that fills a
 * map and checks it), and growth is its purpose; a leak shows against a
 * steady workload, whose garbage is most of what it allocates.
 *
 * Suspects are ranked by how fast the memory they retain grows: the
 * Theil–Sen slope of their live object count per cycle times the bytes
 * each of their objects retains on average at the end (the site's retained
 * set over its live objects). The site whose objects accumulate and hold the
 * rest comes first: a map's entries before the values they hold, a leaked
 * request before its body; a bucket array that only grows in size (one
 * object) after both.
 */
import type { LiveSeries } from "../engine/analysis.js";
import type { LeakSuspect } from "./findings.js";
import { mannKendall, MIN_TREND_POINTS, theilSen } from "./trend.js";

/** Mann–Kendall significance level for the trend signal. */
export const ALPHA = 0.01;
/** Growth below this share of the final live heap is not material. */
export const MATERIAL = 0.01;
/** memlab's signal: middle-third survivors as a share of the site's live objects. */
export const MIDDLE_SHARE = 0.1;
/** memlab's signal: the site keeps at least this share of the objects it allocated. */
export const KEPT_SHARE = 0.5;
/** A run that keeps at least this share of every byte it allocated only built something: no verdict. */
export const BUILD_SHARE = 0.9;

/** Cycles skipped before the trend window: the first third, at least one (none of a single cycle). */
export function warmup(cycles: number): number {
  return cycles <= 1 ? 0 : Math.max(1, Math.floor(cycles / 3));
}

/** One site at the end of the run. */
export interface SiteAtEnd {
  site: number;
  name: string;
  allocObjects: number;
  liveObjects: number;
  liveBytes: number;
  retainedBytes: number;
}

export interface LeakInput {
  /** Live objects and bytes per site at the sampled cycles (every cycle up to SITE_SERIES_CAP samples, then thinned; series.cycles says which). */
  series: LiveSeries;
  /** Every site at the end. */
  sites: readonly SiteAtEnd[];
  /** Per site: objects (and their slot bytes) allocated in the middle third of the run and still alive; null when not known (no epoch tracking). */
  middleThird: ReadonlyMap<number, { objects: number; bytes: number }> | null;
  /** The live heap at the end, and the bytes the run allocated. */
  liveHeapBytes: number;
  allocatedBytes: number;
}

/** What the detector measured of one site (also for the sites it did not flag: tests and reports read these). */
export interface SiteTrend {
  site: number;
  /** The window: samples after warm-up, the cycles they span (more than the samples once the series thins), and its first sample's index into the series. */
  points: number;
  cycles: number;
  start: number;
  pValue: number;
  bytesPerCycle: number;
  objectsPerCycle: number;
  bytesPerMillionAllocs: number;
  /** Final live bytes minus those at the window's start. */
  netGrowth: number;
  trend: boolean;
  middle: boolean;
}

/** The Theil–Sen slope of the site's live bytes against allocations (per million), over the window. */
function perMillion(bytes: readonly number[], allocated: readonly number[] | undefined, start: number): number {
  if (!allocated) return 0;
  return theilSen(bytes.slice(start), allocated.slice(start).map((a) => a / 1e6));
}

/** Measures every site of the series; flags the ones either signal holds for. */
export function siteTrends(input: LeakInput): SiteTrend[] {
  const { series } = input;
  const n = series.cycles.length;
  const start = warmup(n);
  const cycles = series.cycles.slice(start);
  const spanCycles = cycles.length > 0 ? cycles[cycles.length - 1] - cycles[0] : 0;
  const material = MATERIAL * input.liveHeapBytes;
  const atEnd = new Map(input.sites.map((s) => [s.site, s]));
  const building = input.allocatedBytes > 0 && input.liveHeapBytes >= BUILD_SHARE * input.allocatedBytes;
  const out: SiteTrend[] = [];
  for (const s of series.sites) {
    const end = atEnd.get(s.site);
    const finalBytes = end?.liveBytes ?? 0;
    const window = s.bytes.slice(start);
    const mk = mannKendall(window);
    // Slopes against the cycle numbers: past SITE_SERIES_CAP samples the series keeps every other one.
    const bytesPerCycle = theilSen(window, cycles);
    const objectsPerCycle = theilSen(s.objects.slice(start), cycles);
    const netGrowth = finalBytes - (s.bytes[start] ?? 0);
    const trend = !building && window.length >= MIN_TREND_POINTS && mk.pValue < ALPHA && bytesPerCycle > 0
      && netGrowth >= 0.5 * bytesPerCycle * spanCycles && netGrowth >= material && netGrowth > 0;
    const survivors = input.middleThird?.get(s.site) ?? { objects: 0, bytes: 0 };
    const middle = !building && end !== undefined && end.liveObjects > 0 && survivors.objects >= MIDDLE_SHARE * end.liveObjects
      && survivors.bytes >= material && end.liveObjects >= KEPT_SHARE * end.allocObjects && netGrowth > 0;
    out.push({
      site: s.site,
      points: window.length,
      cycles: cycles.length > 0 ? spanCycles + 1 : 0,
      start,
      pValue: mk.pValue,
      bytesPerCycle,
      objectsPerCycle,
      bytesPerMillionAllocs: perMillion(s.bytes, series.allocated, start),
      netGrowth,
      trend,
      middle,
    });
  }
  return out;
}

/** Retained-bytes growth per cycle, the ranking key: objects per cycle × bytes retained per live object. */
export function retainedGrowth(t: SiteTrend, s: SiteAtEnd | undefined): number {
  if (!s || s.liveObjects === 0) return 0;
  return Math.max(0, t.objectsPerCycle) * (s.retainedBytes / s.liveObjects);
}

/** The leak suspects of a run, ranked (paths left empty: retainer-paths.ts fills them). */
export function leakSuspects(input: LeakInput): LeakSuspect[] {
  const atEnd = new Map(input.sites.map((s) => [s.site, s]));
  const ranked = siteTrends(input)
    .filter((t) => t.trend || t.middle)
    .map((t) => ({ t, s: atEnd.get(t.site), key: retainedGrowth(t, atEnd.get(t.site)) }))
    .sort((a, b) => b.key - a.key || (b.s?.retainedBytes ?? 0) - (a.s?.retainedBytes ?? 0) || a.t.site - b.t.site);
  return ranked.map(({ t, s }) => ({
    site: t.site,
    name: s?.name ?? `site#${t.site}`,
    signals: [...(t.trend ? ["trend" as const] : []), ...(t.middle ? ["middle-third" as const] : [])],
    bytesPerCycle: t.bytesPerCycle,
    bytesPerMillionAllocs: t.bytesPerMillionAllocs,
    cycles: t.cycles,
    pValue: t.pValue,
    middleThirdObjects: input.middleThird?.get(t.site)?.objects ?? 0,
    liveObjects: s?.liveObjects ?? 0,
    liveBytes: s?.liveBytes ?? 0,
    retainedBytes: s?.retainedBytes ?? 0,
    paths: [],
    sampledObjects: 0,
  }));
}
