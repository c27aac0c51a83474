/**
 * The HTML report's page script: reads the JSON data element (client-data.ts)
 * and draws every chart with Chart.js.
 *
 * Runs in the browser only. It is type-checked against the DOM and
 * Chart.js's own types (tsconfig.page.json: no Node types, so a Node global
 * here is a compile error) and bundled with the parts of Chart.js it
 * registers into one IIFE by scripts/build.mjs (esbuild), which
 * src/node/html.ts inlines into each page. When the charts are drawn it sets
 * body[data-ready] and exposes them as window.tricolorCharts for tests.
 */
import {
  BarController,
  BarElement,
  CategoryScale,
  Chart,
  Filler,
  Legend,
  LinearScale,
  LineElement,
  LogarithmicScale,
  PointElement,
  ScatterController,
  Title,
  Tooltip,
  type ChartConfiguration,
  type ChartDataset,
  type ChartType,
  type LegendItem,
  type Plugin,
  type PointStyle,
  type TooltipItem,
} from "chart.js";
import { DATA_ELEMENT_ID, type ClientData, type ClientRun, type PauseHistogram, type Point } from "./client-data.js";
import { siteLiveChartId, type ClientSiteLive } from "./client-data.js";

/** Options of the bands plugin: x-intervals shaded behind the datasets. */
interface BandsOptions {
  spans?: [number, number][];
  color?: string;
}

declare module "chart.js" {
  // The type parameter is the declaration's own: an augmentation must repeat it.
  interface PluginOptionsByType<TType extends ChartType> {
    bands?: BandsOptions;
  }
}

declare global {
  interface Window {
    /** The drawn charts by canvas id (tests read their chart areas). */
    tricolorCharts: Record<string, Chart>;
  }
}

type ScatterSet = ChartDataset<"scatter", Point[]>;

// ─── helpers ───────────────────────────────────────────────────────────────

/** `#rrggbb` at opacity `a`. */
function alpha(hex: string, a: number): string {
  const n = parseInt(hex.slice(1), 16);
  return `rgba(${(n >> 16) & 255},${(n >> 8) & 255},${n & 255},${a})`;
}

/** A duration in the largest unit that keeps it ≥ 1, to 3 significant digits (as the CLI prints). */
function fmtNs(ns: number): string {
  if (ns < 1e3) return `${ns.toFixed(0)} ns`;
  if (ns < 1e6) return `${+(ns / 1e3).toPrecision(3)} µs`;
  if (ns < 1e9) return `${+(ns / 1e6).toPrecision(3)} ms`;
  return `${+(ns / 1e9).toPrecision(3)} s`;
}

/** Log axes label only the powers of ten. */
function isDecade(v: number): boolean {
  const e = Math.log10(v);
  return Math.abs(e - Math.round(e)) < 1e-9;
}

const decadeTick = (format: (v: number) => string) => (v: number | string) => (isDecade(Number(v)) ? format(Number(v)) : null);
const axisTitle = (text: string) => ({ display: true, text, font: { size: 12, weight: "bold" as const } });
const byIndex = (a: LegendItem, b: LegendItem) => (a.datasetIndex ?? 0) - (b.datasetIndex ?? 0);
/** The point under a tooltip, with its extra fields. */
const raw = (c: TooltipItem<"scatter">) => c.raw as Point;

// ─── setup ─────────────────────────────────────────────────────────────────

/** Chart.js with only what these charts use, static and in the page's font. */
function setUpChartJs(): void {
  Chart.register(ScatterController, BarController, LineElement, PointElement, BarElement, LinearScale, LogarithmicScale, CategoryScale, Filler, Legend, Title, Tooltip, bands);
  const d = Chart.defaults;
  d.animation = false;
  // Responsive: a chart fills its box (report.css sizes the boxes), and follows it when the window is resized.
  d.responsive = true;
  d.maintainAspectRatio = false;
  d.font.family = getComputedStyle(document.body).fontFamily;
  d.font.size = 12;
  d.color = "#333";
  d.borderColor = "rgba(0,0,0,0.09)";
  d.plugins.legend.labels.usePointStyle = true;
  d.plugins.legend.labels.boxHeight = 8;
  d.plugins.title.font = { size: 13, weight: "bold" };
}

/** Shaded x-intervals behind the datasets (GC cycles on the heap charts). */
const bands: Plugin<ChartType, BandsOptions> = {
  id: "bands",
  beforeDatasetsDraw(chart, _args, opts) {
    const spans = opts.spans;
    if (!spans || spans.length === 0) return;
    const x = chart.scales.x;
    const a = chart.chartArea;
    const ctx = chart.ctx;
    ctx.save();
    ctx.beginPath();
    ctx.rect(a.left, a.top, a.right - a.left, a.bottom - a.top);
    ctx.clip();
    ctx.fillStyle = opts.color ?? "rgba(0,0,0,0.06)";
    for (const [s0, s1] of spans) {
      const x0 = x.getPixelForValue(s0);
      const x1 = x.getPixelForValue(s1);
      ctx.fillRect(x0, a.top, Math.max(1.5, x1 - x0), a.bottom - a.top);
    }
    ctx.restore();
  },
};

