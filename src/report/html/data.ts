/**
 * The HTML report's data shaping: from RunResults to what the page draws
 * (ClientData) and what its text shows (labels, colours, descriptions).
 *
 * Browser-safe: plain computation on RunResult, no file system. The page
 * script receives only ClientData (client-data.ts), rounded and bounded so
 * the inlined JSON stays small however long the run was.
 */
import type { CycleRecord, Pause } from "../../engine/engine.js";
import { STRATEGIES, type Barrier } from "../../engine/strategies.js";
import { bin125, LOG_BINS, series125 } from "../../metrics/pauses.js";
import type { RunResult } from "../../run/run.js";
import { formatBytes } from "../text.js";
import type { ClientData, ClientRun, PauseHistogram, Point } from "./client-data.js";

export type { ClientData, ClientRun, PauseHistogram, Point } from "./client-data.js";

/** Colours for runs whose strategy's own colour is taken or unknown. */
const FALLBACK_COLORS = ["#17becf", "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22"];

/** A strategy's colour, the same in every report (src/engine/strategies.ts). */
const colourOf = (barrier: string): string | undefined => STRATEGIES[barrier as Barrier]?.colour;
/** A strategy's description, or "?" for a name the engine does not know. */
export const describe = (barrier: string): string => STRATEGIES[barrier as Barrier]?.description ?? "?";

const MiB = 1 << 20;
/** Goals at or above this are "no goal" (GOGC=off without a memory limit). */
const INFINITE_GOAL = 2 ** 60;
/** Points per run and kind on the pause timeline; beyond it only the longest pauses are drawn (histograms count all). */
const MAX_POINTS = 5000;

/** Rounds to `d` decimals, keeping the JSON small. */
export const round = (v: number, d = 4) => Math.round(v * 10 ** d) / 10 ** d;

export const gogcText = (r: RunResult) => (r.config.gogc === "off" ? "off" : String(r.config.gogc));

export const paramString = (r: RunResult) =>
  Object.entries(r.config.params)
    .map(([k, v]) => `${k}=${v}`)
    .join(" ");

// ─── histograms ────────────────────────────────────────────────────────────

/** A bin's label in the unit of its upper edge: "200–500 ns", "0.5–1 µs", "1–2 µs". */
export function binLabel(loNs: number, hiNs: number): string {
  const [div, unit] = hiNs < 1e3 ? [1, "ns"] : hiNs < 1e6 ? [1e3, "µs"] : hiNs < 1e9 ? [1e6, "ms"] : [1e9, "s"];
  const fmt = (v: number) => String(Number((v / div).toPrecision(3)));
  return `${fmt(loNs)}–${fmt(hiNs)} ${unit}`;
}

/**
 * Pause durations of each run binned on a shared 1-2-5 log scale (1, 2, 5,
 * 10, 20, 50 … ns) from the largest edge at or below the shortest pause to
 * the smallest edge above the longest. A bin holds [lo, hi).
 */
export function pauseHistogram(durations: readonly (readonly number[])[]): PauseHistogram {
  return binnedHistogram(
    durations.map((ds) => {
      const c = new Array<number>(LOG_BINS).fill(0);
      for (const d of ds) c[bin125(d)]++;
      return c;
    }),
  );
}

/**
 * The same histogram from counts already binned on the fixed 1-2-5 grid
 * (bin125; what a run's timeline carries, counted over every pause even when
 * the event list was bounded): trimmed to the bins any run uses.
 */
export function binnedHistogram(bins: readonly (readonly number[])[]): PauseHistogram {
  let lo = LOG_BINS;
  let hi = -1;
  for (const b of bins) {
    for (let k = 0; k < b.length; k++) {
      if (b[k] > 0) {
        lo = Math.min(lo, k);
        hi = Math.max(hi, k);
      }
    }
  }
  if (hi < 0) return { edgesNs: [], labels: [], counts: bins.map(() => []) };
  const edgesNs: number[] = [];
  for (let k = lo; k <= hi + 1; k++) edgesNs.push(series125(k));
  const counts = bins.map((b) => Array.from({ length: hi - lo + 1 }, (_, i) => b[lo + i] ?? 0));
  const labels = edgesNs.slice(0, -1).map((e, i) => binLabel(e, edgesNs[i + 1]));
  return { edgesNs, labels, counts };
}

