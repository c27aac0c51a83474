/** Text and JSON renderings of one run result, and the number formats every report shares. */
import type { RunResult } from "../run/run.js";
import { STRATEGIES } from "../engine/strategies.js";

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

/** A count with thousands separators, as every report prints counts. */
export const count = (n: number) => n.toLocaleString("en-US");


/** MMU at the window nearest `ns` (the curve is log-spaced). */
export function mmuAt(r: RunResult, ns: number): number {
  let best = r.mmu[0];
  for (const p of r.mmu) if (Math.abs(Math.log(p.windowNs / ns)) < Math.abs(Math.log(best.windowNs / ns))) best = p;
  return best ? best.utilization : 1;
}

/** A fraction as a percentage with one decimal. */
export const pct = (x: number) => `${(100 * x).toFixed(1)}%`;

/** The summary printed after a scenario's own lines: one terminal screen. */
export function textSummary(r: RunResult, c: Colors = plain): string {
  const p = r.gc.pauses;
  const sp = r.gc.stackPauses;
  const gogc = r.config.gogc === "off" ? "off" : String(r.config.gogc);
  const limit = r.config.memoryLimitBytes ? ` · limit ${formatBytes(r.config.memoryLimitBytes)}` : "";
  const lines = [
    c.bold(`── tricolor · ${r.scenario} · ${STRATEGIES[r.config.barrier].label} · GOGC=${gogc}${limit} · max heap ${formatBytes(r.config.maxHeapBytes)} ──`),
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
