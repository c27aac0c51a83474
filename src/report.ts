/** Text and JSON renderings of run results, the side-by-side comparison table, and its verdicts. */
import type { RunResult } from "./run.js";

/** The colour functions used (picocolors' shape); `plain` when colours are off. */
export interface Colors {
  bold(s: string): string;
  dim(s: string): string;
  red(s: string): string;
  green(s: string): string;
  yellow(s: string): string;
  cyan(s: string): string;
}

const same = (s: string) => s;
export const plain: Colors = { bold: same, dim: same, red: same, green: same, yellow: same, cyan: same };

export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1048576) return `${(n / 1024).toFixed(1)} KiB`;
  if (n < 1073741824) return `${(n / 1048576).toFixed(1)} MiB`;
  return `${(n / 1073741824).toFixed(2)} GiB`;
}

export function formatNs(ns: number): string {
  if (ns < 1e3) return `${ns.toFixed(0)} ns`;
  if (ns < 1e6) return `${(ns / 1e3).toFixed(1)} µs`;
  if (ns < 1e9) return `${(ns / 1e6).toFixed(2)} ms`;
  return `${(ns / 1e9).toFixed(2)} s`;
}

const count = (n: number) => n.toLocaleString("en-US");

const STRATEGY_LABEL: Record<string, string> = {
  stw: "stop-the-world",
  dijkstra: "concurrent · Dijkstra insertion barrier",
  yuasa: "concurrent · Yuasa deletion barrier",
  hybrid: "concurrent · hybrid barrier (Go 1.8+)",
  none: "concurrent · NO barrier (unsafe)",
};

/** MMU at the window nearest `ns` (the curve is log-spaced). */
export function mmuAt(r: RunResult, ns: number): number {
  let best = r.mmu[0];
  for (const p of r.mmu) if (Math.abs(Math.log(p.windowNs / ns)) < Math.abs(Math.log(best.windowNs / ns))) best = p;
  return best ? best.utilization : 1;
}

const pct = (x: number) => `${(100 * x).toFixed(1)}%`;

/** The summary printed after a scenario's own lines: one terminal screen. */
export function textSummary(r: RunResult, c: Colors = plain): string {
  const p = r.gc.pauses;
  const sp = r.gc.stackPauses;
  const gogc = r.config.gogc === "off" ? "off" : String(r.config.gogc);
  const limit = r.config.memoryLimitBytes ? ` · limit ${formatBytes(r.config.memoryLimitBytes)}` : "";
  const lines = [
    c.bold(`── tricolor · ${r.scenario} · ${STRATEGY_LABEL[r.config.barrier]} · GOGC=${gogc}${limit} · max heap ${formatBytes(r.config.maxHeapBytes)} ──`),
    `gc       ${r.gc.cycles} cycles · STW pauses ${p.count} · total ${formatNs(p.totalNs)} · p50 ${formatNs(p.p50Ns)} · p95 ${formatNs(p.p95Ns)} · p99 ${formatNs(p.p99Ns)} · max ${c.bold(formatNs(p.maxNs))}`,
    `work     GC ${count(r.gc.work.totalWords)} words = STW pauses ${count(r.gc.work.stwWords)} + background ${count(r.gc.work.backgroundWords)} + assists ${count(r.gc.work.assistWords)} · GC ${pct(r.gc.gcWorkFraction)} of mutator-clock time`,
    `         STW pause work p50 ${count(r.gc.stwWork.p50Words)} · p99 ${count(r.gc.stwWork.p99Words)} · max ${count(r.gc.stwWork.maxWords)} words`,
  ];
  if (sp.count > 0) {
    lines.push(`stacks   ${sp.count} goroutine pauses · p50 ${formatNs(sp.p50Ns)} · p99 ${formatNs(sp.p99Ns)} · max ${formatNs(sp.maxNs)} (${count(sp.maxWords)} words)`);
  }
  if (r.config.barrier !== "stw") {
    const floating = r.barrier.floatingObjects >= 0 ? ` · floating garbage ${count(r.barrier.floatingObjects)} objects` : "";
    lines.push(`barrier  ${count(r.barrier.calls)} calls · ${count(r.barrier.shaded)} objects shaded${floating}`);
  }
  lines.push(
    `heap     peak ${formatBytes(r.heap.peakBytes)} · live ${formatBytes(r.heap.liveBytes)} (${count(r.heap.liveObjects)} objects) after final GC · mapped ${formatBytes(r.heap.mappedBytes)}`,
    `objects  ${count(r.heap.objectsAllocated)} allocated · ${count(r.heap.objectsFreed)} freed · ${formatBytes(r.allocBytesPerSec)}/s allocated`,
    `cpu      GC ${pct(r.gcCpuFraction)} of wall · MMU 1 ms ${pct(mmuAt(r, 1e6))} · 10 ms ${pct(mmuAt(r, 1e7))} · 100 ms ${pct(mmuAt(r, 1e8))}`,
    (r.verify.lostObjects || r.verify.integrityErrors ? c.red : c.green)(
      `verify   ${r.verify.lostObjects} lost objects${r.verify.lostAtMark ? ` (caught at mark termination and kept alive)` : ""} · ${r.verify.integrityErrors} integrity errors`,
    ),
    `wall     ${formatNs(r.wallNs)}`,
  );
  if (r.error) lines.push(c.red(`error    ${r.error.message}`));
  return lines.join("\n");
}

