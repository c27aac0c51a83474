/**
 * One run on the page: its worker, the control words it pauses on, what it
 * has posted (frames, cycles, gctrace lines, output, the result), and its pane
 * — a title, the heap grid, a caption saying what the last step did, and the
 * live counters. Two panes side by side are a compare.
 */
import * as abi from "../../contract/abi.js";
import type { Barrier, CycleRecord } from "../engine/engine.js";
import { STRATEGIES } from "../engine/strategies.js";
import { formatBytes } from "../report/text.js";
import { cellBoxes, drawGrid, layoutGrid, type CellBox, type GridLayout } from "./grid.js";
import { CTL_GEN, CTL_GRAIN, CTL_MODE, CTL_STEPS, CTL_WORDS, MODE_PAUSE, MODE_RUN, type ClockInfo, type Frame, type FromWorker, type Moment, type PageResult, type RunRequest } from "./protocol.js";

export type PaneState = "starting" | "running" | "paused" | "done" | "failed" | "stopped";

/** Sets an element's text only when it changed: every change costs the page a layout. */
export function setText(el: HTMLElement, text: string): void {
  if (el.textContent !== text) el.textContent = text;
}

const hex = (n: number) => `0x${(n >>> 0).toString(16)}`;
const count = (n: number) => n.toLocaleString("en-US");
const MAX_LINES = 400;

export class RunPane {
  readonly root = document.createElement("article");
  private readonly canvas = document.createElement("canvas");
  private readonly caption = document.createElement("p");
  private readonly counts = document.createElement("p");
  private readonly worker: Worker;
  private readonly control: Int32Array | null;
  state: PaneState = "starting";
  clock: ClockInfo | null = null;
  originNs = 0;
  frame: Frame | null = null;
  /** The frame the grid shows now (frames are drawn on the next animation frame after they arrive). */
  drawn: Frame | null = null;
  layout: GridLayout | null = null;
  private cellCache: CellBox[] | null = null;
  cycles: CycleRecord[] = [];
  gctrace: string[] = [];
  lines: string[] = [];
  samples: [number, number, number][] = [];
  result: PageResult | null = null;
  error: string | null = null;
  /** Colours by address at the frame drawn before this one, for "changed". */
  private previous = new Map<number, number>();
  private changed = new Set<number>();
  private dirty = true;

  constructor(readonly barrier: Barrier, private readonly onUpdate: (pane: RunPane) => void) {
    this.root.className = "pane";
    const title = document.createElement("h3");
    const chip = document.createElement("i");
    chip.style.background = STRATEGIES[barrier].colour;
    title.append(chip, `${barrier} — ${STRATEGIES[barrier].label}`);
    this.canvas.className = "grid";
    this.canvas.tabIndex = 0;
    this.canvas.setAttribute("role", "img");
    this.canvas.dataset.barrier = barrier;
    const box = document.createElement("div");
    box.className = "grid-box";
    box.append(this.canvas);
    this.caption.className = "caption";
    this.counts.className = "counts";
    this.root.append(title, box, this.caption, this.counts);
    this.root.dataset.barrier = barrier;
    this.worker = new Worker(new URL("./worker.ts", import.meta.url), { type: "module", name: `tricolor ${barrier}` });
    this.worker.onmessage = (ev: MessageEvent<FromWorker>) => this.receive(ev.data);
    this.worker.onerror = (ev) => this.fail(ev.message || "the engine worker failed to start");
    this.control = globalThis.crossOriginIsolated ? new Int32Array(new SharedArrayBuffer(CTL_WORDS * 4)) : null;
  }

  /** Pausing and stepping need shared memory: a cross-origin isolated page. */
  get canPause(): boolean {
    return this.control !== null;
  }

  start(request: RunRequest): void {
    if (this.control) Atomics.store(this.control, CTL_MODE, request.paused ? MODE_PAUSE : MODE_RUN);
    this.worker.postMessage({ type: "run", run: request, control: this.control?.buffer ?? null });
  }

  private signal(change: (c: Int32Array) => void): void {
    if (!this.control) return;
    change(this.control);
    Atomics.add(this.control, CTL_GEN, 1);
    Atomics.notify(this.control, CTL_GEN);
  }

