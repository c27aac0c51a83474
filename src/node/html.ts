/**
 * The self-contained HTML report: one file that opens offline, with
 * Chart.js's UMD bundle, the data and the CSS all inlined.
 *
 *   header          scenario, strategies, GOGC, config, key figures per run
 *   heap            per run: heap in use at each cycle's start and mark
 *                   termination, the goal (a step line), live after mark,
 *                   GC cycles shaded; x = ms since the run started
 *   pause timeline  every global STW pause and every goroutine stack scan at
 *                   its time, y = its duration (log scale)
 *   distributions   histograms of pause durations over 1-2-5 log-spaced bins,
 *                   one dataset per run (global pauses; stack scans apart)
 *   MMU             minimum mutator utilization curves overlaid, log window axis
 *   per run         config, gctrace lines, the summary and scenario output
 *
 * Node-only (it reads Chart.js from node_modules); the page itself needs no
 * network. Charts have fixed pixel sizes and no animation, so screenshots of
 * the page are stable.
 */
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import type { CycleRecord, Pause } from "../engine/engine.js";
import { GcTracer } from "../report/gctrace.js";
import { STRATEGIES, type Barrier } from "../engine/strategies.js";
import { bin125, LOG_BINS, series125 } from "../metrics/pauses.js";
import { MMU_GRID } from "../metrics/mmu.js";
import { formatBytes, formatNs, textSummary } from "../report/text.js";
import type { RunResult } from "../run/run.js";

export interface HtmlOptions {
  /** The page title; default "tricolor · <scenario> · <strategies>". */
  title?: string;
}

const FALLBACK_COLORS = ["#17becf", "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22"];

/** A strategy's colour, the same in every report (src/engine/strategies.ts). */
const colourOf = (barrier: string): string | undefined => STRATEGIES[barrier as Barrier]?.colour;
/** A strategy's description, or "?" for a name the engine does not know. */
const describe = (barrier: string): string => STRATEGIES[barrier as Barrier]?.description ?? "?";

const MiB = 1 << 20;
/** Goals at or above this are "no goal" (GOGC=off without a memory limit). */
const INFINITE_GOAL = 2 ** 60;

// ─── Chart.js ──────────────────────────────────────────────────────────────

let chartJsSource: string | undefined;

/**
 * Chart.js's UMD bundle. The package's `exports` map only exposes its ESM and
 * CJS entries (dist/chart.js, dist/chart.cjs), so resolve the package's
 * entry, walk up to the package root (the directory whose package.json names
 * chart.js) and read dist/chart.umd.min.js from there.
 */
export function chartJsUmd(): string {
  if (chartJsSource !== undefined) return chartJsSource;
  const require = createRequire(import.meta.url);
  let entry: string;
  try {
    entry = require.resolve("chart.js");
  } catch (err) {
    throw new Error(`the HTML report needs the chart.js package: ${(err as Error).message}`);
  }
  let dir = dirname(entry);
  for (;;) {
    try {
      const pkg = JSON.parse(readFileSync(join(dir, "package.json"), "utf8")) as { name?: string };
      if (pkg.name === "chart.js") break;
    } catch {
      // no package.json here: keep walking up
    }
    const up = dirname(dir);
    if (up === dir) throw new Error(`chart.js resolved to ${entry}, but no package root was found above it`);
    dir = up;
  }
  let source: string | undefined;
  for (const file of ["dist/chart.umd.min.js", "dist/chart.umd.js"]) {
    try {
      source = readFileSync(join(dir, file), "utf8");
      break;
    } catch {
      // try the next one
    }
  }
  if (source === undefined) throw new Error(`no UMD bundle (dist/chart.umd.min.js) in the chart.js package at ${dir}`);
  chartJsSource = scriptSafe(source);
  return chartJsSource;
}

// ─── escaping ──────────────────────────────────────────────────────────────

/** Text for HTML element content and attribute values. */
export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!);
}

/**
 * Script text that cannot end its <script> element early or enter the
 * parser's "escaped" states: `</script` and `<!--` only occur inside string
 * and regex literals in valid code, where `<\/` and `<\!` mean the same.
 */
