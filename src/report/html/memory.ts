/**
 * The HTML report's memory panel, one per run that has something to say:
 *
 *   live by site     per-site live bytes after each cycle, the top sites
 *                    stacked (the rest summed as "other sites"): a stacked
 *                    bar per cycle, drawn by page.ts from ClientSiteLive
 *   leak suspects    one row per suspect (growth per cycle and per million
 *                    allocations, the trend's cycles and p-value, live and
 *                    retained), then its retainer paths, one per path shape
 *   top retainers    objects or site groups retaining ≥ 10% of the heap
 *   goroutines       the groups of goroutines counted as leaked
 *   escapes          per site: allocated, escaped and to where, what stack
 *                    allocation would have saved
 *   out of memory    the failing request against the heap, fragmentation
 *                    (whole free pages vs free slots in part-filled spans,
 *                    per size class), the top sites and their retainers
 *
 * Everything is rendered from the shapes in src/analysis/findings.ts (and
 * the engine's LiveSeries for the chart); a part with nothing in it is left
 * out, and a run with no findings at all gets no panel: a clean run's
 * report is unchanged. Browser-safe.
 */
import type { LiveSeries } from "../../engine/analysis.js";
import type { EscapeFinding, GoroutineFinding, LeakSuspect, MemoryFindings, OomFinding, RetainerPathFinding, TopRetainer } from "../../analysis/findings.js";
import { hex } from "../../engine/errors.js";
import { count, formatBytes } from "../text.js";
import { formatP } from "../memory.js";
import { hasFindings } from "../../analysis/index.js";

export { hasFindings };
import type { ClientSiteLive } from "./client-data.js";
import { escapeHtml } from "./escape.js";

/** What the report knows of one run's memory: the analysis's findings, and the live-by-site series its chart draws. */
export interface MemoryReport {
  findings?: MemoryFindings;
  series?: LiveSeries;
}

/** Sites drawn on their own in the live-by-site chart; the rest are summed. */
export const TOP_SITES = 6;
/** The sites' colours (Tableau 10), in rank order, and the colour of the rest. */
export const SITE_COLORS = ["#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f", "#edc948"];
export const OTHER_SITES_COLOR = "#bab0ac";

const pct = (f: number) => `${(100 * f).toFixed(1)}%`;
const td = (s: string, cls = "") => `<td${cls ? ` class="${cls}"` : ""}>${s}</td>`;
const table = (cls: string, head: string[], rows: string[][]) =>
  `<div class="table-scroll"><table class="memory ${cls}"><thead><tr>${head.map((h) => `<th>${h}</th>`).join("")}</tr></thead><tbody>${rows
    .map((r) => `<tr>${r.join("")}</tr>`)
    .join("\n")}</tbody></table></div>`;
/** A name cell: text, left-aligned. */
const nameCell = (s: string) => td(escapeHtml(s), "name");


/** A growth rate: "+1.5 KiB", "−200 B", "0 B". */
export function growthText(bytes: number): string {
  const sign = bytes > 0 ? "+" : bytes < 0 ? "−" : "";
  return `${sign}${formatBytes(Math.round(Math.abs(bytes)))}`;
}

// ─── the chart's data ──────────────────────────────────────────────────────

const UNITS: [bytes: number, unit: string][] = [[2 ** 30, "GiB"], [2 ** 20, "MiB"], [2 ** 10, "KiB"], [1, "B"]];

/**
 * The live-by-site chart's data: the TOP_SITES sites with the most live
 * bytes at any sampled cycle, each its own series, and the others summed;
 * values in the largest unit the tallest stack reaches 1 of. null when
 * there is nothing to draw.
 */