  pause(): void {
    this.signal((c) => Atomics.store(c, CTL_MODE, MODE_PAUSE));
  }

  resume(): void {
    this.signal((c) => Atomics.store(c, CTL_MODE, MODE_RUN));
    if (this.state === "paused") this.state = "running";
  }

  step(grain: number): void {
    this.signal((c) => {
      Atomics.store(c, CTL_GRAIN, grain);
      Atomics.add(c, CTL_STEPS, 1);
    });
  }

  setGrain(grain: number): void {
    this.signal((c) => Atomics.store(c, CTL_GRAIN, grain));
  }

  /** Ends the run at once: whatever it drew stays. */
  stop(): void {
    this.worker.terminate();
    if (this.state !== "done" && this.state !== "failed") this.state = "stopped";
    this.update();
  }

  get finished(): boolean {
    return this.state === "done" || this.state === "failed" || this.state === "stopped";
  }

  private receive(m: FromWorker): void {
    switch (m.type) {
      case "ready":
        this.clock = m.clock;
        break;
      case "started":
        this.originNs = m.originNs;
        this.state = this.state === "starting" ? "running" : this.state;
        break;
      case "frame":
        this.takeFrame(m.frame);
        break;
      case "cycle":
        this.cycles.push(m.cycle);
        this.gctrace.push(m.gctrace);
        if (this.gctrace.length > MAX_LINES) this.gctrace.shift();
        break;
      case "line":
        this.lines.push(m.text);
        if (this.lines.length > MAX_LINES) this.lines.shift();
        break;
      case "progress":
        break;
      case "done":
        this.result = m.result;
        this.state = "done";
        this.worker.terminate();
        break;
      case "error":
        this.result = m.result;
        this.fail(m.message);
        break;
    }
    this.update();
  }

  private fail(message: string): void {
    this.error = message;
    this.state = "failed";
    this.worker.terminate();
    this.update();
  }

  private takeFrame(f: Frame): void {
    this.frame = f;
    if (f.paused) this.state = "paused";
    else if (this.state === "paused") this.state = "running";
    this.samples.push([f.tMs, f.stats.heapAllocBytes, f.stats.heapGoalBytes]);
    this.dirty = true;
  }

  private update(): void {
    this.onUpdate(this);
  }

  /** Every cell drawn, with its address, place and colour (slots mode; empty when the grid shows one tile per span). */
  get cells(): CellBox[] {
    if (!this.cellCache) this.cellCache = this.frame && this.layout?.mode === "slots" ? cellBoxes(this.frame.map, this.layout) : [];
    return this.cellCache;
  }

  /** Draws the grid again (the window was resized). */
  redraw(): void {
    this.dirty = true;
    this.render();
  }

  /** Redraws the grid and the text, if a frame came since the last time. */
  render(): void {
    if (!this.dirty || !this.frame) {
      this.renderText();
      return;
    }
    this.dirty = false;
    const f = this.frame;
    const width = Math.max(240, Math.floor(this.canvas.parentElement!.clientWidth));
    this.layout = layoutGrid(f.map, width, 520);
    this.cellCache = null;
    // What changed is worth ringing between frames a person looks at (paused ones), not five times a second.
    if (f.paused) {
      this.changed = new Set(this.cells.filter((c) => this.previous.has(c.address) && this.previous.get(c.address) !== c.colour).map((c) => c.address));
      this.previous = new Map(this.cells.map((c) => [c.address, c.colour]));
    } else {
      this.changed = new Set();
      this.previous = new Map();
    }
    drawGrid(this.canvas, f.map, this.layout, { changed: this.changed, lost: new Set(f.lost) });
    this.drawn = f;
    const label = this.gridLabel();
    if (this.canvas.getAttribute("aria-label") !== label) this.canvas.setAttribute("aria-label", label);
    this.renderText();
  }

