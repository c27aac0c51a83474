/**
 * The page: watch a heap being collected. It wires the settings form
 * (controls.ts) to one run pane per strategy (pane.ts: a worker each, so the
 * page never blocks), redraws the grid and the charts as frames arrive, and
 * fills the counters, every cycle's record, the gctrace lines and the memory
 * panel when the runs are done.
 *
 * Keyboard: Space runs / pauses, N or → steps, Esc stops, whenever the focus
 * is not in a text field or a list; every control is a native form element.
 * Pause and step need shared memory, so a cross-origin isolated page
 * (`tricolor serve`, `npm run web`); elsewhere Run and Stop still work.
 *
 * window.tricolorPage is for tests: the panes, their cells, their results.
 */
import { clockResolutionNs } from "../report/compare.js";
import { STRATEGIES } from "../engine/strategies.js";
import { drawHeap, drawMmu, drawPhases, type Series } from "./charts.js";
import { clockSentence } from "./clock.js";
import { Controls } from "./controls.js";
import { drawSwatch } from "./grid.js";
import { renderMemoryPanel } from "./memory-panel.js";
import { RunPane, setText } from "./pane.js";
import { GRAIN_CALL, type ClockInfo, type PageResult } from "./protocol.js";
import { renderCycles, renderSummary } from "./summary.js";
import type {} from "./page-api.js";

/** Frames carry every slot's colour up to this many slots: about as many cells as the grid can draw one by one at 1024 px. */
const SLOT_LIMIT = 32_000;
/** The preset for step mode: a heap of a few hundred objects whose marks take dozens of steps. */
const SMALL_HEAP = { scenario: "churn", params: { live: 300, goroutines: 3, "stack-depth": 2, steps: 5000 }, memoryLimit: "120KiB", quantum: "8", seed: 3, gogc: "", maxHeap: "16MiB" };

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const isolated = globalThis.crossOriginIsolated === true;
const pageClock: ClockInfo = { resolutionNs: clockResolutionNs(), crossOriginIsolated: isolated };

const controls = new Controls();
const ui = {
  run: $<HTMLButtonElement>("run"),
  step: $<HTMLButtonElement>("step"),
  stop: $<HTMLButtonElement>("stop"),
  status: $<HTMLParagraphElement>("status"),
  error: $<HTMLParagraphElement>("error"),
  panes: $<HTMLElement>("panes"),
};
let panes: RunPane[] = [];
let shownResults = 0;
let renderQueued = false;
let lastCharts = 0;

const active = () => panes.some((p) => !p.finished);
const paused = () => panes.length > 0 && panes.every((p) => p.finished || p.state === "paused");
const grain = () => Number(controls.grain.value);

function showError(message: string | null): void {
  ui.error.hidden = message === null;
  ui.error.textContent = message ?? "";
}

/** New panes (one, or two for a compare) and their runs; paused runs also watch the mutator's calls. */
function start(startPaused: boolean): void {
  showError(null);
  let settings;
  try {
    settings = controls.read();
  } catch (err) {
    showError((err as Error).message);
    return;
  }
  for (const p of panes) p.stop();
  panes = settings.barriers.map((b) => new RunPane(b, scheduleRender));
  shownResults = 0;
  tracesShown = "";
  ui.panes.replaceChildren(...panes.map((p) => p.root));
  ui.panes.classList.toggle("two", panes.length === 2);
  const { barriers: _b, ...common } = settings;
  for (const p of panes) p.start({ ...common, barrier: p.barrier, paused: startPaused, watchCalls: startPaused, slotLimit: SLOT_LIMIT });
  $<HTMLParagraphElement>("time-note").textContent = startPaused
    ? "Time is wall-clock since each run started, and includes the time spent paused."
    : "Time is wall-clock since each run started.";
  scheduleRender();
}

/** Space: start a run, pause it, or let it go on. */
function runOrPause(): void {
  if (!active()) return start(false);
  if (!isolated) return;
  if (paused()) panes.forEach((p) => p.resume());
  else panes.forEach((p) => p.pause());
  scheduleRender();
}

/** N: start a run paused, pause a running one, or take one step. */
function step(): void {
  if (!isolated) return;
  if (!active()) return start(true);
  if (!paused()) panes.forEach((p) => p.pause());
  else for (const p of panes) if (!p.finished) p.step(grain());
}

function stop(): void {
  panes.forEach((p) => p.stop());
  scheduleRender();
}

function scheduleRender(): void {
  if (renderQueued) return;
  renderQueued = true;
  requestAnimationFrame(() => {
    renderQueued = false;
    render();
  });
}

/** The grids in this task; the charts, traces and tables in the next, so a page timer can run between the two. */
function render(): void {
  for (const p of panes) p.render();
  renderButtons();
  setTimeout(renderRest, 0);
}

function renderRest(): void {
  const now = performance.now();
  // Charts redraw once a second while running (the grid is what moves); at once when paused or done.
  if (now - lastCharts > 1000 || paused() || !active()) {
    lastCharts = now;
    drawCharts();
    renderTraces();
  }
  renderResults();
}

function series(): Series[] {
  return panes.map((p) => ({
    label: p.barrier,
    colour: STRATEGIES[p.barrier].colour,
    originNs: p.originNs,
    cycles: p.cycles,
    samples: p.samples,
    mmu: p.result?.mmu ?? null,
  }));
}

function drawCharts(): void {
  const s = series();
  drawPhases($<HTMLCanvasElement>("phases"), s);
  drawHeap($<HTMLCanvasElement>("heap"), s);
  drawMmu($<HTMLCanvasElement>("mmu"), s);
}