export function clientSiteLive(series: LiveSeries | undefined): ClientSiteLive | null {
  if (!series || series.cycles.length === 0 || series.sites.length === 0) return null;
  const peak = (bytes: number[]) => bytes.reduce((m, b) => Math.max(m, b), 0);
  const ranked = [...series.sites].sort((a, b) => peak(b.bytes) - peak(a.bytes) || a.site - b.site);
  const top = ranked.slice(0, TOP_SITES);
  const rest = ranked.slice(TOP_SITES);
  const totals = series.cycles.map((_, i) => series.sites.reduce((s, x) => s + (x.bytes[i] ?? 0), 0));
  const [div, unit] = UNITS.find(([b]) => peak(totals) >= b) ?? [1, "B"];
  const scale = (v: number) => Math.round((v / div) * 1e4) / 1e4;
  const sites = top.map((s, k) => ({ name: s.name, color: SITE_COLORS[k % SITE_COLORS.length], values: s.bytes.map(scale) }));
  if (rest.length > 0) {
    sites.push({
      name: `${count(rest.length)} other site${rest.length === 1 ? "" : "s"}`,
      color: OTHER_SITES_COLOR,
      values: series.cycles.map((_, i) => scale(rest.reduce((s, x) => s + (x.bytes[i] ?? 0), 0))),
    });
  }
  return { cycles: [...series.cycles], unit, sites };
}

// ─── the panel's parts ─────────────────────────────────────────────────────

function pathsBlock(paths: readonly RetainerPathFinding[]): string {
  if (paths.length === 0) return "";
  const lines = paths.map((p) => `${p.text}${p.objects > 1 ? `   (${count(p.objects)} objects)` : ""}`);
  return `<pre class="paths">${escapeHtml(lines.join("\n"))}</pre>`;
}

function leaksPart(leaks: readonly LeakSuspect[]): string {
  if (leaks.length === 0) return "";
  const rows = leaks.map((l) => [
    nameCell(l.name),
    td(`${growthText(l.bytesPerCycle)}/cycle`),
    td(`${growthText(l.bytesPerMillionAllocs)}/M allocs`),
    td(`${count(l.cycles)} cycles, ${formatP(l.pValue)}`),
    td(count(l.middleThirdObjects)),
    td(count(l.liveObjects)),
    td(formatBytes(l.liveBytes)),
    td(formatBytes(l.retainedBytes)),
    td(escapeHtml(l.signals.join(", "))),
  ]);
  const paths = leaks
    .filter((l) => l.paths.length > 0)
    .map((l) => `<h4>${escapeHtml(l.name)}: retained through</h4>${pathsBlock(l.paths)}`)
    .join("\n");
  return `<h3>Leak suspects</h3>
<p class="note">Sites whose live bytes grow over the cycles after warm-up (Theil–Sen slope, Mann–Kendall test), or that keep objects allocated in the run's middle third alive to its end (memlab's rule); one retainer path per distinct path shape.</p>
${table("leaks", ["site", "growth", "per allocations", "trend", "middle-third survivors", "objects", "live", "retains", "signals"], rows)}
${paths}`;
}

function retainersPart(retainers: readonly TopRetainer[], heading = "Top retainers"): string {
  if (retainers.length === 0) return "";
  const rows = retainers.map((r) => [
    nameCell(r.kind === "object" && r.handle !== undefined ? `${r.name} @${hex(r.handle)}` : `${r.name} (all its objects)`),
    td(formatBytes(r.retainedBytes)),
    td(pct(r.fraction)),
    td(r.path ? `<code>${escapeHtml(r.path.text)}</code>` : "–", "path"),
  ]);
  return `<h3>${heading}</h3>
<p class="note">Objects and allocation sites that each keep at least a tenth of the heap alive (their dominator subtrees), with a shortest path from a root.</p>
${table("retainers", ["retainer", "retains", "of the heap", "path"], rows)}`;
}

function goroutinesPart(g: GoroutineFinding | undefined): string {
  if (!g || g.leaked === 0) return "";
  const rows = g.groups.map((x) => [
    nameCell(x.label),
    td(count(x.count)),
    td(`cycle ${count(x.blockedSinceCycle)}`),
    td(formatBytes(x.stackBytes)),
    td(formatBytes(x.retainedBytes)),
    td(escapeHtml(x.sites.map((s) => `${s.name} ${formatBytes(s.bytes)}`).join(", ") || "–"), "name"),
  ]);
  return `<h3>Goroutines</h3>
<p class="note">${count(g.alive)} goroutines alive at the end, ${count(g.leaked)} counted as leaked${g.growing ? ` (the count grows, ${formatP(g.pValue)})` : ""}: ${formatBytes(g.stackBytes)} of stacks, retaining ${formatBytes(g.retainedBytes)}.</p>
${table("goroutines", ["spawned as", "goroutines", "blocked since", "stacks", "retains", "sites their frames hold"], rows)}`;
}