const charts: Record<string, Chart> = {};

/** Draws `config` into canvas `id`, when the page has that canvas. */
function make(id: string, config: ChartConfiguration): void {
  const el = document.getElementById(id);
  if (el instanceof HTMLCanvasElement) charts[id] = new Chart(el, config);
}

// ─── heap ──────────────────────────────────────────────────────────────────

function heapDatasets(r: ClientRun): ScatterSet[] {
  const ds: ScatterSet[] = [
    { label: "heap in use", data: r.heap, showLine: true, borderColor: r.color, backgroundColor: alpha(r.color, 0.13),
      fill: "origin", borderWidth: 2, pointRadius: 2.5, pointBackgroundColor: r.color, pointStyle: "circle", order: 2 },
    { label: "heap goal", data: r.goal, showLine: true, stepped: true, borderColor: "#3a3f4b", backgroundColor: "#3a3f4b",
      borderDash: [6, 4], borderWidth: 1.5, pointRadius: 0, pointStyle: "line", fill: false, order: 1 },
    { label: "live after mark", data: r.live, showLine: false, borderColor: "#1d2330", backgroundColor: alpha(r.color, 0.9),
      borderWidth: 1, pointRadius: 5, pointStyle: "triangle", order: 0 },
  ];
  if (r.memoryLimitMiB > 0) {
    ds.push({ label: "memory limit", data: [{ x: 0, y: r.memoryLimitMiB }, { x: r.xAxisMs, y: r.memoryLimitMiB }], showLine: true,
      borderColor: "#c0142b", backgroundColor: "#c0142b", borderDash: [2, 3], borderWidth: 1.5, pointRadius: 0, pointStyle: "line", order: 3 });
  }
  return ds;
}

/** Heap over time, one chart per run on shared axes. */
function heapChart(data: ClientData, r: ClientRun, i: number): void {
  make(`heap-${i}`, {
    type: "scatter",
    data: { datasets: heapDatasets(r) },
    options: {
      scales: {
        x: { type: "linear", min: 0, max: r.xAxisMs, title: axisTitle("time since run start (ms)") },
        y: { min: 0, max: data.heapMaxMiB, title: axisTitle("heap (MiB)") },
      },
      plugins: {
        title: { display: true, text: r.title, color: r.color },
        legend: { position: "top", align: "end", labels: { sort: byIndex } },
        bands: { spans: r.cycleSpans },
        tooltip: { callbacks: { label: (c) => {
          const p = raw(c);
          return `${c.dataset.label}: ${p.y.toFixed(2)} MiB at ${p.x.toFixed(2)} ms${p.c ? ` (gc ${p.c})` : ""}`;
        } } },
      },
    },
  });
}

// ─── pause timeline ────────────────────────────────────────────────────────

const KIND_STYLE: Record<string, PointStyle> = { "sweep-termination": "triangle", "mark-termination": "circle", "stw-cycle": "rectRot" };
/**
 * A global pause's marker: its kind's. Typed as the dataset option itself,
 * its context inferred: an annotated (c: ScriptableContext<"scatter">)
 * makes tsc 5.9 overflow its stack relating it to Chart.js 4.6's options.
 */
const kindStyle: ScatterSet["pointStyle"] = (c) => KIND_STYLE[String((c.raw as Point | undefined)?.k)] ?? "circle";

/** " (longest n of total)" when the run's list was bounded. */
const shown = (n: number, of: number) => (n < of ? ` (longest ${n.toLocaleString("en-US")} of ${of.toLocaleString("en-US")})` : "");

/** Global pauses and stack scans, every run overlaid, with each dataset's legend marker. */
function timelineDatasets(data: ClientData): { datasets: ScatterSet[]; legend: PointStyle[] } {
  const datasets: ScatterSet[] = [];
  const legend: PointStyle[] = [];
  for (const r of data.runs) {
    // The marker is per point (the pause's kind), so the legend gets its own.
    legend.push("circle");
    datasets.push({ label: `${r.label} · STW pauses${shown(r.pauses.length, r.pauseCount)}`, data: r.pauses, borderColor: r.color, backgroundColor: alpha(r.color, 0.75),
      pointRadius: 5, pointHoverRadius: 7, borderWidth: 1,
      pointStyle: kindStyle });
    if (r.stackPauses.length) {
      legend.push("crossRot");
      datasets.push({ label: `${r.label} · stack scans${shown(r.stackPauses.length, r.stackPauseCount)}`, data: r.stackPauses, borderColor: alpha(r.color, 0.85), backgroundColor: alpha(r.color, 0.85),
        pointRadius: 3.5, borderWidth: 1.5, pointStyle: "crossRot" });
    }
  }
  return { datasets, legend };
}