let tracesShown = "";

/** gctrace lines and scenario output, one block per run (rebuilt only when a line came: a relayout each time otherwise). */
function renderTraces(): void {
  const key = panes.map((p) => `${p.barrier}:${p.gctrace.length}:${p.lines.length}:${p.gctrace[p.gctrace.length - 1] ?? ""}`).join("|");
  if (key === tracesShown) return;
  tracesShown = key;
  const block = (title: string, lines: readonly string[], barrier: string) => {
    const h = document.createElement("h3");
    h.textContent = title;
    const pre = document.createElement("pre");
    pre.dataset.barrier = barrier;
    pre.textContent = lines.join("\n");
    pre.tabIndex = 0;
    return [h, pre];
  };
  $<HTMLDivElement>("gctrace").replaceChildren(...panes.flatMap((p) => block(p.barrier, p.gctrace, p.barrier)));
  $<HTMLDivElement>("output").replaceChildren(...panes.flatMap((p) => block(p.barrier, p.lines, p.barrier)));
}

/** Counters, cycles and the memory panel, once every run has its result. */
function renderResults(): void {
  const results = panes.map((p) => p.result).filter((r): r is PageResult => r !== null);
  if (active() || results.length === 0 || results.length === shownResults) return;
  shownResults = results.length;
  const clock = panes.find((p) => p.clock)?.clock ?? pageClock;
  renderSummary($<HTMLDivElement>("summary"), results, clock);
  renderCycles($<HTMLDivElement>("cycles"), results);
  renderMemoryPanel($<HTMLDivElement>("memory"), results);
  document.body.dataset.done = String(Date.now());
}

function renderButtons(): void {
  const running = active();
  ui.run.firstChild!.textContent = !running ? "Run " : paused() ? "Resume " : "Pause ";
  ui.run.disabled = running && !isolated;
  ui.step.disabled = !isolated;
  ui.stop.disabled = !running;
  setText(ui.status, statusLine());
}

function statusLine(): string {
  if (panes.length === 0) return "Choose a scenario and press Run, or Step to start paused.";
  const p = panes[0]!;
  const errors = panes.filter((x) => x.error).map((x) => `${x.barrier}: ${x.error}`);
  if (errors.length) return `Failed — ${errors.join("; ")}`;
  if (!active()) return panes.some((x) => x.state === "stopped") ? "Stopped." : "Done. The counters are below.";
  if (paused()) return `Paused at moment ${p.frame?.index ?? 0}. N steps (by ${grain() === GRAIN_CALL ? "mutator operation" : "mark slice"}), Space runs on, Esc stops.`;
  return `Running ${panes.map((x) => x.barrier).join(" and ")}…`;
}

function onKey(ev: KeyboardEvent): void {
  const t = ev.target as HTMLElement;
  if (ev.ctrlKey || ev.metaKey || ev.altKey) return;
  if (t.matches("input:not([type=checkbox]), select, textarea")) return;
  if (ev.key === " " && !t.matches("button, input[type=checkbox], summary")) {
    ev.preventDefault();
    runOrPause();
  } else if (ev.key === "n" || ev.key === "N" || ev.key === "ArrowRight") {
    ev.preventDefault();
    step();
  } else if (ev.key === "Escape") {
    stop();
  }
}

/** A scenario module dropped anywhere on the page is loaded like one chosen with the file field. */
function acceptDrops(): void {
  document.addEventListener("dragover", (ev) => {
    ev.preventDefault();
    document.body.classList.add("dragging");
  });
  document.addEventListener("dragleave", () => document.body.classList.remove("dragging"));
  document.addEventListener("drop", (ev) => {
    ev.preventDefault();
    document.body.classList.remove("dragging");
    const file = ev.dataTransfer?.files[0];
    if (file) controls.loadFile(file).then(() => showError(null), (err: Error) => showError(err.message));
  });
}

function setUp(): void {
  $<HTMLParagraphElement>("clock").textContent = clockSentence(pageClock);
  $<HTMLParagraphElement>("stepping-note").textContent = isolated
    ? "Step starts a run paused. Each step runs to the next GC event (a pause, a stack scan, a mark slice, an assist) or, by mutator operation, also to the next allocation, pointer write or stack operation while marking (in runs started with Step)."
    : "Pause and Step need a cross-origin isolated page (COOP/COEP headers, as `tricolor serve` sends).";
  $<HTMLFormElement>("controls").addEventListener("submit", (ev) => ev.preventDefault());
  ui.run.addEventListener("click", runOrPause);
  ui.step.addEventListener("click", step);
  ui.stop.addEventListener("click", stop);
  $<HTMLButtonElement>("preset").addEventListener("click", () => controls.set(SMALL_HEAP));
  controls.grain.addEventListener("change", () => panes.forEach((p) => p.setGrain(grain())));
  document.addEventListener("keydown", onKey);
  acceptDrops();
  for (const c of document.querySelectorAll<HTMLCanvasElement>(".legend canvas")) drawSwatch(c, Number(c.dataset.colour));
  window.addEventListener("resize", () => {
    for (const p of panes) p.redraw();
    drawCharts();
  });
  renderButtons();
  drawCharts();
  renderSummary($<HTMLDivElement>("summary"), [], pageClock);
  renderMemoryPanel($<HTMLDivElement>("memory"), []);
}

window.tricolorPage = { controls, panes: () => panes, clock: pageClock, memoryPanel: (runs) => renderMemoryPanel($<HTMLDivElement>("memory"), runs) };
setUp();
document.body.dataset.ready = "1";
