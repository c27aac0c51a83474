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
import type { MemoryFindings, TopRetainer } from "../analysis/findings.js";
import { count as n, formatBytes, pct } from "../report/text.js";
import { escapeLines, goroutineLines, oomLines, suspectLines } from "../report/memory.js";

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

/** A retainer path line of the text report ("  global[0] → …"), as a code line. */
function pathLine(line: string): HTMLElement {
  const p = el("p", undefined, "path");
  const m = /^(.*?)( \(\d[\d,]* of [\d,]+ sampled\))?$/.exec(line.trim());
  p.append(el("code", m?.[1] ?? line.trim()), m?.[2] ?? "");
  return p;
}

/** The text report's lines of one finding kind as paragraphs of class `cls`; its indented lines are details (paths). */
function lines(ls: readonly string[], cls: string): HTMLElement[] {
  return ls.map((l) => (l.startsWith("  ") ? (/→/.test(l) ? pathLine(l) : el("p", l.trim(), `${cls} detail`)) : el("p", l, cls)));
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

/**
 * One run's findings, worded as the text report words them (src/report/memory.ts:
 * one description of each finding); empty when there is nothing to say. Top
 * retainers, as there, only beside a leak suspect.
 */
export function findingsBlock(m: MemoryFindings): HTMLElement[] {
  const out: HTMLElement[] = [];
  out.push(...lines(oomLines(m.oom), "oom"));
  if (m.oom && m.oom.topSites.length > 0) out.push(table(["site", "objects", "bytes"], m.oom.topSites.map((s) => [s.name, n(s.objects), formatBytes(s.bytes)])));
  for (const s of m.leaks) {
    const [head = "", ...rest] = suspectLines(s);
    const p = el("p", undefined, "suspect");
    p.dataset.site = s.name;
    p.append(el("strong", head));
    out.push(p, ...rest.map(pathLine));
  }
  if (m.leaks.length > 0 && m.retainers.length > 0) {
    out.push(el("h4", "Top retainers (≥ 10% of the heap)"), table(["what", "retains", "of the heap", "path"], m.retainers.map(retainerRow)));
  }
  out.push(...lines(goroutineLines(m.goroutines), "goroutines"));
  out.push(...lines(escapeLines(m.escapes), "escape"));
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