function timelineChart(data: ClientData): void {
  const { datasets, legend } = timelineDatasets(data);
  make("pause-timeline", {
    type: "scatter",
    data: { datasets },
    options: {
      scales: {
        x: { type: "linear", min: 0, max: data.timeMaxMs, title: axisTitle("time since run start (ms)") },
        y: { type: "logarithmic", min: data.pauseMinUs, max: data.pauseMaxUs, title: axisTitle("pause duration (log scale)"),
             ticks: { callback: decadeTick((us) => fmtNs(us * 1e3)) } },
      },
      plugins: {
        legend: { position: "top", labels: { generateLabels: (chart) => {
          const items = Chart.defaults.plugins.legend.labels.generateLabels(chart);
          for (const it of items) if (it.datasetIndex !== undefined) it.pointStyle = legend[it.datasetIndex] ?? it.pointStyle;
          return items.sort(byIndex);
        } } },
        tooltip: { callbacks: { label: (c) => {
          const p = raw(c);
          return `${c.dataset.label}: ${p.g !== undefined ? `g${p.g} ` : ""}${p.k} (gc ${p.c}) ${fmtNs(p.y * 1e3)}, ${p.w} words, at ${p.x.toFixed(2)} ms`;
        } } },
      },
    },
  });
}

// ─── distributions and MMU ─────────────────────────────────────────────────

function histogramChart(data: ClientData, id: string, h: PauseHistogram, what: "pause" | "stack-scan"): void {
  if (h.labels.length === 0) return;
  const datasets: ChartDataset<"bar", number[]>[] = data.runs.map((r, i) => ({
    label: r.label, data: h.counts[i], backgroundColor: alpha(r.color, 0.8), borderColor: r.color, borderWidth: 1,
    pointStyle: "rect", categoryPercentage: 0.85, barPercentage: 0.95,
  }));
  make(id, {
    type: "bar",
    data: { labels: h.labels, datasets },
    options: {
      scales: {
        x: { title: axisTitle(`${what} duration (log-spaced bins)`), grid: { display: false } },
        y: { beginAtZero: true, title: axisTitle("pauses (count)"), ticks: { precision: 0 } },
      },
      plugins: {
        title: { display: true, text: what === "pause" ? "global stop-the-world pauses" : "goroutine stack-scan pauses" },
        legend: { position: "top", align: "end" },
      },
    },
  });
}

function mmuChart(data: ClientData): void {
  const datasets: ScatterSet[] = data.runs.map((r) => ({
    label: r.label, data: r.mmu, showLine: true, borderColor: r.color, backgroundColor: r.color, borderWidth: 2.5, pointRadius: 2.5, pointStyle: "circle",
  }));
  make("mmu", {
    type: "scatter",
    data: { datasets },
    options: {
      scales: {
        x: { type: "logarithmic", title: axisTitle("window (log scale)"), ticks: { callback: decadeTick(fmtNs) } },
        y: { min: 0, max: 1, title: axisTitle("minimum mutator utilization"), ticks: { callback: (v) => `${Math.round(Number(v) * 100)}%` } },
      },
      plugins: {
        legend: { position: "top", align: "end" },
        tooltip: { callbacks: { label: (c) => `${c.dataset.label}: window ${fmtNs(raw(c).x)} → ${(100 * raw(c).y).toFixed(1)}%` } },
      },
    },
  });
}

// ─── memory ────────────────────────────────────────────────────────────────

/** Live bytes per site after each cycle, the sites stacked (memory.ts chose them and their colours). */
function siteLiveChart(l: ClientSiteLive, i: number): void {
  const datasets: ChartDataset<"bar", number[]>[] = l.sites.map((s) => ({
    label: s.name, data: s.values, backgroundColor: alpha(s.color, 0.85), borderColor: s.color, borderWidth: 1, pointStyle: "rect", stack: "live",
    categoryPercentage: 0.9, barPercentage: 1,
  }));
  make(siteLiveChartId(i), {
    type: "bar",
    data: { labels: l.cycles.map((c) => `gc ${c}`), datasets },
    options: {
      scales: {
        x: { stacked: true, title: axisTitle("cycle"), grid: { display: false } },
        y: { stacked: true, beginAtZero: true, title: axisTitle(`live (${l.unit})`) },
      },
      plugins: {
        title: { display: true, text: "live bytes by allocation site" },
        legend: { position: "top", align: "end" },
        tooltip: { callbacks: { label: (c) => `${c.dataset.label}: ${c.parsed.y} ${l.unit}` } },
      },
    },
  });
}

// ─── main ──────────────────────────────────────────────────────────────────

function main(): void {
  const data = JSON.parse(document.getElementById(DATA_ELEMENT_ID)?.textContent ?? "null") as ClientData;
  setUpChartJs();
  data.runs.forEach((r, i) => heapChart(data, r, i));
  timelineChart(data);
  histogramChart(data, "pause-hist", data.pauseHist, "pause");
  histogramChart(data, "stack-hist", data.stackHist, "stack-scan");
  mmuChart(data);
  data.siteLive?.forEach((l, i) => { if (l) siteLiveChart(l, i); });
  window.tricolorCharts = charts;
  document.body.setAttribute("data-ready", "1");
}

main();