function scriptSafe(js: string): string {
  return js.replace(/<\/(script)/gi, "<\\/$1").replace(/<!--/g, "<\\!--");
}

/** JSON for a <script type="application/json"> element: no `<` at all, so no tag can close it. */
export function jsonForScript(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, "\\u003c")
    .replace(/>/g, "\\u003e")
    .replace(/&/g, "\\u0026")
    .replace(/\u2028/g, "\\u2028")
    .replace(/\u2029/g, "\\u2029");
}

// ─── data ──────────────────────────────────────────────────────────────────

/** Rounds to `d` decimals, keeping the JSON small. */
const round = (v: number, d = 4) => Math.round(v * 10 ** d) / 10 ** d;

/** Histogram bins over a 1-2-5 series: edges in ns, counts per run. */
export interface PauseHistogram {
  edgesNs: number[];
  labels: string[];
  counts: number[][];
}

const series = series125;

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
  for (let k = lo; k <= hi + 1; k++) edgesNs.push(series(k));
  const counts = bins.map((b) => Array.from({ length: hi - lo + 1 }, (_, i) => b[lo + i] ?? 0));
  const labels = edgesNs.slice(0, -1).map((e, i) => binLabel(e, edgesNs[i + 1]));
  return { edgesNs, labels, counts };
}

