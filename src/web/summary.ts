/**
 * The counters of finished runs, one column per run (a compare puts two side
 * by side), and every cycle's record. Deterministic counts are printed
 * exactly; wall-clock figures through the measured clock (clock.ts), so a
 * pause below its resolution reads "< 5 µs", never a measured 0 ns.
 *
 * Every cell carries data-counter (and data-value, the exact number) so tests
 * read the same numbers a person does and compare them with Node's.
 */
import type { ClockInfo, PageResult } from "./protocol.js";
import { formatBytes, formatNs, pct } from "../report/text.js";
import { wallText } from "./clock.js";

type Cell = { text: string; value?: number };
interface Row {
  key: string;
  label: string;
  sub?: boolean;
  cell: (r: PageResult, clock: ClockInfo) => Cell;
}

const n = (v: number): Cell => ({ text: v.toLocaleString("en-US"), value: v });
const bytes = (v: number): Cell => ({ text: formatBytes(v), value: v });
/** A wall-clock figure; "—" when there was nothing to time. */
const wall = (v: number, count: number, clock: ClockInfo): Cell => (count === 0 ? { text: "—" } : { text: wallText(v, clock, true), value: v });

const ROWS: Row[] = [
  { key: "cycles", label: "cycles", cell: (r) => n(r.gc.cycles) },
  { key: "pauses", label: "STW pauses", cell: (r) => n(r.gc.pauses.count) },
  { key: "pause-p50", label: "p50 wall", sub: true, cell: (r, c) => wall(r.gc.pauses.p50Ns, r.gc.pauses.count, c) },
  { key: "pause-p99", label: "p99 wall", sub: true, cell: (r, c) => wall(r.gc.pauses.p99Ns, r.gc.pauses.count, c) },
  { key: "pause-max", label: "max wall", sub: true, cell: (r, c) => wall(r.gc.pauses.maxNs, r.gc.pauses.count, c) },
  { key: "pause-max-words", label: "max work (words)", sub: true, cell: (r) => n(r.gc.stwWork.maxWords) },
  { key: "pause-total-words", label: "total work (words)", sub: true, cell: (r) => n(r.gc.stwWork.totalWords) },
  { key: "stack-pauses", label: "goroutine pauses", cell: (r) => n(r.gc.stackPauses.count) },
  { key: "stack-pause-max", label: "max wall", sub: true, cell: (r, c) => wall(r.gc.stackPauses.maxNs, r.gc.stackPauses.count, c) },
  { key: "stack-pause-max-words", label: "max work (words)", sub: true, cell: (r) => n(r.gc.stackPauses.maxWords) },
  { key: "work-total", label: "GC work (words)", cell: (r) => n(r.gc.work.totalWords) },
  { key: "work-stw", label: "in pauses", sub: true, cell: (r) => n(r.gc.work.stwWords) },
  { key: "work-background", label: "background", sub: true, cell: (r) => n(r.gc.work.backgroundWords) },
  { key: "work-assist", label: "assists", sub: true, cell: (r) => n(r.gc.work.assistWords) },
  { key: "barrier-calls", label: "barrier calls", cell: (r) => n(r.barrier.calls) },
  { key: "barrier-shaded", label: "objects shaded", sub: true, cell: (r) => n(r.barrier.shaded) },
  { key: "floating", label: "floating garbage", cell: (r) => (r.barrier.floatingObjects < 0 ? { text: "n/a (not verified)" } : n(r.barrier.floatingObjects)) },
  { key: "lost", label: "lost objects", cell: (r) => n(r.verify.lostObjects) },
  { key: "objects-allocated", label: "objects allocated", cell: (r) => n(r.heap.objectsAllocated) },
  { key: "objects-freed", label: "objects freed", cell: (r) => n(r.heap.objectsFreed) },
  { key: "heap-peak", label: "heap peak", cell: (r) => bytes(r.heap.peakBytes) },
  { key: "live", label: "live at the end", cell: (r) => bytes(r.heap.liveBytes) },
  { key: "mutator-units", label: "mutator time (units)", cell: (r) => n(r.gc.mutatorUnits) },
  { key: "gc-share", label: "GC share of mutator time", cell: (r) => ({ text: pct(r.gc.gcWorkFraction), value: r.gc.gcWorkFraction }) },
  { key: "wall", label: "wall", cell: (r, c) => ({ text: wallText(r.wallNs, c, true), value: r.wallNs }) },
];

function td(text: string, attrs: Record<string, string> = {}, cls = ""): HTMLTableCellElement {
  const cell = document.createElement("td");
  cell.textContent = text;
  if (cls) cell.className = cls;
  for (const [k, v] of Object.entries(attrs)) cell.dataset[k] = v;
  return cell;
}

function th(text: string): HTMLTableCellElement {
  const cell = document.createElement("th");
  cell.textContent = text;
  cell.scope = "col";
  return cell;
}

/** The counters table of `runs` (finished or failed with a partial result). */
export function renderSummary(target: HTMLElement, runs: readonly PageResult[], clock: ClockInfo): void {
  if (runs.length === 0) {
    target.replaceChildren(document.createTextNode("The counters appear when a run is done."));
    return;
  }
  const table = document.createElement("table");
  table.id = "counters";
  const head = table.createTHead().insertRow();
  head.append(th(""), ...runs.map((r) => th(r.config.barrier)));
  const body = table.createTBody();
  for (const row of ROWS) {
    const tr = body.insertRow();
    tr.append(td(row.label, {}, row.sub ? "sub" : ""));
    runs.forEach((r) => {
      const c = row.cell(r, clock);
      tr.append(td(c.text, { counter: row.key, barrier: r.config.barrier, ...(c.value !== undefined ? { value: String(c.value) } : {}) }));
    });
  }
  const note = document.createElement("p");
  note.className = "about";
  const r0 = runs[0]!;
  note.textContent = `${r0.scenario} · seed ${r0.config.seed} · ${Object.entries(r0.config.params).map(([k, v]) => `--${k} ${v}`).join(" ")} · GOGC ${r0.config.gogc} · ` +
    `wall figures at the clock's ${formatNs(clock.resolutionNs)} resolution; work counts are exact.${runs.some((r) => r.error) ? " A run that failed is counted up to its failure." : ""}`;
  target.replaceChildren(table, note);
}

/** Every cycle of every run: the pacer's view and the work, one table per run. */
export function renderCycles(target: HTMLElement, runs: readonly PageResult[]): void {
  const tables = runs.map((r) => {
    const table = document.createElement("table");
    table.dataset.barrier = r.config.barrier;
    const caption = table.createCaption();
    caption.textContent = `${r.config.barrier}: ${r.cycles.length} cycles`;
    table.createTHead().insertRow().append(...["cycle", "trigger", "heap start", "heap end", "marked", "marked objects", "goal", "STW work (words)", "lost"].map(th));
    const body = table.createTBody();
    for (const c of r.cycles) {
      const tr = body.insertRow();
      tr.dataset.cycle = String(c.cycle);
      tr.dataset.marked = String(c.heapMarkedBytes);
      tr.append(
        td(String(c.cycle)), td(c.trigger), td(formatBytes(c.heapStartBytes)), td(formatBytes(c.heapEndBytes)),
        td(formatBytes(c.heapMarkedBytes)), td(c.markedObjects.toLocaleString("en-US")), td(c.heapGoalBytes < 0 ? "none" : formatBytes(c.heapGoalBytes)),
        td((c.sweepTermWords + c.markTermWords).toLocaleString("en-US")), td(String(c.lostObjects)),
      );
    }
    return table;
  });
  target.replaceChildren(...tables);
}
