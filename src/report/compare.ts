/**
 * The side-by-side comparison table of several runs, and its verdicts.
 *
 * Every verdict is a row of the table: a verdict is declared on the row it
 * judges, so a reader can always find the figures behind it.
 *
 * The tie rule. Work counts (words, bytes, objects) are exact — the same
 * seed gives the same counts — so any difference between them counts.
 * Wall-clock figures are not: a run's times move with the machine's load,
 * and nothing under the clock's resolution is measured at all. So a
 * wall-clock figure (a time, or a share of a time span such as MMU or the GC
 * CPU share) is a tie with the best unless it differs from it by at least
 * max(10% of the larger of the two, 10 × the clock's resolution) — the 10%
 * is run-to-run noise on a shared machine, the 10 ticks keep a difference of
 * a few ticks from crowning anyone. A share of a span S is judged the same
 * way in time: a difference of d in the share is d·S of time.
 */
import type { RunResult } from "../run/run.js";
import { count, counted, formatBytes, formatNs, mmuAt, mmuPointAt, pct, plain, type Colors } from "./text.js";

/** How a verdict's figure is measured, which decides when two values are a tie. */
type Measure =
  /** Deterministic: any difference counts. */
  | { kind: "exact" }
  /** Wall-clock nanoseconds. */
  | { kind: "wall" }
  /** A share of a wall-clock span, the span's length in ns. */
  | { kind: "share"; spanNs: (r: RunResult) => number };

interface Verdict {
  label: string;
  value: (r: RunResult) => number;
  show: (v: number) => string;
  measure: Measure;
  /** Lower is better unless set. */
  higher?: boolean;
}

interface Row {
  label: string;
  value: (r: RunResult) => string;
  /** The verdict judged on this row's figure, if any. */
  verdict?: Verdict;
}

/** "–" where a figure does not apply to the run's strategy (stw has no barrier and scans no stack on its own). */
const NA = "–";
const unlessStw = (show: (r: RunResult) => string) => (r: RunResult) => (r.config.barrier === "stw" ? NA : show(r));

const words = (v: number) => counted(v, "word");
const EXACT: Measure = { kind: "exact" };
const WALL: Measure = { kind: "wall" };
/** The window mmuAt picks for 1 ms: the span an MMU figure is a share of. */
const mmuWindowNs = (r: RunResult) => mmuPointAt(r, 1e6)?.windowNs ?? 1e6;

const ROWS: Row[] = [
  { label: "cycles", value: (r) => count(r.gc.cycles) },
  { label: "STW pauses", value: (r) => count(r.gc.pauses.count) },
  { label: "  p50 wall", value: (r) => formatNs(r.gc.pauses.p50Ns) },
  { label: "  p99 wall", value: (r) => formatNs(r.gc.pauses.p99Ns), verdict: { label: "p99 STW pause (wall)", value: (r) => r.gc.pauses.p99Ns, show: formatNs, measure: WALL } },
  { label: "  max wall", value: (r) => formatNs(r.gc.pauses.maxNs), verdict: { label: "max STW pause (wall)", value: (r) => r.gc.pauses.maxNs, show: formatNs, measure: WALL } },
  { label: "  max work (words)", value: (r) => count(r.gc.stwWork.maxWords), verdict: { label: "max STW pause (work)", value: (r) => r.gc.stwWork.maxWords, show: words, measure: EXACT } },
  { label: "  total work (words)", value: (r) => count(r.gc.stwWork.totalWords) },
  { label: "goroutine pauses", value: unlessStw((r) => count(r.gc.stackPauses.count)) },
  { label: "  max wall", value: unlessStw((r) => formatNs(r.gc.stackPauses.maxNs)) },
  { label: "  max work (words)", value: unlessStw((r) => count(r.gc.stackPauses.maxWords)) },
  { label: "GC work (words)", value: (r) => count(r.gc.work.totalWords), verdict: { label: "total GC work", value: (r) => r.gc.work.totalWords, show: words, measure: EXACT } },
  { label: "  in STW pauses", value: (r) => count(r.gc.work.stwWords) },
  { label: "  background", value: (r) => count(r.gc.work.backgroundWords) },
  { label: "  assists", value: (r) => count(r.gc.work.assistWords) },
  { label: "GC share (mutator clock)", value: (r) => pct(r.gc.gcWorkFraction) },
  {
    label: "GC CPU share (wall)",
    value: (r) => pct(r.gcCpuFraction),
    verdict: { label: "GC CPU share (wall)", value: (r) => r.gcCpuFraction, show: pct, measure: { kind: "share", spanNs: (r) => r.wallNs } },
  },
  {
    label: "MMU at 1 ms",
    value: (r) => pct(mmuAt(r, 1e6)),
    verdict: { label: "MMU at 1 ms", value: (r) => mmuAt(r, 1e6), show: pct, measure: { kind: "share", spanNs: mmuWindowNs }, higher: true },
  },
  { label: "barrier calls", value: unlessStw((r) => count(r.barrier.calls)) },
  { label: "  objects shaded", value: unlessStw((r) => count(r.barrier.shaded)) },
  { label: "floating garbage", value: (r) => (r.barrier.floatingObjects >= 0 ? count(r.barrier.floatingObjects) : "n/a") },
  { label: "lost objects", value: (r) => count(r.verify.lostObjects) },
  { label: "heap peak", value: (r) => formatBytes(r.heap.peakBytes), verdict: { label: "heap peak", value: (r) => r.heap.peakBytes, show: formatBytes, measure: EXACT } },
  { label: "wall", value: (r) => formatNs(r.wallNs), verdict: { label: "wall time", value: (r) => r.wallNs, show: formatNs, measure: WALL } },
];

