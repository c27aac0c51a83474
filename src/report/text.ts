/**
 * Text and JSON renderings of one run result, and the number formats every
 * report shares: counts with thousands separators and the noun in the
 * singular for one ("1 cycle", "2,081 objects"), in `run` and `compare` alike.
 */
import type { RunResult } from "../run/run.js";
import { STRATEGIES } from "../engine/strategies.js";
import type { MemStats } from "./memstats.js";
import { count, formatBytes } from "../metrics/format.js";
import { memoryReport } from "./memory.js";
import { runFindings, type AnalysedRun } from "../analysis/index.js";

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

export { formatBytes, count } from "../metrics/format.js";

const UNITS: [bytes: number, unit: string][] = [[2 ** 30, "GiB"], [2 ** 20, "MiB"], [2 ** 10, "KiB"]];

/**
 * A size as a size flag is written, for sizes people set (a heap limit, a
 * default): "1 GiB", "1.5 MiB", "512 B" when it is a whole or half multiple
 * of a binary unit, else as formatBytes rounds it.
 */
export function formatSize(bytes: number): string {
  for (const [unit, name] of UNITS) {
    if (bytes >= unit && (bytes * 2) % unit === 0) return `${bytes / unit} ${name}`;
  }
  return formatBytes(bytes);
}

export function formatNs(ns: number): string {
  if (ns < 1e3) return `${ns.toFixed(0)} ns`;
  if (ns < 1e6) return `${(ns / 1e3).toFixed(1)} µs`;
  if (ns < 1e9) return `${(ns / 1e6).toFixed(2)} ms`;
  return `${(ns / 1e9).toFixed(2)} s`;
}


/** A count and its noun, singular for exactly one: "1 cycle", "0 cycles", "2,081 lost objects" (pass the plural when it is not noun + "s"). */
export function counted(n: number, noun: string, nouns = `${noun}s`): string {
  return `${count(n)} ${n === 1 ? noun : nouns}`;
}

/** The MMU point whose window is nearest `ns` (the curve is log-spaced); undefined for an empty curve. */
export function mmuPointAt(r: RunResult, ns: number): RunResult["mmu"][number] | undefined {
  let best = r.mmu[0];
  for (const p of r.mmu) if (Math.abs(Math.log(p.windowNs / ns)) < Math.abs(Math.log(best.windowNs / ns))) best = p;
  return best;
}

/** MMU at the window nearest `ns`. */
export function mmuAt(r: RunResult, ns: number): number {
  return mmuPointAt(r, ns)?.utilization ?? 1;
}

/** A fraction as a percentage with one decimal. */
export const pct = (x: number) => `${(100 * x).toFixed(1)}%`;

