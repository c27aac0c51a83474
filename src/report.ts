/** Text and JSON renderings of a RunResult. */
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

/** The summary printed after a scenario's own lines. */
export function textSummary(r: RunResult): string {
  const p = r.gc.pauses;
  const gogc = r.config.gogc === "off" ? "off" : String(r.config.gogc);
  return [
    `── tricolor · ${r.scenario} · stop-the-world · GOGC=${gogc} · max heap ${formatBytes(r.config.maxHeapBytes)} ──`,
    `gc       ${r.gc.cycles} cycles · pauses total ${formatNs(p.totalNs)} · p50 ${formatNs(p.p50Ns)} · p99 ${formatNs(p.p99Ns)} · max ${formatNs(p.maxNs)}`,
    `work     ${count(r.gc.work.totalWords)} words scanned · max ${count(r.gc.work.maxWords)} in one pause`,
    `heap     peak ${formatBytes(r.heap.peakBytes)} · live ${formatBytes(r.heap.liveBytes)} (${count(r.heap.liveObjects)} objects) after final GC · mapped ${formatBytes(r.heap.mappedBytes)}`,
    `objects  ${count(r.heap.objectsAllocated)} allocated · ${count(r.heap.objectsFreed)} freed`,
    `verify   ${r.verify.lostObjects} lost objects · ${r.verify.integrityErrors} integrity errors`,
    `wall     ${formatNs(r.wallNs)}`,
  ].join("\n");
}

export function jsonReport(r: RunResult): string {
  return JSON.stringify(r, null, 2);
}
