/** Text and JSON renderings of run results, and the side-by-side comparison table. */
import type { RunResult } from "./run.js";

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

/** The summary printed after a scenario's own lines. */
export function textSummary(r: RunResult): string {
  const p = r.gc.pauses;
  const sp = r.gc.stackPauses;
  const gogc = r.config.gogc === "off" ? "off" : String(r.config.gogc);
  const limit = r.config.memoryLimitBytes ? ` · limit ${formatBytes(r.config.memoryLimitBytes)}` : "";
  const lines = [
    `── tricolor · ${r.scenario} · ${STRATEGY_LABEL[r.config.barrier]} · GOGC=${gogc}${limit} · max heap ${formatBytes(r.config.maxHeapBytes)} ──`,
    `gc       ${r.gc.cycles} cycles · STW pauses ${p.count} · total ${formatNs(p.totalNs)} · p50 ${formatNs(p.p50Ns)} · p99 ${formatNs(p.p99Ns)} · max ${formatNs(p.maxNs)}`,
    `work     STW max ${count(r.gc.stwWork.maxWords)} words · total mark ${count(r.gc.markWords)} words (assists ${count(r.gc.assistWords)}, background ${count(r.gc.backgroundWords)})`,
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
    `objects  ${count(r.heap.objectsAllocated)} allocated · ${count(r.heap.objectsFreed)} freed`,
    `verify   ${r.verify.lostObjects} lost objects${r.verify.lostAtMark ? ` (caught at mark termination and kept alive)` : ""} · ${r.verify.integrityErrors} integrity errors`,
    `wall     ${formatNs(r.wallNs)}`,
  );
  return lines.join("\n");
}

/** The --json document: the RunResult without its raw timeline (that goes to --trace and --html). */
export function jsonReport(r: RunResult | Record<string, RunResult>): string {
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
  { label: "GC work (words)", value: (r) => count(r.gc.markWords) },
  { label: "  assists", value: (r) => count(r.gc.assistWords) },
  { label: "barrier calls", value: (r) => count(r.barrier.calls) },
  { label: "  objects shaded", value: (r) => count(r.barrier.shaded) },
  { label: "floating garbage", value: (r) => (r.barrier.floatingObjects >= 0 ? count(r.barrier.floatingObjects) : "n/a") },
  { label: "lost objects", value: (r) => count(r.verify.lostObjects) },
  { label: "heap peak", value: (r) => formatBytes(r.heap.peakBytes) },
  { label: "wall", value: (r) => formatNs(r.wallNs) },
];

/** A side-by-side table, one column per strategy. */
export function compareTable(results: readonly RunResult[]): string {
  const head = ["", ...results.map((r) => r.config.barrier)];
  const body = ROWS.map((row) => [row.label, ...results.map(row.value)]);
  const widths = head.map((_, i) => Math.max(...[head, ...body].map((cells) => cells[i].length)));
  const fmt = (cells: string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join("  ");
  return [fmt(head), ...body.map(fmt)].join("\n");
}
