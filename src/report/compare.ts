/** The side-by-side comparison table of several runs, and its verdicts. */
import type { RunResult } from "../run/run.js";
import { count, formatBytes, formatNs, mmuAt, pct, plain, type Colors } from "./text.js";

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