  private gridLabel(): string {
    const m = this.frame!.map;
    const n = [0, 0, 0, 0];
    for (let k = 0; k < m.spanCount; k++) {
      const e = k * abi.HM_SPAN_WORDS;
      n[abi.COLOUR_WHITE]! += m.spans[e + abi.HMS_WHITE_GREY]! & 0xffff;
      n[abi.COLOUR_GREY]! += m.spans[e + abi.HMS_WHITE_GREY]! >>> 16;
      n[abi.COLOUR_BLACK]! += m.spans[e + abi.HMS_BLACK_FREE]! & 0xffff;
      n[abi.COLOUR_FREE]! += m.spans[e + abi.HMS_BLACK_FREE]! >>> 16;
    }
    return `${this.barrier} heap: ${m.spanCount} spans; slots ${count(n[1]!)} white, ${count(n[2]!)} grey, ${count(n[3]!)} black, ${count(n[0]!)} free${m.marking ? "; marking" : ""}`;
  }

  private renderText(): void {
    setText(this.caption, this.error ? `Failed: ${this.error}` : this.describe());
    const f = this.frame;
    setText(this.counts, f
      ? `moment ${count(f.index)} · cycles ${f.stats.cycles} · heap ${formatBytes(f.stats.heapAllocBytes)} (goal ${f.stats.heapGoalBytes > 0 ? formatBytes(f.stats.heapGoalBytes) : "none"}) · ` +
        `allocated ${count(f.stats.objectsAllocated)} · freed ${count(f.stats.objectsFreed)} · GC work ${count(f.stats.gcWork)} words · lost ${count(f.stats.lostAtMark)}` +
        (f.map.marking ? ` · grey queue ${count(f.map.greyQueue)}` : "")
      : "");
    if (this.root.dataset.state !== this.state) this.root.dataset.state = this.state;
  }

  /** What the last frame shows, in a sentence (the caption of step mode). */
  private describe(): string {
    const f = this.frame;
    if (!f) return this.state === "starting" ? "Starting the engine…" : "";
    const state = this.state === "paused" ? "Paused" : this.state === "done" ? "Done" : this.state === "stopped" ? "Stopped" : "Running";
    const shaded = [...this.changed].filter((a) => this.previous.get(a) === abi.COLOUR_GREY).length;
    return `${state} — ${momentText(f.moment, f, shaded)}`;
  }
}

/** One sentence for a moment. `shaded`: cells that turned grey since the last frame. */
export function momentText(m: Moment, f: Frame, shaded: number): string {
  const grey = f.map.marking ? ` ${count(f.map.greyQueue)} grey on the queue.` : "";
  switch (m.kind) {
    case "start":
      return "before the scenario's first operation: the heap is empty.";
    case "end":
      return "the run is over, after the runner's final collection and sweep.";
    case "step":
      return `after scenario step ${count(m.step)}.${grey}`;
    case "call": {
      const args = m.args.map((a) => (a >= abi.MIN_VALID ? hex(a) : String(a))).join(", ");
      const what = shaded > 0 ? ` ${shaded} object${shaded === 1 ? "" : "s"} turned grey: shaded by the barrier (or the stack rule).` : "";
      return `after ${m.name}(${args}).${what}${grey}`;
    }
    case "event":
      return eventText(m, f) + grey;
  }
}

function eventText(m: Extract<Moment, { kind: "event" }>, f: Frame): string {
  const c = `cycle ${m.cycle}`;
  switch (m.event) {
    case "sweep-termination":
      return `${c} starts: sweep termination, world stopped (${count(m.words)} words). The barrier is on; stacks are grey until scanned.`;
    case "stack-scan":
      return `${c}: the stack of goroutine ${hex(m.goroutine)} was scanned (${count(m.words)} words): it is black now.`;
    case "background":
      return `${c}: a background mark slice scanned ${count(m.objects)} objects (${count(m.words)} words): grey became black, white children became grey.`;
    case "assist":
      return `${c}: a mark assist — an allocation paid its debt with ${count(m.words)} words of marking.`;
    case "mark-termination":
      return `${c}: mark termination, world stopped (${count(m.words)} words). No grey object is left; white is garbage.${f.lost.length ? ` LOST: ${f.lost.length} reachable object(s) were white — the verifier kept them alive (ringed).` : ""}`;
    case "stw-cycle":
      return `${c}: a whole stop-the-world collection in one pause (${count(m.words)} words).`;
  }
}
