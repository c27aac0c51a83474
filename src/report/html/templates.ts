/**
 * The HTML report's markup: one self-contained page for one run or several
 * compared.
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
 * Browser-safe: the page script (page.ts, bundled with Chart.js) and the CSS
 * (report.css) come in as strings — src/node/html.ts reads the built files
 * from disk — and everything else is computed here, so the page needs no
 * network. Charts fill their card's width at fixed heights, without
 * animation: a page at a given viewport always looks the same.
 */
import { MMU_GRID } from "../../metrics/mmu.js";
import type { RunResult } from "../../run/run.js";
import { GcTracer } from "../gctrace.js";
import { formatBytes, formatNs, textSummary } from "../text.js";
import { DATA_ELEMENT_ID, type ClientData } from "./client-data.js";
import { clientData, describe, gogcText, paramString, round, runColors, runLabels } from "./data.js";
import { escapeHtml, jsonForScript, scriptSafe, styleSafe } from "./escape.js";
import { clientSiteLive, hasFindings, memorySection, type MemoryReport } from "./memory.js";
import { siteLiveChartId } from "./client-data.js";

export interface HtmlOptions {
  /** The page title; default "tricolor · <scenario> · <strategies>". */
  title?: string;
  /** Per run (same order), what its memory analysis found: a memory panel for each run that has findings (memory.ts). */
  memory?: readonly (MemoryReport | undefined)[];
}

/** The built parts a page inlines: the bundled page script and the stylesheet. */
export interface PageAssets {
  script: string;
  css: string;
}

const count = (n: number) => n.toLocaleString("en-US");
const pct = (f: number) => `${(100 * f).toFixed(1)}%`;
const unique = <T>(xs: readonly T[]) => [...new Set(xs)];
const swatch = (color: string) => `<span class="swatch" style="background:${color}"></span>`;
const limitText = (r: RunResult) => (r.config.memoryLimitBytes ? formatBytes(r.config.memoryLimitBytes) : "none");

/** The report page for `runs` (one run, or several compared), with `assets` inlined. */
export function renderReport(runs: readonly RunResult[], assets: PageAssets, opts: HtmlOptions = {}): string {
  if (runs.length === 0) throw new RangeError("renderHtml needs at least one run");
  const labels = runLabels(runs);
  const colors = runColors(runs);
  const title = opts.title ?? `tricolor · ${unique(runs.map((r) => r.scenario)).join(", ")} · ${labels.join(" vs ")}`;
  const data = clientData(runs, labels, colors);
  const memory = memoryPanels(runs, labels, opts.memory ?? [], data);
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<style>${styleSafe(assets.css)}</style>
</head>
<body>
<main>
${header(runs, labels, colors, title)}
${memory}
${chartsSection(runs, data)}
${runSections(runs, labels, colors)}
<footer>tricolor · a WebAssembly heap engine modelling Go's garbage collector · times are host wall-clock; work is in words scanned</footer>
</main>
<script type="application/json" id="${DATA_ELEMENT_ID}">${jsonForScript(data)}</script>
<script>${scriptSafe(assets.script)}</script>
</body>
</html>
`;
}

// ─── header ────────────────────────────────────────────────────────────────

/** One value, or each run's when they differ. */
function sharedValue(runs: readonly RunResult[], labels: string[], f: (r: RunResult) => string): string {
  const vs = runs.map(f);
  if (unique(vs).length === 1) return escapeHtml(vs[0]);
  return vs.map((v, i) => `${escapeHtml(labels[i])}: ${escapeHtml(v)}`).join(" · ");
}

function header(runs: readonly RunResult[], labels: string[], colors: string[], title: string): string {
  const meta: [string, string][] = [
    ["scenario", sharedValue(runs, labels, (r) => r.scenario)],
    ["strategies", runs.map((r, i) => `<span class="strategy">${swatch(colors[i])}${escapeHtml(labels[i])}</span>`).join(" ")],
    ["GOGC", sharedValue(runs, labels, gogcText)],
    ["params", sharedValue(runs, labels, paramString)],
    ["max heap", sharedValue(runs, labels, (r) => formatBytes(r.config.maxHeapBytes))],
    ["memory limit", sharedValue(runs, labels, limitText)],
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

/** Key figures, a row per run: compact enough for a 15-run GOGC matrix at 1024 px, and in its own scroller so no wider table can widen the page. */
function figuresTable(runs: readonly RunResult[], labels: string[], colors: string[]): string {
  const head = `<tr><th rowspan="2">strategy</th><th rowspan="2">cycles</th><th colspan="5">global STW pauses</th><th colspan="3">goroutine stack scans</th><th rowspan="2">lost objects</th><th rowspan="2">heap peak</th><th rowspan="2">GC CPU</th><th rowspan="2">wall</th></tr>
<tr><th>count</th><th>p50</th><th>p99</th><th>max</th><th>max work (words)</th><th>count</th><th>p99</th><th>max</th></tr>`;
  const rows = runs.map((r, i) => {
    const p = r.gc.pauses;
    const sp = r.gc.stackPauses;
    const cells = [
      count(r.gc.cycles) + (r.gc.forcedCycles ? ` <span class="dim">(${r.gc.forcedCycles} forced)</span>` : ""),
      count(p.count),
      formatNs(p.p50Ns),
      formatNs(p.p99Ns),
      formatNs(p.maxNs),
      count(r.gc.stwWork.maxWords),
      count(sp.count),
      sp.count ? formatNs(sp.p99Ns) : "–",
      sp.count ? formatNs(sp.maxNs) : "–",
      r.verify.lostObjects > 0 ? `<span class="bad">${count(r.verify.lostObjects)}</span>` : "0",
      formatBytes(r.heap.peakBytes),
      pct(r.gcCpuFraction),
      formatNs(r.wallNs),
    ];
    const desc = describe(r.config.barrier);
    return `<tr><th class="run" title="${escapeHtml(desc)}">${swatch(colors[i])}${escapeHtml(labels[i])}</th>${cells.map((c) => `<td>${c}</td>`).join("")}</tr>`;
  });
  return `<div class="table-scroll"><table class="figures"><thead>${head}</thead><tbody>${rows.join("\n")}</tbody></table></div>`;
}

// ─── charts ────────────────────────────────────────────────────────────────

/** A chart's box: as wide as its grid cell, `h` px high; page.ts draws into the canvas. */
const canvas = (id: string, h: number) => `<div class="chart" style="height:${h}px"><canvas id="${id}" data-chart="${id}"></canvas></div>`;

function chartsSection(runs: readonly RunResult[], data: ClientData): string {
  const heap = runs.map((_, i) => canvas(`heap-${i}`, runs.length === 1 ? 320 : 260)).join("\n");
  const hasStack = data.stackHist.edgesNs.length > 0;
  const hists = hasStack ? `${canvas("pause-hist", 300)}${canvas("stack-hist", 300)}` : canvas("pause-hist", 300);
  const bounded = runs.some((r) => r.timeline.recorded === "bounded");
  return `<section>
<h2>Heap over time</h2>
<p class="note">Heap in use at each cycle's start and at mark termination, the heap goal in effect (dashed step line: the goal of the running cycle, then the next cycle's goal set at mark termination), and the live heap marked by each cycle. Shaded bands: GC cycles (start to mark termination). Lines join the samples; the last cycle is the runner's final forced collection.</p>
<div class="grid">${heap}</div>
</section>
<section>
<h2>Pause timeline</h2>
<p class="note">Every global stop-the-world pause at its start time, height = its wall duration (log scale): ▲ sweep termination, ● mark termination, ◆ a whole stop-the-world cycle; × a single goroutine stopped for its stack scan.</p>
${canvas("pause-timeline", 360)}
${recordsNote(runs, data.runs.map((r) => r.label))}
</section>
<section>
<h2>Pause distribution</h2>
<p class="note">Pause wall durations in 1-2-5 log-spaced bins, one series per run${hasStack ? "; global stop-the-world pauses (left) and per-goroutine stack-scan pauses (right)" : ""}.</p>
<div class="grid">${hists}</div>
</section>
<section>
<h2>Minimum mutator utilization</h2>
<p class="note">For each window length, the smallest share of any window of that length left to the mutator (pauses, stack scans, background mark and assists all count as GC time). Higher and further left is better.${bounded ? ` Computed online over fixed windows (five a decade), at most ${round(200 / MMU_GRID, 2)} percentage points above the exact MMU; the last point, the whole run, is exact.` : ""}</p>
${canvas("mmu", 340)}
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