// ─── labels and colours ────────────────────────────────────────────────────

/** A label per run: the strategy, plus whatever else tells equal strategies apart. */
export function runLabels(runs: readonly RunResult[]): string[] {
  const barriers = runs.map((r) => r.config.barrier);
  if (new Set(barriers).size === runs.length) return barriers;
  const differ = (f: (r: RunResult) => string) => new Set(runs.map(f)).size > 1;
  const parts: ((r: RunResult) => string)[] = [(r) => r.config.barrier];
  if (differ((r) => r.scenario)) parts.push((r) => r.scenario);
  if (differ((r) => String(r.config.gogc))) parts.push((r) => `GOGC=${r.config.gogc}`);
  if (differ((r) => String(r.config.memoryLimitBytes))) parts.push((r) => `limit ${r.config.memoryLimitBytes ? formatBytes(r.config.memoryLimitBytes) : "none"}`);
  if (differ((r) => JSON.stringify(r.config.params))) parts.push((r) => paramString(r));
  const labels = runs.map((r) => parts.map((f) => f(r)).join(" · "));
  return new Set(labels).size === runs.length ? labels : labels.map((l, i) => `${l} #${i + 1}`);
}

/** Colors per run: the strategy's, then fallbacks for repeated strategies. */
export function runColors(runs: readonly RunResult[]): string[] {
  const used = new Set<string>();
  let next = 0;
  return runs.map((r) => {
    let c = colourOf(r.config.barrier);
    if (c === undefined || used.has(c)) c = FALLBACK_COLORS[next++ % FALLBACK_COLORS.length];
    used.add(c);
    return c;
  });
}

// ─── the page's data ───────────────────────────────────────────────────────

/** Heap in use at each cycle's start and end, the goal as a step line, the live heap after each mark. */
function heapSeries(r: RunResult, ms: (ns: number) => number): Pick<ClientRun, "heap" | "goal" | "live" | "xMaxMs"> {
  const cycles: readonly CycleRecord[] = r.cycles;
  // The engine is fresh when the run starts: nothing allocated yet.
  const heap: Point[] = [{ x: 0, y: 0, c: 0 }];
  const goal: Point[] = [];
  const live: Point[] = [];
  for (const c of cycles) {
    heap.push({ x: ms(c.startNs), y: round(c.heapStartBytes / MiB), c: c.cycle }, { x: ms(c.endNs), y: round(c.heapEndBytes / MiB), c: c.cycle });
    if (c.heapGoalBytes < INFINITE_GOAL) goal.push({ x: ms(c.startNs), y: round(c.heapGoalBytes / MiB), c: c.cycle });
    if (c.nextGoalBytes < INFINITE_GOAL) goal.push({ x: ms(c.endNs), y: round(c.nextGoalBytes / MiB), c: c.cycle });
    live.push({ x: ms(c.endNs), y: round(c.heapMarkedBytes / MiB), c: c.cycle });
  }
  // Before the first cycle the initial goal (the heap minimum scaled by GOGC) is in effect.
  if (goal.length) goal.unshift({ x: 0, y: goal[0].y, c: 0 });
  const lastEnd = cycles.length ? cycles[cycles.length - 1].endNs : r.timeline.endNs;
  const xMaxMs = Math.max(ms(r.timeline.endNs), ms(lastEnd));
  // The last goal holds to the end of the chart.
  if (goal.length) goal.push({ x: xMaxMs, y: goal[goal.length - 1].y, c: goal[goal.length - 1].c });
  return { heap, goal, live, xMaxMs };
}