/** The --json document: the RunResult without its raw timeline (that goes to --trace and --html). */
export function jsonReport(r: RunResult | Record<string, RunResult> | Record<string, Record<string, RunResult>>): string {
  return JSON.stringify(r, (k, v) => (k === "timeline" ? undefined : v), 2);
}

interface Row {
  label: string;
  value: (r: RunResult) => string;
}

const ROWS: Row[] = [
  { label: "cycles", value: (r) => count(r.gc.cycles) },
  { label: "STW pauses", value: (r) => count(r.gc.pauses.count) },
  { label: "  p50 wall", value: (r) => formatNs(r.gc.pauses.p50Ns) },
  { label: "  p99 wall", value: (r) => formatNs(r.gc.pauses.p99Ns) },
  { label: "  max wall", value: (r) => formatNs(r.gc.pauses.maxNs) },
  { label: "  max work (words)", value: (r) => count(r.gc.stwWork.maxWords) },
  { label: "  total work (words)", value: (r) => count(r.gc.stwWork.totalWords) },
  { label: "goroutine pauses", value: (r) => count(r.gc.stackPauses.count) },
  { label: "  max wall", value: (r) => formatNs(r.gc.stackPauses.maxNs) },
  { label: "  max work (words)", value: (r) => count(r.gc.stackPauses.maxWords) },
  { label: "GC work (words)", value: (r) => count(r.gc.work.totalWords) },
  { label: "  in STW pauses", value: (r) => count(r.gc.work.stwWords) },
  { label: "  background", value: (r) => count(r.gc.work.backgroundWords) },
  { label: "  assists", value: (r) => count(r.gc.work.assistWords) },
  { label: "GC share (mutator clock)", value: (r) => pct(r.gc.gcWorkFraction) },
  { label: "barrier calls", value: (r) => count(r.barrier.calls) },
  { label: "  objects shaded", value: (r) => count(r.barrier.shaded) },
  { label: "floating garbage", value: (r) => (r.barrier.floatingObjects >= 0 ? count(r.barrier.floatingObjects) : "n/a") },
  { label: "lost objects", value: (r) => count(r.verify.lostObjects) },
  { label: "heap peak", value: (r) => formatBytes(r.heap.peakBytes) },
  { label: "wall", value: (r) => formatNs(r.wallNs) },
];

interface Verdict {
  label: string;
  value: (r: RunResult) => number;
  show: (v: number) => string;
  /** Lower is better unless set. */
  higher?: boolean;
}

const VERDICTS: Verdict[] = [
  { label: "max STW pause (wall)", value: (r) => r.gc.pauses.maxNs, show: formatNs },
  { label: "max STW pause (work)", value: (r) => r.gc.stwWork.maxWords, show: (v) => `${count(v)} words` },
  { label: "p99 STW pause", value: (r) => r.gc.pauses.p99Ns, show: formatNs },
  { label: "MMU at 1 ms", value: (r) => mmuAt(r, 1e6), show: pct, higher: true },
  { label: "total GC work", value: (r) => r.gc.work.totalWords, show: (v) => `${count(v)} words` },
  { label: "GC CPU share", value: (r) => r.gcCpuFraction, show: pct },
  { label: "heap peak", value: (r) => r.heap.peakBytes, show: formatBytes },
  { label: "wall time", value: (r) => r.wallNs, show: formatNs },
];

const runLabel = (r: RunResult, withGogc: boolean) => (withGogc ? `${r.config.barrier} @ GOGC=${r.config.gogc}` : r.config.barrier);

/**
 * One line per metric naming the best run. A strategy that lost objects is
 * not eligible: a fast collector that frees live objects is not a winner.
 */
export function verdicts(results: readonly RunResult[], c: Colors = plain): string {
  const withGogc = new Set(results.map((r) => r.config.gogc)).size > 1;
  const safe = results.filter((r) => r.verify.lostObjects === 0);
  const lines = [c.bold("verdict")];
  for (const v of VERDICTS) {
    if (safe.length === 0) break;
    const best = safe.reduce((a, b) => ((v.higher ? v.value(b) > v.value(a) : v.value(b) < v.value(a)) ? b : a));
    const tied = safe.filter((r) => v.value(r) === v.value(best));
    const who = tied.length === safe.length && safe.length > 1 ? c.dim("no difference") : c.green(tied.map((r) => runLabel(r, withGogc)).join(", "));
    lines.push(`  ${v.label.padEnd(22)} ${who} (${v.show(v.value(best))})`);
  }
  const unsafe = results.filter((r) => r.verify.lostObjects > 0);
  for (const r of unsafe) lines.push(c.red(`  ${"unsafe".padEnd(22)} ${runLabel(r, withGogc)} lost ${count(r.verify.lostObjects)} objects: excluded from the verdicts`));
  return lines.join("\n");
}

/** A side-by-side table, one column per strategy. */
export function compareTable(results: readonly RunResult[]): string {
  const head = ["", ...results.map((r) => r.config.barrier)];
  const body = ROWS.map((row) => [row.label, ...results.map(row.value)]);
  const widths = head.map((_, i) => Math.max(...[head, ...body].map((cells) => cells[i].length)));
  const fmt = (cells: string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join("  ");
  return [fmt(head), ...body.map(fmt)].join("\n");
}