// ─── per run ───────────────────────────────────────────────────────────────

/** The config block of one run, aligned like the CLI's. */
function configText(r: RunResult): string {
  return [
    `scenario      ${r.scenario}`,
    `strategy      ${r.config.barrier} (${describe(r.config.barrier)})`,
    `GOGC          ${gogcText(r)}`,
    `params        ${paramString(r) || "(defaults)"}`,
    `max heap      ${formatBytes(r.config.maxHeapBytes)}`,
    `memory limit  ${limitText(r)}`,
    `seed          ${r.config.seed}`,
    `build         ${r.config.build}`,
    `verify        ${r.config.verifyEachCycle ? "each cycle" : "at the end"}`,
  ].join("\n");
}

function runSection(r: RunResult, label: string, color: string): string {
  const tracer = new GcTracer(r.timeline.startNs, { barrier: r.config.barrier });
  const gctrace = r.cycles.map((c) => tracer.line(c));
  return `<section class="run">
<h2>${swatch(color)}${escapeHtml(label)} <span class="dim">· ${escapeHtml(r.scenario)}</span></h2>
<h3>Config</h3>
<pre class="config">${escapeHtml(configText(r))}</pre>
<h3>Summary</h3>
<pre class="summary">${escapeHtml(textSummary(r))}</pre>
<h3>gctrace <span class="dim">(GODEBUG=gctrace=1 format, ${count(gctrace.length)} cycles)</span></h3>
<pre class="gctrace">${escapeHtml(gctrace.join("\n") || "(no cycles)")}</pre>
<h3>Scenario output</h3>
<pre class="output">${escapeHtml(r.output.join("\n") || "(none)")}</pre>
</section>`;
}

function runSections(runs: readonly RunResult[], labels: string[], colors: string[]): string {
  return runs.map((r, i) => runSection(r, labels[i], colors[i])).join("\n");
}

// ─── memory ────────────────────────────────────────────────────────────────

/** The memory panels of the runs that have findings (none on a clean run), their charts' data put into `data`. */
function memoryPanels(runs: readonly RunResult[], labels: string[], reports: readonly (MemoryReport | undefined)[], data: ClientData): string {
  const live = runs.map((_, i) => (hasFindings(reports[i]?.findings) ? clientSiteLive(reports[i]?.series) : null));
  if (live.some((l) => l !== null)) data.siteLive = live;
  return runs
    .map((r, i) => {
      const heading = runs.length === 1 ? "Memory" : `Memory · ${escapeHtml(labels[i])} <span class="dim">· ${escapeHtml(r.scenario)}</span>`;
      return memorySection(reports[i], heading, siteLiveChartId(i), live[i] !== null);
    })
    .filter((s) => s !== "")
    .join("\n");
}