function clientRun(r: RunResult, label: string, color: string): ClientRun {
  const t0 = r.timeline.startNs;
  const ms = (ns: number) => round((ns - t0) / 1e6);
  const pausePoint = (p: Pause): Point => {
    const pt: Point = { x: ms(p.startNs), y: round(Math.max(p.endNs - p.startNs, 1) / 1e3), k: p.kind, c: p.cycle, w: p.words };
    if (p.goroutine !== undefined) pt.g = p.goroutine;
    return pt;
  };
  const series = heapSeries(r, ms);
  const desc = describe(r.config.barrier);
  return {
    label,
    title: desc ? `${label} — ${desc}` : label,
    color,
    ...series,
    xAxisMs: niceCeil(series.xMaxMs),
    cycleSpans: r.cycles.map((c) => [ms(c.startNs), ms(c.endNs)]),
    memoryLimitMiB: r.config.memoryLimitBytes ? round(r.config.memoryLimitBytes / MiB) : 0,
    pauses: longest(r.timeline.pauses, MAX_POINTS).map(pausePoint),
    pauseCount: r.records.pauses.total,
    stackPauses: longest(r.timeline.stackPauses, MAX_POINTS).map(pausePoint),
    stackPauseCount: r.records.stackPauses.total,
    mmu: r.mmu.map((m) => ({ x: m.windowNs, y: round(m.utilization, 5) })),
  };
}

/** The `max` longest pauses, in time order: the outliers are what a timeline is for. */
function longest(ps: readonly Pause[], max: number): readonly Pause[] {
  if (ps.length <= max) return ps;
  return [...ps]
    .sort((a, b) => b.endNs - b.startNs - (a.endNs - a.startNs))
    .slice(0, max)
    .sort((a, b) => a.startNs - b.startNs);
}

/** Everything the page script draws, with shared axis bounds across runs. */
export function clientData(runs: readonly RunResult[], labels: string[], colors: string[]): ClientData {
  const cr = runs.map((r, i) => clientRun(r, labels[i], colors[i]));
  let heapMaxMiB = 0;
  for (const r of cr) for (const p of [...r.heap, ...r.goal, ...r.live]) heapMaxMiB = Math.max(heapMaxMiB, p.y);
  for (const r of cr) heapMaxMiB = Math.max(heapMaxMiB, r.memoryLimitMiB);
  return {
    runs: cr,
    heapMaxMiB: niceCeil(heapMaxMiB * 1.05),
    timeMaxMs: niceCeil(Math.max(...cr.map((r) => r.xMaxMs))),
    pauseHist: binnedHistogram(runs.map((r) => r.timeline.pauseBins)),
    stackHist: binnedHistogram(runs.map((r) => r.timeline.stackPauseBins)),
    ...decadeBounds(cr.flatMap((r) => [...r.pauses, ...r.stackPauses]).map((p) => p.y)),
  };
}

/**
 * The powers of ten around the values (µs) of the pause timeline. A loop, not
 * Math.min(...us): a compare of many runs has more points than V8 takes as
 * arguments (about 120k).
 */
function decadeBounds(us: number[]): { pauseMinUs: number; pauseMaxUs: number } {
  if (us.length === 0) return { pauseMinUs: 0.1, pauseMaxUs: 1000 };
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of us) {
    lo = Math.min(lo, Math.max(v, 1e-3));
    hi = Math.max(hi, v);
  }
  const pauseMinUs = 10 ** Math.floor(Math.log10(lo));
  return { pauseMinUs, pauseMaxUs: Math.max(10 ** Math.ceil(Math.log10(hi)), pauseMinUs * 10) };
}

/** The next 1-2-2.5-5 multiple of a power of ten at or above v (an axis end). */
function niceCeil(v: number): number {
  if (!(v > 0)) return 1;
  const p = 10 ** Math.floor(Math.log10(v));
  for (const m of [1, 1.2, 1.5, 2, 2.5, 3, 3.5, 4, 5, 6, 7, 8, 10]) if (m * p >= v) return round(m * p, 6);
  return 10 * p;
}