/** A label per run: the strategy, plus whatever else tells equal strategies apart. */
function runLabels(runs: readonly RunResult[]): string[] {
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
function runColors(runs: readonly RunResult[]): string[] {
  const used = new Set<string>();
  let next = 0;
  return runs.map((r) => {
    let c = colourOf(r.config.barrier);
    if (c === undefined || used.has(c)) c = FALLBACK_COLORS[next++ % FALLBACK_COLORS.length];
    used.add(c);
    return c;
  });
}

const paramString = (r: RunResult) =>
  Object.entries(r.config.params)
    .map(([k, v]) => `${k}=${v}`)
    .join(" ");

interface Point {
  x: number;
  y: number;
  [k: string]: number | string;
}

interface ClientRun {
  label: string;
  /** The label and what the strategy is. */
  title: string;
  color: string;
  xMaxMs: number;
  /** The end of this run's time axis: a round number at or above xMaxMs. */
  xAxisMs: number;
  heap: Point[];
  goal: Point[];
  live: Point[];
  cycleSpans: [number, number][];
  memoryLimitMiB: number;
  pauses: Point[];
  /** All global pauses, when `pauses` holds only the longest MAX_POINTS. */
  pauseCount: number;
  stackPauses: Point[];
  stackPauseCount: number;
  mmu: Point[];
}

interface ClientData {
  runs: ClientRun[];
  heapMaxMiB: number;
  timeMaxMs: number;
  pauseHist: PauseHistogram;
  stackHist: PauseHistogram;
  /** Decade bounds of the pause timeline's y axis, µs. */
  pauseMinUs: number;
  pauseMaxUs: number;
}

function clientRun(r: RunResult, label: string, color: string): ClientRun {
  const t0 = r.timeline.startNs;
  const ms = (ns: number) => round((ns - t0) / 1e6);
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
  const pausePoint = (p: Pause): Point => {
    const pt: Point = { x: ms(p.startNs), y: round(Math.max(p.endNs - p.startNs, 1) / 1e3), k: p.kind, c: p.cycle, w: p.words };
    if (p.goroutine !== undefined) pt.g = p.goroutine;
    return pt;
  };
  const desc = describe(r.config.barrier);
  return {
    label,
    title: desc ? `${label} — ${desc}` : label,
    color,
    xMaxMs,
    xAxisMs: niceCeil(xMaxMs),
    heap,
    goal,
    live,
    cycleSpans: cycles.map((c) => [ms(c.startNs), ms(c.endNs)]),
    memoryLimitMiB: r.config.memoryLimitBytes ? round(r.config.memoryLimitBytes / MiB) : 0,
    pauses: longest(r.timeline.pauses, MAX_POINTS).map(pausePoint),
    pauseCount: r.records.pauses.total,
    stackPauses: longest(r.timeline.stackPauses, MAX_POINTS).map(pausePoint),
    stackPauseCount: r.records.stackPauses.total,
    mmu: r.mmu.map((m) => ({ x: m.windowNs, y: round(m.utilization, 5) })),
  };
}

/** Points per run and kind on the pause timeline; beyond it only the longest pauses are drawn (histograms count all). */
const MAX_POINTS = 5000;

/** The `max` longest pauses, in time order: the outliers are what a timeline is for. */
function longest(ps: readonly Pause[], max: number): readonly Pause[] {
  if (ps.length <= max) return ps;
  return [...ps]
    .sort((a, b) => b.endNs - b.startNs - (a.endNs - a.startNs))
    .slice(0, max)
    .sort((a, b) => a.startNs - b.startNs);
}

function clientData(runs: readonly RunResult[], labels: string[], colors: string[]): ClientData {
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

/** The powers of ten around the values (µs) of the pause timeline. */
function decadeBounds(us: number[]): { pauseMinUs: number; pauseMaxUs: number } {
  if (us.length === 0) return { pauseMinUs: 0.1, pauseMaxUs: 1000 };
  const lo = Math.min(...us.map((v) => Math.max(v, 1e-3)));
  const hi = Math.max(...us);
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

// ─── page ──────────────────────────────────────────────────────────────────

const count = (n: number) => n.toLocaleString("en-US");
const pct = (f: number) => `${(100 * f).toFixed(1)}%`;
const unique = <T>(xs: readonly T[]) => [...new Set(xs)];

/** One value, or each run's when they differ. */
function sharedValue(runs: readonly RunResult[], labels: string[], f: (r: RunResult) => string): string {
  const vs = runs.map(f);
  if (unique(vs).length === 1) return escapeHtml(vs[0]);
  return vs.map((v, i) => `${escapeHtml(labels[i])}: ${escapeHtml(v)}`).join(" · ");
}

const gogcText = (r: RunResult) => (r.config.gogc === "off" ? "off" : String(r.config.gogc));

function header(runs: readonly RunResult[], labels: string[], colors: string[], title: string): string {
  const meta: [string, string][] = [
    ["scenario", sharedValue(runs, labels, (r) => r.scenario)],
    ["strategies", runs.map((r, i) => `<span class="swatch" style="background:${colors[i]}"></span>${escapeHtml(labels[i])}`).join(" &nbsp;")],
    ["GOGC", sharedValue(runs, labels, gogcText)],
    ["params", sharedValue(runs, labels, paramString)],
    ["max heap", sharedValue(runs, labels, (r) => formatBytes(r.config.maxHeapBytes))],
    ["memory limit", sharedValue(runs, labels, (r) => (r.config.memoryLimitBytes ? formatBytes(r.config.memoryLimitBytes) : "none"))],
    ["seed", sharedValue(runs, labels, (r) => String(r.config.seed))],
    ["build", sharedValue(runs, labels, (r) => r.config.build)],
    ["verify each cycle", sharedValue(runs, labels, (r) => (r.config.verifyEachCycle ? "yes" : "no"))],
  ];
  const errors = runs
    .map((r, i) => (r.error ? `<div class="alert">${escapeHtml(labels[i])}: ${escapeHtml(r.error.message)} — figures cover the run up to the failure.</div>` : ""))
    .join("");
  return `<header>
<h1>${escapeHtml(title)}</h1>
<dl class="meta">${meta.map(([k, v]) => `<dt>${k}</dt><dd>${v}</dd>`).join("")}</dl>
${errors}
${figuresTable(runs, labels, colors)}
</header>`;
}

function figuresTable(runs: readonly RunResult[], labels: string[], colors: string[]): string {
  const head = `<tr><th rowspan="2">strategy</th><th rowspan="2">cycles</th><th colspan="5">global STW pauses</th><th colspan="3">goroutine stack scans</th><th rowspan="2">lost objects</th><th rowspan="2">heap peak</th><th rowspan="2">GC CPU</th><th rowspan="2">wall</th></tr>
<tr><th>count</th><th>p50</th><th>p99</th><th>max</th><th>max work</th><th>count</th><th>p99</th><th>max</th></tr>`;
  const rows = runs.map((r, i) => {
    const p = r.gc.pauses;
    const sp = r.gc.stackPauses;
    const cells = [
      count(r.gc.cycles) + (r.gc.forcedCycles ? ` <span class="dim">(${r.gc.forcedCycles} forced)</span>` : ""),
      count(p.count),
      formatNs(p.p50Ns),
      formatNs(p.p99Ns),
      formatNs(p.maxNs),
      `${count(r.gc.stwWork.maxWords)} words`,
      count(sp.count),
      sp.count ? formatNs(sp.p99Ns) : "–",
      sp.count ? formatNs(sp.maxNs) : "–",
      r.verify.lostObjects > 0 ? `<span class="bad">${count(r.verify.lostObjects)}</span>` : "0",
      formatBytes(r.heap.peakBytes),
      pct(r.gcCpuFraction),
      formatNs(r.wallNs),
    ];
    const desc = describe(r.config.barrier);
    return `<tr><th class="run" title="${escapeHtml(desc)}"><span class="swatch" style="background:${colors[i]}"></span>${escapeHtml(labels[i])}</th>${cells.map((c) => `<td>${c}</td>`).join("")}</tr>`;
  });
  return `<table class="figures"><thead>${head}</thead><tbody>${rows.join("\n")}</tbody></table>`;
}

const canvas = (id: string, w: number, h: number) =>
  `<div class="chart" style="width:${w}px;height:${h}px"><canvas id="${id}" data-chart="${id}" width="${w}" height="${h}" style="width:${w}px;height:${h}px"></canvas></div>`;

/** Section content is 1118 px wide (page 1200 − paddings and borders): one chart, or two with a 24 px gap. */
const FULL_W = 1110;
const HALF_W = 543;

function chartsSection(runs: readonly RunResult[], data: ClientData): string {
  const heap = runs.map((_, i) => canvas(`heap-${i}`, runs.length === 1 ? FULL_W : HALF_W, runs.length === 1 ? 320 : 260)).join("\n");
  const hasStack = data.stackHist.edgesNs.length > 0;
  const hists = hasStack
    ? `<div class="grid">${canvas("pause-hist", HALF_W, 300)}${canvas("stack-hist", HALF_W, 300)}</div>`
    : canvas("pause-hist", FULL_W, 300);
  return `<section>
<h2>Heap over time</h2>
<p class="note">Heap in use at each cycle's start and at mark termination, the heap goal in effect (dashed step line: the goal of the running cycle, then the next cycle's goal set at mark termination), and the live heap marked by each cycle. Shaded bands: GC cycles (start to mark termination). Lines join the samples; the last cycle is the runner's final forced collection.</p>
<div class="grid">${heap}</div>
</section>
<section>
<h2>Pause timeline</h2>
<p class="note">Every global stop-the-world pause at its start time, height = its wall duration (log scale): ▲ sweep termination, ● mark termination, ◆ a whole stop-the-world cycle; × a single goroutine stopped for its stack scan.</p>
${canvas("pause-timeline", FULL_W, 360)}
${recordsNote(runs, data.runs.map((r) => r.label))}
</section>
<section>
<h2>Pause distribution</h2>
<p class="note">Pause wall durations in 1-2-5 log-spaced bins, one series per run${hasStack ? "; global stop-the-world pauses (left) and per-goroutine stack-scan pauses (right)" : ""}.</p>
${hists}
</section>
<section>
<h2>Minimum mutator utilization</h2>
<p class="note">For each window length, the smallest share of any window of that length left to the mutator (pauses, stack scans, background mark and assists all count as GC time). Higher and further left is better.${runs.some((r) => r.timeline.recorded === "bounded") ? ` Computed online over fixed windows (five a decade), at most ${round(200 / MMU_GRID, 2)} percentage points above the exact MMU; the last point, the whole run, is exact.` : ""}</p>
${canvas("mmu", FULL_W, 340)}
</section>`;
}

/** Which runs' event lists were capped, and what they kept of what; empty when none was. */
function recordsNote(runs: readonly RunResult[], labels: string[]): string {
  const parts = runs.flatMap((r, i) => {
    const rec = r.records;
    const kept: string[] = [];
    const of = (k: { total: number; kept: number }, what: string, how: string) => {
      if (k.kept < k.total) kept.push(`${count(k.kept)} of ${count(k.total)} ${what} (${how})`);
    };
    of(rec.pauses, "global pauses", "the longest");
    of(rec.stackPauses, "stack scans", "the longest");
    of(rec.slices, "mark slices", `every ${ordinal(r.timeline.sliceEvery)}`);
    of(rec.cycles, "cycle records", "the first");
    return kept.length ? [`${escapeHtml(labels[i])}: kept ${kept.join(", ")}`] : [];
  });
  if (parts.length === 0) return "";
  return `<p class="note records">Event lists were bounded — ${parts.join("; ")}. Counts, percentiles, histograms and MMU cover every event; <code>--trace FILE</code> keeps them all.</p>`;
}

const ordinal = (n: number) => `${count(n)}${n % 10 === 1 && n % 100 !== 11 ? "st" : n % 10 === 2 && n % 100 !== 12 ? "nd" : n % 10 === 3 && n % 100 !== 13 ? "rd" : "th"}`;

function runSections(runs: readonly RunResult[], labels: string[], colors: string[]): string {
  return runs
    .map((r, i) => {
      const tracer = new GcTracer(r.timeline.startNs, { barrier: r.config.barrier });
      const gctrace = r.cycles.map((c) => tracer.line(c));
      const cfg = [
        `scenario      ${r.scenario}`,
        `strategy      ${r.config.barrier} (${describe(r.config.barrier)})`,
        `GOGC          ${gogcText(r)}`,
        `params        ${paramString(r) || "(defaults)"}`,
        `max heap      ${formatBytes(r.config.maxHeapBytes)}`,
        `memory limit  ${r.config.memoryLimitBytes ? formatBytes(r.config.memoryLimitBytes) : "none"}`,
        `seed          ${r.config.seed}`,
        `build         ${r.config.build}`,
        `verify        ${r.config.verifyEachCycle ? "each cycle" : "at the end"}`,
      ];
      return `<section class="run">
<h2><span class="swatch" style="background:${colors[i]}"></span>${escapeHtml(labels[i])} <span class="dim">· ${escapeHtml(r.scenario)}</span></h2>
<h3>Config</h3>
<pre class="config">${escapeHtml(cfg.join("\n"))}</pre>
<h3>Summary</h3>
<pre class="summary">${escapeHtml(textSummary(r))}</pre>
<h3>gctrace <span class="dim">(GODEBUG=gctrace=1 format, ${count(gctrace.length)} cycles)</span></h3>
<pre class="gctrace">${escapeHtml(gctrace.join("\n") || "(no cycles)")}</pre>
<h3>Scenario output</h3>
<pre class="output">${escapeHtml(r.output.join("\n") || "(none)")}</pre>
</section>`;
    })
    .join("\n");
}

const FONT = `system-ui, -apple-system, "Segoe UI", Roboto, "DejaVu Sans", "Liberation Sans", Arial, sans-serif`;
const MONO = `ui-monospace, "SFMono-Regular", Menlo, Consolas, "DejaVu Sans Mono", "Liberation Mono", monospace`;

const CSS = `
*{box-sizing:border-box}
body{margin:0;background:#f4f5f7;color:#1d2330;font:14px/1.45 ${FONT}}
main{width:1200px;margin:0 auto;padding:24px 20px 40px}
header,section{background:#fff;border:1px solid #dfe2e8;border-radius:8px;padding:16px 20px;margin-bottom:16px}
h1{font-size:22px;margin:0 0 10px}
h2{font-size:17px;margin:0 0 6px}
h3{font-size:13px;margin:14px 0 4px;color:#444;text-transform:uppercase;letter-spacing:.04em}
h3 .dim{text-transform:none;letter-spacing:0}
.note{color:#555;margin:0 0 10px;font-size:13px}
.dim{color:#777;font-weight:normal}
.bad{color:#c0142b;font-weight:bold}
.alert{background:#fdecee;border:1px solid #f2b8bf;color:#8a1020;padding:8px 12px;border-radius:6px;margin:8px 0}
dl.meta{display:grid;grid-template-columns:max-content 1fr;gap:2px 14px;margin:0 0 14px}
dl.meta dt{color:#666}
dl.meta dd{margin:0}
.swatch{display:inline-block;width:11px;height:11px;border-radius:2px;margin-right:6px;vertical-align:-1px}
table.figures{border-collapse:collapse;width:100%;font-size:13px;font-variant-numeric:tabular-nums}
table.figures th,table.figures td{border-bottom:1px solid #e5e7ec;padding:4px 8px;text-align:right;white-space:nowrap}
table.figures thead th{background:#f0f2f5;font-weight:600;text-align:center}
table.figures th.run{text-align:left}
.grid{display:flex;flex-wrap:wrap;gap:16px 24px}
.chart{position:relative;flex:none}
pre{font:12px/1.4 ${MONO};background:#f7f8fa;border:1px solid #e5e7ec;border-radius:6px;padding:8px 10px;margin:0;overflow:auto;white-space:pre}
pre.gctrace,pre.output{max-height:320px}
footer{color:#777;font-size:12px;text-align:center}
`;

/**
 * The browser side, as plain ES5-ish text (no template literals) so it can be
 * inlined verbatim. It reads the JSON data element and draws every chart.
 */
const CLIENT = `
(function () {
  "use strict";
  var DATA = JSON.parse(document.getElementById("tricolor-data").textContent);
  var C = window.Chart;
  C.defaults.animation = false;
  C.defaults.responsive = false;
  C.defaults.maintainAspectRatio = false;
  C.defaults.font.family = FONT_FAMILY;
  C.defaults.font.size = 12;
  C.defaults.color = "#333";
  C.defaults.borderColor = "rgba(0,0,0,0.09)";
  C.defaults.plugins.legend.labels.usePointStyle = true;
  C.defaults.plugins.legend.labels.boxHeight = 8;
  C.defaults.plugins.title.font = { size: 13, weight: "bold" };

  function alpha(hex, a) {
    var n = parseInt(hex.slice(1), 16);
    return "rgba(" + ((n >> 16) & 255) + "," + ((n >> 8) & 255) + "," + (n & 255) + "," + a + ")";
  }
  function fmtNs(ns) {
    if (ns < 1e3) return ns.toFixed(0) + " ns";
    if (ns < 1e6) return +(ns / 1e3).toPrecision(3) + " µs";
    if (ns < 1e9) return +(ns / 1e6).toPrecision(3) + " ms";
    return +(ns / 1e9).toPrecision(3) + " s";
  }
  function isDecade(v) {
    var e = Math.log10(v);
    return Math.abs(e - Math.round(e)) < 1e-9;
  }
  function axisTitle(text) { return { display: true, text: text, font: { size: 12, weight: "bold" } }; }

  // Shaded x-intervals behind the datasets (GC cycles on the heap charts).
  C.register({
    id: "bands",
    beforeDatasetsDraw: function (chart, args, opts) {
      var spans = opts && opts.spans;
      if (!spans || !spans.length) return;
      var x = chart.scales.x, a = chart.chartArea, ctx = chart.ctx;
      ctx.save();
      ctx.beginPath();
      ctx.rect(a.left, a.top, a.right - a.left, a.bottom - a.top);
      ctx.clip();
      ctx.fillStyle = opts.color || "rgba(0,0,0,0.06)";
      for (var i = 0; i < spans.length; i++) {
        var x0 = x.getPixelForValue(spans[i][0]), x1 = x.getPixelForValue(spans[i][1]);
        ctx.fillRect(x0, a.top, Math.max(1.5, x1 - x0), a.bottom - a.top);
      }
      ctx.restore();
    }
  });

  function byIndex(a, b) { return a.datasetIndex - b.datasetIndex; }
  // Legend markers from the dataset's legendStyle (for datasets whose point style is per point).
  function legendLabels(chart) {
    var items = C.defaults.plugins.legend.labels.generateLabels(chart);
    items.forEach(function (it) {
      var ds = chart.data.datasets[it.datasetIndex];
      if (ds && ds.legendStyle) it.pointStyle = ds.legendStyle;
    });
    return items.sort(byIndex);
  }

  var charts = {};
  function make(id, config) {
    var el = document.getElementById(id);
    if (el) charts[id] = new C(el, config);
  }

  // Heap over time, one chart per run on shared axes.
  DATA.runs.forEach(function (r, i) {
    var ds = [
      { label: "heap in use", data: r.heap, showLine: true, borderColor: r.color, backgroundColor: alpha(r.color, 0.13),
        fill: "origin", borderWidth: 2, pointRadius: 2.5, pointBackgroundColor: r.color, pointStyle: "circle", order: 2 },
      { label: "heap goal", data: r.goal, showLine: true, stepped: true, borderColor: "#3a3f4b", backgroundColor: "#3a3f4b",
        borderDash: [6, 4], borderWidth: 1.5, pointRadius: 0, pointStyle: "line", fill: false, order: 1 },
      { label: "live after mark", data: r.live, showLine: false, borderColor: "#1d2330", backgroundColor: alpha(r.color, 0.9),
        borderWidth: 1, pointRadius: 5, pointStyle: "triangle", order: 0 }
    ];
    if (r.memoryLimitMiB > 0) {
      ds.push({ label: "memory limit", data: [{ x: 0, y: r.memoryLimitMiB }, { x: r.xAxisMs, y: r.memoryLimitMiB }], showLine: true,
        borderColor: "#c0142b", backgroundColor: "#c0142b", borderDash: [2, 3], borderWidth: 1.5, pointRadius: 0, pointStyle: "line", order: 3 });
    }
    make("heap-" + i, {
      type: "scatter",
      data: { datasets: ds },
      options: {
        scales: {
          x: { type: "linear", min: 0, max: r.xAxisMs, title: axisTitle("time since run start (ms)") },
          y: { min: 0, max: DATA.heapMaxMiB, title: axisTitle("heap (MiB)") }
        },
        plugins: {
          title: { display: true, text: r.title, color: r.color },
          legend: { position: "top", align: "end", labels: { sort: byIndex } },
          bands: { spans: r.cycleSpans },
          tooltip: { callbacks: { label: function (c) {
            return c.dataset.label + ": " + c.raw.y.toFixed(2) + " MiB at " + c.raw.x.toFixed(2) + " ms" + (c.raw.c ? " (gc " + c.raw.c + ")" : "");
          } } }
        }
      }
    });
  });

  // Pause timeline: global pauses and stack scans, every run overlaid.
  var KIND_STYLE = { "sweep-termination": "triangle", "mark-termination": "circle", "stw-cycle": "rectRot" };
  var timeline = [];
  DATA.runs.forEach(function (r) {
    var shown = function (n, of) { return n < of ? " (longest " + n.toLocaleString("en-US") + " of " + of.toLocaleString("en-US") + ")" : ""; };
    timeline.push({ label: r.label + " · STW pauses" + shown(r.pauses.length, r.pauseCount), data: r.pauses, legendStyle: "circle", borderColor: r.color, backgroundColor: alpha(r.color, 0.75),
      pointRadius: 5, pointHoverRadius: 7, borderWidth: 1,
      pointStyle: function (c) { return (c.raw && KIND_STYLE[c.raw.k]) || "circle"; } });
    if (r.stackPauses.length) {
      timeline.push({ label: r.label + " · stack scans" + shown(r.stackPauses.length, r.stackPauseCount), data: r.stackPauses, legendStyle: "crossRot", borderColor: alpha(r.color, 0.85), backgroundColor: alpha(r.color, 0.85),
        pointRadius: 3.5, borderWidth: 1.5, pointStyle: "crossRot" });
    }
  });
  make("pause-timeline", {
    type: "scatter",
    data: { datasets: timeline },
    options: {
      scales: {
        x: { type: "linear", min: 0, max: DATA.timeMaxMs, title: axisTitle("time since run start (ms)") },
        y: { type: "logarithmic", min: DATA.pauseMinUs, max: DATA.pauseMaxUs, title: axisTitle("pause duration (log scale)"),
             ticks: { callback: function (v) { return isDecade(v) ? fmtNs(v * 1e3) : null; } } }
      },
      plugins: {
        legend: { position: "top", labels: { generateLabels: legendLabels } },
        tooltip: { callbacks: { label: function (c) {
          var p = c.raw;
          return c.dataset.label + ": " + (p.g !== undefined ? "g" + p.g + " " : "") + p.k + " (gc " + p.c + ") " + fmtNs(p.y * 1e3) +
            ", " + p.w + " words, at " + p.x.toFixed(2) + " ms";
        } } }
      }
    }
  });

  // Pause distributions.
  function histogram(id, h, what) {
    if (!h.labels.length) return;
    make(id, {
      type: "bar",
      data: {
        labels: h.labels,
        datasets: DATA.runs.map(function (r, i) {
          return { label: r.label, data: h.counts[i], backgroundColor: alpha(r.color, 0.8), borderColor: r.color, borderWidth: 1,
            pointStyle: "rect", categoryPercentage: 0.85, barPercentage: 0.95 };
        })
      },
      options: {
        scales: {
          x: { title: axisTitle(what + " duration (log-spaced bins)"), grid: { display: false } },
          y: { beginAtZero: true, title: axisTitle("pauses (count)"), ticks: { precision: 0 } }
        },
        plugins: { title: { display: true, text: what === "pause" ? "global stop-the-world pauses" : "goroutine stack-scan pauses" }, legend: { position: "top", align: "end" } }
      }
    });
  }
  histogram("pause-hist", DATA.pauseHist, "pause");
  histogram("stack-hist", DATA.stackHist, "stack-scan");

  // MMU curves.
  make("mmu", {
    type: "scatter",
    data: {
      datasets: DATA.runs.map(function (r) {
        return { label: r.label, data: r.mmu, showLine: true, borderColor: r.color, backgroundColor: r.color, borderWidth: 2.5,
          pointRadius: 2.5, pointStyle: "circle" };
      })
    },
    options: {
      scales: {
        x: { type: "logarithmic", title: axisTitle("window (log scale)"),
             ticks: { callback: function (v) { return isDecade(v) ? fmtNs(v) : null; } } },
        y: { min: 0, max: 1, title: axisTitle("minimum mutator utilization"),
             ticks: { callback: function (v) { return Math.round(v * 100) + "%"; } } }
      },
      plugins: {
        legend: { position: "top", align: "end" },
        tooltip: { callbacks: { label: function (c) { return c.dataset.label + ": window " + fmtNs(c.raw.x) + " → " + (100 * c.raw.y).toFixed(1) + "%"; } } }
      }
    }
  });

  window.tricolorCharts = charts;
  document.body.setAttribute("data-ready", "1");
})();
`;

/** The report page for `runs` (one run, or several compared). */
export function renderHtml(runs: readonly RunResult[], opts: HtmlOptions = {}): string {
  if (runs.length === 0) throw new RangeError("renderHtml needs at least one run");
  const labels = runLabels(runs);
  const colors = runColors(runs);
  const scenarios = unique(runs.map((r) => r.scenario));
  const title = opts.title ?? `tricolor · ${scenarios.join(", ")} · ${labels.join(" vs ")}`;
  const data = clientData(runs, labels, colors);
  const client = CLIENT.replace("FONT_FAMILY", JSON.stringify(FONT));
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=1240">
<title>${escapeHtml(title)}</title>
<style>${CSS}</style>
</head>
<body>
<main>
${header(runs, labels, colors, title)}
${chartsSection(runs, data)}
${runSections(runs, labels, colors)}
<footer>tricolor · a WebAssembly heap engine modelling Go's garbage collector · times are host wall-clock; work is in words scanned</footer>
</main>
<script type="application/json" id="tricolor-data">${jsonForScript(data)}</script>
<script>${chartJsUmd()}</script>
<script>${scriptSafe(client)}</script>
</body>
</html>
`;
}