const stepOf = (r: RunResult) => (r.error?.step === null || r.error?.step === undefined ? "run()" : String(r.error.step));
/** Shown only when a run failed: the step it stopped at (as the error line names it, no separators: it is an index). */
const FAILED_ROW: Row = { label: "failed at step", value: (r) => (r.error ? stepOf(r) : NA) };

/** The verdicts, in table order. */
export const VERDICTS: readonly Verdict[] = ROWS.flatMap((row) => (row.verdict ? [row.verdict] : []));

/** The table rows, by label, each with its verdict's label (for tests: every verdict has a row). */
export const ROW_LABELS: readonly { label: string; verdict?: string }[] = ROWS.map((r) => ({ label: r.label.trim(), verdict: r.verdict?.label }));

/**
 * The host clock's resolution in ns: the smallest step performance.now() is
 * seen to take. Measured, not assumed: Node's clock steps in well under a
 * microsecond, a browser's in 5–100 µs.
 */
export function clockResolutionNs(samples = 200): number {
  let min = Infinity;
  let last = performance.now();
  for (let seen = 0; seen < samples; ) {
    const t = performance.now();
    if (t === last) continue;
    min = Math.min(min, t - last);
    last = t;
    seen++;
  }
  return min * 1e6;
}

/** True when `a` and `b` are a tie under the rule at the top of this file. */
export function isTie(v: Verdict, a: RunResult, b: RunResult, resolutionNs: number): boolean {
  const x = v.value(a);
  const y = v.value(b);
  const diff = Math.abs(x - y);
  if (diff === 0) return true;
  if (v.measure.kind === "exact") return false;
  const noise = 0.1 * Math.max(Math.abs(x), Math.abs(y));
  // A share is judged in time: 10 ticks of the clock over the span it is a share of.
  const ticks = v.measure.kind === "wall" ? 10 * resolutionNs : (10 * resolutionNs) / Math.max(1, Math.min(v.measure.spanNs(a), v.measure.spanNs(b)));
  return diff < Math.max(noise, ticks);
}

const runLabel = (r: RunResult, withGogc: boolean) => (withGogc ? `${r.config.barrier} @ GOGC=${r.config.gogc}` : r.config.barrier);

/** One verdict line: the best run, or the runs tied with it. */
function verdictLine(v: Verdict, eligible: readonly RunResult[], withGogc: boolean, resolutionNs: number, c: Colors): string {
  const best = eligible.reduce((a, b) => ((v.higher ? v.value(b) > v.value(a) : v.value(b) < v.value(a)) ? b : a));
  // Best first, so a tie's range reads from the best figure to the last one tied with it.
  const tied = eligible.filter((r) => isTie(v, r, best, resolutionNs)).sort((a, b) => (v.higher ? v.value(b) - v.value(a) : v.value(a) - v.value(b)));
  const values = [...new Set(tied.map((r) => v.show(v.value(r))))];
  const shown = values.length === 1 ? values[0] : `${values.at(0)} … ${values.at(-1)}`;
  let who: string;
  if (tied.length === 1) who = c.green(runLabel(best, withGogc));
  else if (tied.length === eligible.length) who = c.dim(values.length === 1 ? "no difference" : "tie: all");
  else who = c.yellow(`tie: ${tied.map((r) => runLabel(r, withGogc)).join(", ")}`);
  return `  ${v.label.padEnd(22)} ${who} (${shown})`;
}

export interface VerdictOptions {
  /** The clock's resolution in ns (default: measured now, clockResolutionNs()). */
  resolutionNs?: number;
}

/**
 * One line per verdict naming the best run, or the runs tied for it. A run
 * that lost objects or failed is not eligible: a fast collector that frees
 * live objects is not a winner, nor is a run that stopped early.
 */
export function verdicts(results: readonly RunResult[], c: Colors = plain, options: VerdictOptions = {}): string {
  const resolutionNs = options.resolutionNs ?? clockResolutionNs();
  const withGogc = new Set(results.map((r) => r.config.gogc)).size > 1;
  const eligible = results.filter((r) => r.verify.lostObjects === 0 && !r.error);
  const lines = [c.bold("verdict")];
  if (eligible.length > 0) for (const v of VERDICTS) lines.push(verdictLine(v, eligible, withGogc, resolutionNs, c));
  for (const r of results.filter((r) => r.verify.lostObjects > 0)) {
    lines.push(c.red(`  ${"unsafe".padEnd(22)} ${runLabel(r, withGogc)} lost ${counted(r.verify.lostObjects, "object")}: excluded from the verdicts`));
  }
  for (const r of results.filter((r) => r.error)) {
    lines.push(c.red(`  ${"failed".padEnd(22)} ${runLabel(r, withGogc)} stopped at step ${stepOf(r)}: excluded from the verdicts`));
  }
  if (eligible.length > 0) lines.push(
    c.dim(`  tie: a wall-clock figure within max(10%, 10 × the clock's ${formatNs(resolutionNs)} resolution)`),
    c.dim(`  of the best; work counts and bytes are exact, so any difference counts`),
  );
  return lines.join("\n");
}

/** A side-by-side table, one column per run (a failed run's column covers it up to its failure). */
export function compareTable(results: readonly RunResult[]): string {
  const rows = results.some((r) => r.error) ? [...ROWS, FAILED_ROW] : ROWS;
  const head = ["", ...results.map((r) => r.config.barrier)];
  const body = rows.map((row) => [row.label, ...results.map(row.value)]);
  const widths = head.map((_, i) => Math.max(...[head, ...body].map((cells) => cells[i].length)));
  const fmt = (cells: string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join("  ");
  return [fmt(head), ...body.map(fmt)].join("\n");
}
