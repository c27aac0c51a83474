/**
 * The memory panel: what the host's memory analysis found in each finished
 * run (the shapes of src/analysis/findings.ts, MemoryFindings): leak
 * suspects with their retainer paths, the top retainers, goroutines still
 * alive, escapes, an out-of-memory explained.
 *
 * It draws only findings a run carries (PageResult.memory). A run without
 * them — every run until the analysis computes them — adds nothing, and
 * when no run has any the section is hidden: the panel never shows
 * placeholder or made-up figures.
 */
import type { MemoryFindings, RetainerPathFinding, TopRetainer } from "../analysis/findings.js";
import { count as n, counted, formatBytes, pct } from "../report/text.js";

/** What the panel needs of a run: which strategy, and its findings if the analysis ran. */
export interface MemoryPanelRun {
  config: { barrier: string };
  memory?: MemoryFindings | undefined;
}

function el<K extends keyof HTMLElementTagNameMap>(tag: K, text?: string, cls?: string): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  if (text !== undefined) e.textContent = text;
  if (cls) e.className = cls;
  return e;
}

function pathLines(paths: readonly RetainerPathFinding[]): HTMLElement[] {
  return paths.slice(0, 5).map((p) => {
    const line = el("p", undefined, "path");
    line.append(el("code", p.text), paths.length > 1 ? ` (${counted(p.objects, "object")})` : "");
    return line;
  });
}

function pValueText(p: number): string {
  return p < 0.001 ? "p < 0.001" : `p = ${p.toFixed(3)}`;
}

function retainerRow(r: TopRetainer): string[] {
  return [r.kind === "object" ? `object of ${r.name}` : `site ${r.name}`, formatBytes(r.retainedBytes), pct(r.fraction), r.path?.text ?? ""];
}

function table(head: string[], rows: string[][]): HTMLTableElement {
  const t = el("table");
  t.createTHead().insertRow().append(...head.map((h) => el("th", h)));
  const body = t.createTBody();
  for (const r of rows) {
    const tr = body.insertRow();
    for (const c of r) tr.insertCell().textContent = c;
  }
  return t;
}

/** One run's findings; empty when there is nothing to say (a clean run). */
export function findingsBlock(m: MemoryFindings): HTMLElement[] {
  const out: HTMLElement[] = [];
  for (const s of m.leaks) {
    const head = el("p", undefined, "suspect");
    head.dataset.site = s.name;
    head.append(
      el("strong", `leak suspect ${s.name}`),
      ` · +${formatBytes(Math.round(s.bytesPerCycle))} per cycle over ${s.cycles} cycles (${pValueText(s.pValue)}) · ${counted(s.liveObjects, "object")} · ` +
        `${formatBytes(s.liveBytes)} live · retains ${formatBytes(s.retainedBytes)}` +
        (s.middleThirdObjects > 0 ? ` · ${n(s.middleThirdObjects)} allocated in the middle third still live` : ""),
    );
    out.push(head, ...pathLines(s.paths));
  }
  if (m.retainers.length > 0) {
    out.push(el("h4", "Top retainers (≥ 10% of the heap)"), table(["what", "retains", "of the heap", "path"], m.retainers.map(retainerRow)));
  }
  const g = m.goroutines;
  if (g && g.leaked > 0) {
    const groups = g.groups.map((x) => `${n(x.count)} × ${x.label} (blocked since cycle ${x.blockedSinceCycle})`).join(", ");
    out.push(el("p", `${counted(g.leaked, "goroutine")} still running: ${groups}, ${formatBytes(g.stackBytes)} of stacks, retaining ${formatBytes(g.retainedBytes)}`, "goroutines"));
  }
  for (const e of m.escapes) {
    const share = e.allocObjects > 0 ? e.escapedObjects / e.allocObjects : 0;
    const to = e.escapedTo.map((t) => t.to).join(", ");
    out.push(el("p", `${e.name}: ${n(e.allocObjects)} allocated, ${pct(share)} escape${to ? ` (to ${to})` : ""} · the other ${pct(1 - share)} could live on the stack: ` +
      `${formatBytes(e.savedBytes)} and ~${e.savedCycles} of ${e.cycles} cycles saved`, "escape"));
  }
  if (m.oom) {
    const o = m.oom;
    const f = o.fragmentation;
    out.push(el("p", `out of memory: a request for ${formatBytes(o.requestedBytes)} with ${formatBytes(o.heapInUseBytes)} in use of ${formatBytes(o.heapMaxBytes)} ` +
      `(stacks ${formatBytes(o.stackBytes)}); ${n(f.freePages)} free pages; ${formatBytes(f.freeBytesInPartialSpans)} free inside ${n(f.partialSpans)} part-filled spans`, "oom"));
    if (o.topSites.length > 0) out.push(table(["site", "objects", "bytes"], o.topSites.map((s) => [s.name, n(s.objects), formatBytes(s.bytes)])));
  }
  return out;
}

/** Draws the panel for `runs` into `target`; hides its section when no run has findings. */
export function renderMemoryPanel(target: HTMLElement, runs: readonly MemoryPanelRun[]): void {
  const blocks = runs.flatMap((r) => {
    if (!r.memory) return [];
    const body = findingsBlock(r.memory);
    const box = el("div", undefined, "findings");
    box.dataset.barrier = r.config.barrier;
    box.append(el("h3", r.config.barrier), ...(body.length > 0 ? body : [el("p", "No leak suspect, leaked goroutine, escape or dominant retainer.", "about")]));
    return [box];
  });
  target.replaceChildren(...blocks);
  const section = target.closest("section");
  if (section) section.hidden = blocks.length === 0;
}