/** The summary printed after a scenario's own lines: one terminal screen. */
export function textSummary(r: RunResult, c: Colors = plain): string {
  const p = r.gc.pauses;
  const sp = r.gc.stackPauses;
  const gogc = r.config.gogc === "off" ? "off" : String(r.config.gogc);
  const limit = r.config.memoryLimitBytes ? ` · limit ${formatSize(r.config.memoryLimitBytes)}` : "";
  const lines = [
    c.bold(`── tricolor · ${r.scenario} · ${STRATEGIES[r.config.barrier].label} · GOGC=${gogc}${limit} · max heap ${formatSize(r.config.maxHeapBytes)} ──`),
    `gc       ${counted(r.gc.cycles, "cycle")} · STW pauses ${count(p.count)} · total ${formatNs(p.totalNs)} · p50 ${formatNs(p.p50Ns)} · p95 ${formatNs(p.p95Ns)} · p99 ${formatNs(p.p99Ns)} · max ${c.bold(formatNs(p.maxNs))}`,
    `work     GC ${counted(r.gc.work.totalWords, "word")} = STW pauses ${count(r.gc.work.stwWords)} + background ${count(r.gc.work.backgroundWords)} + assists ${count(r.gc.work.assistWords)} · GC ${pct(r.gc.gcWorkFraction)} of mutator-clock time`,
    `         STW pause work p50 ${count(r.gc.stwWork.p50Words)} · p99 ${count(r.gc.stwWork.p99Words)} · max ${counted(r.gc.stwWork.maxWords, "word")}`,
  ];
  if (sp.count > 0) {
    lines.push(`stacks   ${counted(sp.count, "goroutine pause")} · p50 ${formatNs(sp.p50Ns)} · p99 ${formatNs(sp.p99Ns)} · max ${formatNs(sp.maxNs)} (${counted(sp.maxWords, "word")})`);
  }
  if (r.config.barrier !== "stw") {
    const floating = r.barrier.floatingObjects >= 0 ? ` · floating garbage ${counted(r.barrier.floatingObjects, "object")}` : "";
    lines.push(`barrier  ${counted(r.barrier.calls, "call")} · ${counted(r.barrier.shaded, "object")} shaded${floating}`);
  }
  lines.push(
    `heap     peak ${formatBytes(r.heap.peakBytes)} · live ${formatBytes(r.heap.liveBytes)} (${counted(r.heap.liveObjects, "object")}) after final GC · mapped ${formatBytes(r.heap.mappedBytes)}`,
    `objects  ${count(r.heap.objectsAllocated)} allocated · ${count(r.heap.objectsFreed)} freed · ${formatBytes(r.allocBytesPerSec)}/s allocated`,
    `cpu      GC ${pct(r.gcCpuFraction)} of wall · MMU 1 ms ${pct(mmuAt(r, 1e6))} · 10 ms ${pct(mmuAt(r, 1e7))} · 100 ms ${pct(mmuAt(r, 1e8))}`,
    (r.verify.lostObjects || r.verify.integrityErrors ? c.red : c.green)(
      `verify   ${counted(r.verify.lostObjects, "lost object")}${r.verify.lostAtMark ? ` (caught at mark termination and kept alive)` : ""} · ${counted(r.verify.integrityErrors, "integrity error")}`,
    ),
    `wall     ${formatNs(r.wallNs)}`,
  );
  if (r.error) lines.push(c.red(`error    ${r.error.message}`));
  // What the memory analysis found (src/node/job.ts attaches it), else what the run's own figures say.
  const memory = memoryReport({ ...runFindings(r), ...(r as AnalysedRun) }, c);
  if (memory) lines.push(memory);
  return lines.join("\n");
}

/** A run's --json document: the RunResult and, for `run`, Go's MemStats view of it. */
export type RunDocument = RunResult & { memstats?: MemStats };

/** Stands in for a uint64 beyond 2^53 while JSON.stringify runs (it refuses BigInt), then becomes the bare number again. */
const BIG = "\u0000uint64:";

/**
 * The --json document: run results without their raw timeline (that goes to
 * --trace and --html). A BigInt (MemStats' NextGC of ^uint64(0): no goal) is
 * written as its exact decimal digits, as Go's encoding/json writes a uint64,
 * so a Go program decodes it into runtime.MemStats unchanged.
 */
export function jsonReport(r: RunDocument | Record<string, RunResult> | Record<string, Record<string, RunResult>>): string {
  const text = JSON.stringify(r, (k, v: unknown) => (k === "timeline" || k === "memoryRaw" ? undefined : typeof v === "bigint" ? BIG + v.toString() : v), 2);
  return text.replace(/"\\u0000uint64:(\d+)"/g, "$1");
}

/**
 * A size in the memory section's style: bytes below 1 KiB ("512 B"), else
 * three significant figures at most — one decimal below 100 of the unit,
 * none from 100 on ("7.8 MiB", "21.3 MiB", "327 KiB").
 */
export function formatBytesShort(n: number): string {
  const a = Math.abs(n);
  if (a < 1024) return `${n} B`;
  for (const [unit, name] of UNITS) {
    if (a >= unit) {
      const v = n / unit;
      return `${Math.abs(v) >= 99.95 ? v.toFixed(0) : v.toFixed(1)} ${name}`;
    }
  }
  return `${n} B`;
}