function escapesPart(escapes: readonly EscapeFinding[]): string {
  if (escapes.length === 0) return "";
  const rows = escapes.map((x) => [
    nameCell(x.name),
    td(count(x.allocObjects)),
    td(formatBytes(x.allocBytes)),
    // Of the locals judged (escaped or stayed), as the text report counts them; pending ones are neither.
    td(`${count(x.escapedObjects)} (${pct(x.escapedObjects + x.stayedObjects > 0 ? x.escapedObjects / (x.escapedObjects + x.stayedObjects) : 0)})`),
    td(escapeHtml(x.escapedTo.map((t) => `${t.to} ${count(t.objects)}`).join(", ") || "–"), "name"),
    td(formatBytes(x.savedBytes)),
    td(`~${count(Math.round(x.savedCycles))} of ${count(x.cycles)}`),
  ]);
  return `<h3>Escapes</h3>
<p class="note">Locals of a goroutine's top frame still reachable when the frame was popped escaped to the heap (as <code>go build -gcflags=-m</code> reports); the others could have lived on the stack: the bytes and GC cycles that would have saved.</p>
${table("escapes", ["site", "allocated", "bytes", "escaped", "escaped to", "stack would save", "GC cycles saved"], rows)}`;
}

function oomPart(o: OomFinding | undefined): string {
  if (!o) return "";
  const f = o.fragmentation;
  const classes = f.classes.map((c) => [td(count(c.sizeClass)), td(formatBytes(c.slotBytes)), td(count(c.partialSpans)), td(count(c.freeSlots)), td(formatBytes(c.freeBytes))]);
  const sites = o.topSites.map((s) => [nameCell(s.name), td(count(s.objects)), td(formatBytes(s.bytes))]);
  return `<h3>Out of memory</h3>
<p class="oom">Could not allocate ${formatBytes(o.requestedBytes)}: ${formatBytes(o.heapInUseBytes)} in use of ${formatBytes(o.heapMaxBytes)} max (stacks ${formatBytes(o.stackBytes)}).
Free: ${count(f.freePages)} whole pages (${formatBytes(f.freePageBytes)}); ${formatBytes(f.freeBytesInPartialSpans)} inside ${count(f.partialSpans)} part-filled spans.</p>
${classes.length ? `<h4>Free slots in part-filled spans, by size class</h4>${table("fragmentation", ["size class", "slot", "part-filled spans", "free slots", "free bytes"], classes)}` : ""}
${sites.length ? `<h4>Live by site at the failure</h4>${table("oom-sites", ["site", "objects", "bytes"], sites)}` : ""}
${retainersPart(o.retainers, "What retains it")}
${goroutinesPart(o.goroutines)}`;
}

/**
 * The memory panel of one run (empty when it has no findings). `chartId`
 * names the canvas page.ts draws the live-by-site chart into, when `chart`
 * is true (the run's ClientSiteLive is not null).
 */
export function memorySection(report: MemoryReport | undefined, heading: string, chartId: string, chart: boolean): string {
  const f = report?.findings;
  if (!hasFindings(f)) return "";
  const chartBox = chart
    ? `<p class="note">Live bytes per allocation site after each cycle (the runner's final collection last), the ${TOP_SITES} largest on their own, stacked.</p>
<div class="chart" style="height:300px"><canvas id="${chartId}" data-chart="${chartId}"></canvas></div>`
    : "";
  return `<section class="memory">
<h2>${heading}</h2>
${chartBox}
${leaksPart(f.leaks)}
${retainersPart(f.retainers)}
${goroutinesPart(f.goroutines)}
${escapesPart(f.escapes)}
${oomPart(f.oom)}
</section>`;
}
