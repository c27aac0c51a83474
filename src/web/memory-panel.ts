/**
 * The memory panel: THE HOOK for the leak analysis (src/analysis: leak
 * suspects, retainers, escapes over run results — built separately).
 *
 * The page calls renderMemoryPanel(target, runs) once per finished run set,
 * with each run's PageResult (a RunResult, plus the heap's composition at the
 * end by size class and by allocation site). Until the analysis lands, the
 * panel shows that composition: where the bytes still live at the end, by
 * site. The analysis replaces the body of this function — or registers a
 * renderer with setMemoryPanelRenderer() — and keeps the signature, so the
 * page needs no other change.
 */
import type { PageResult } from "./protocol.js";
import { formatBytes } from "../report/text.js";

export type MemoryPanelRenderer = (target: HTMLElement, runs: readonly PageResult[]) => void;

let renderer: MemoryPanelRenderer = compositionPanel;

/** Replaces what the memory panel draws (the leak analysis's entry point). */
export function setMemoryPanelRenderer(r: MemoryPanelRenderer): void {
  renderer = r;
}

/** Draws the memory panel for `runs` into `target`. */
export function renderMemoryPanel(target: HTMLElement, runs: readonly PageResult[]): void {
  renderer(target, runs);
}

/** The placeholder: live bytes at the end by allocation site, per run. */
function compositionPanel(target: HTMLElement, runs: readonly PageResult[]): void {
  const intro = document.createElement("p");
  intro.className = "about";
  intro.textContent = "Leak analysis (suspects, retainers, escapes) will appear here. For now: what the heap still holds at the end of each run, by allocation site.";
  const tables = runs.filter((r) => r.composition).map((r) => {
    const table = document.createElement("table");
    table.createCaption().textContent = `${r.config.barrier}: ${formatBytes(r.composition!.heapAllocBytes)} in use at the end`;
    table.createTHead().insertRow().append(...["site", "objects", "bytes"].map((t) => Object.assign(document.createElement("th"), { textContent: t })));
    const body = table.createTBody();
    for (const s of r.composition!.sites.slice(0, 8)) {
      const tr = body.insertRow();
      for (const t of [s.name, s.objects.toLocaleString("en-US"), formatBytes(s.bytes)]) tr.insertCell().textContent = t;
    }
    return table;
  });
  target.replaceChildren(intro, ...tables);
}
