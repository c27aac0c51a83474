/**
 * The cycle's charts, drawn by hand on canvases (they are redrawn many times
 * a second while a run goes, and need nothing a charting library adds):
 *
 *   phases   one row per run: each cycle's mark as a band in the strategy's
 *            colour, its stop-the-world pauses as dark ticks (at least 1 px
 *            wide, so a 5-µs pause is seen)
 *   heap     heap in use over time, solid, and the pacer's goal, dashed
 *   MMU      minimum mutator utilization over window sizes (log axis), when
 *            a run is done
 *
 * Time is wall-clock ms since each run started; in step mode it includes the
 * time spent looking, which the page says.
 */
import type { CycleRecord } from "../engine/engine.js";
import type { MmuPoint } from "../metrics/mmu.js";
/** An axis tick's duration, to 3 significant digits ("200 µs", "1.5 ms"). */
function formatDuration(ns: number): string {
  if (ns < 1e3) return `${Math.round(ns)} ns`;
  if (ns < 1e6) return `${+(ns / 1e3).toPrecision(3)} µs`;
  if (ns < 1e9) return `${+(ns / 1e6).toPrecision(3)} ms`;
  return `${+(ns / 1e9).toPrecision(3)} s`;
}

/** What one run contributes to the charts. */
export interface Series {
  label: string;
  colour: string;
  originNs: number;
  cycles: readonly CycleRecord[];
  /** (ms, heap bytes, goal bytes) samples from frames. */
  samples: readonly [number, number, number][];
  mmu: readonly MmuPoint[] | null;
}

interface Box {
  left: number;
  top: number;
  right: number;
  bottom: number;
}

const FONT = "12px system-ui, sans-serif";
const AXIS = "#555";
const GRID = "rgba(0,0,0,0.08)";

/** The canvas sized to its box in CSS px (and device pixels), cleared, with the plot area inside margins. */
function prepare(canvas: HTMLCanvasElement, height: number): { ctx: CanvasRenderingContext2D; box: Box; width: number } {
  const width = Math.max(200, Math.floor(canvas.parentElement?.clientWidth ?? 600));
  const dpr = globalThis.devicePixelRatio || 1;
  if (canvas.width !== width * dpr || canvas.height !== height * dpr) {
    canvas.width = width * dpr;
    canvas.height = height * dpr;
    canvas.style.width = `${width}px`;
    canvas.style.height = `${height}px`;
  }
  const ctx = canvas.getContext("2d")!;
  ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
  ctx.clearRect(0, 0, width, height);
  ctx.font = FONT;
  return { ctx, box: { left: 64, top: 10, right: width - 12, bottom: height - 24 }, width };
}

/** A 1-2-5 step for about `n` ticks over `span`. */
function niceStep(span: number, n: number): number {
  const raw = span / n;
  const mag = 10 ** Math.floor(Math.log10(raw || 1));
  for (const m of [1, 2, 5, 10]) if (m * mag >= raw) return m * mag;
  return 10 * mag;
}

function xTicks(ctx: CanvasRenderingContext2D, box: Box, maxMs: number, x: (ms: number) => number): void {
  const step = niceStep(maxMs, 8);
  ctx.fillStyle = AXIS;
  ctx.textAlign = "center";
  for (let t = 0; t <= maxMs + 1e-9; t += step) {
    ctx.fillRect(x(t), box.bottom, 1, 4);
    tickLabel(ctx, box, t === 0 ? "0" : formatDuration(t * 1e6), x(t));
  }
}

/** An x-axis label centred under `x`, kept inside the canvas (the last one would spill past its right edge). */
function tickLabel(ctx: CanvasRenderingContext2D, box: Box, text: string, x: number): void {
  const w = ctx.measureText(text).width;
  const align = ctx.textAlign;
  ctx.textAlign = "left";
  ctx.fillText(text, Math.max(0, Math.min(x - w / 2, box.right + 10 - w)), box.bottom + 16);
  ctx.textAlign = align;
}

function frame(ctx: CanvasRenderingContext2D, box: Box): void {
  ctx.strokeStyle = AXIS;
  ctx.lineWidth = 1;
  ctx.strokeRect(box.left + 0.5, box.top + 0.5, box.right - box.left, box.bottom - box.top);
}

/** The time axis's end: the latest thing any run has drawn, ms. */
function timeSpan(series: readonly Series[]): number {
  let max = 1;
  for (const s of series) {
    for (const c of s.cycles) max = Math.max(max, (c.endNs - s.originNs) / 1e6);
    for (const [t] of s.samples) max = Math.max(max, t);
  }
  return max;
}

/** Phases: per run a row of mark bands and pause ticks. */
export function drawPhases(canvas: HTMLCanvasElement, series: readonly Series[]): void {
  const rowH = 22;
  const { ctx, box } = prepare(canvas, 34 + rowH * Math.max(1, series.length));
  const maxMs = timeSpan(series);
  const x = (ms: number) => box.left + (ms / maxMs) * (box.right - box.left);
  series.forEach((s, row) => {
    const y = box.top + row * rowH + 3;
    ctx.fillStyle = AXIS;
    ctx.textAlign = "right";
    ctx.fillText(s.label, box.left - 6, y + 13);
    for (const c of s.cycles) {
      const t0 = (c.startNs - s.originNs) / 1e6;
      const t1 = (c.endNs - s.originNs) / 1e6;
      ctx.fillStyle = `${s.colour}55`;
      ctx.fillRect(x(t0), y, Math.max(1, x(t1) - x(t0)), rowH - 6);
      ctx.fillStyle = "#222";
      // Sweep termination at the start, mark termination at the end (stw: the whole cycle is its one pause).
      ctx.fillRect(x(t0), y, Math.max(1, x(t0 + c.sweepTermNs / 1e6) - x(t0)), rowH - 6);
      const tEnd = t1 - c.markTermNs / 1e6;
      ctx.fillRect(x(tEnd), y, Math.max(1, x(t1) - x(tEnd)), rowH - 6);
    }
  });
  frame(ctx, box);
  xTicks(ctx, box, maxMs, x);
}

/** Heap in use and goal over time, per run. */
export function drawHeap(canvas: HTMLCanvasElement, series: readonly Series[]): void {
  const { ctx, box } = prepare(canvas, 200);
  const maxMs = timeSpan(series);
  let maxBytes = 0;
  for (const s of series) {
    for (const [, heap, goal] of s.samples) maxBytes = Math.max(maxBytes, heap, goal);
    for (const c of s.cycles) maxBytes = Math.max(maxBytes, c.heapStartBytes, c.heapEndBytes, c.heapGoalBytes);
  }
  if (maxBytes === 0) {
    // Nothing allocated yet: no byte axis to invent.
    frame(ctx, box);
    xTicks(ctx, box, maxMs, (ms) => box.left + (ms / maxMs) * (box.right - box.left));
    ctx.fillStyle = AXIS;
    ctx.textAlign = "center";
    ctx.fillText("the heap appears when a run starts", (box.left + box.right) / 2, (box.top + box.bottom) / 2);
    return;
  }
  maxBytes *= 1.08;
  const x = (ms: number) => box.left + (ms / maxMs) * (box.right - box.left);
  const y = (b: number) => box.bottom - (b / maxBytes) * (box.bottom - box.top);
  yTicksBytes(ctx, box, maxBytes, y);
  for (const s of series) {
    line(ctx, heapPoints(s).map(([t, b]) => [x(t), y(b)]), s.colour, []);
    line(ctx, goalPoints(s).map(([t, b]) => [x(t), y(b)]), s.colour, [5, 4]);
  }
  frame(ctx, box);
  xTicks(ctx, box, maxMs, x);
}

/** Heap in use: each cycle's start and end, and the frames' samples, in time order. */
function heapPoints(s: Series): [number, number][] {
  const pts: [number, number][] = s.samples.map(([t, heap]) => [t, heap]);
  for (const c of s.cycles) {
    pts.push([(c.startNs - s.originNs) / 1e6, c.heapStartBytes], [(c.endNs - s.originNs) / 1e6, c.heapEndBytes]);
  }
  return pts.sort((a, b) => a[0] - b[0]);
}

/** The goal as a step line: each cycle's goal until it ends, then the next one's. */
function goalPoints(s: Series): [number, number][] {
  const pts: [number, number][] = [];
  for (const [t, , goal] of s.samples) if (goal > 0) pts.push([t, goal]);
  for (const c of s.cycles) if (c.nextGoalBytes > 0) pts.push([(c.endNs - s.originNs) / 1e6, c.nextGoalBytes]);
  return pts.sort((a, b) => a[0] - b[0]);
}

function yTicksBytes(ctx: CanvasRenderingContext2D, box: Box, maxBytes: number, y: (b: number) => number): void {
  const mib = maxBytes >= 4 << 20;
  const unit = mib ? 1 << 20 : 1 << 10;
  const step = niceStep(maxBytes / unit, 4) * unit;
  ctx.textAlign = "right";
  for (let b = 0; b <= maxBytes; b += step) {
    ctx.fillStyle = GRID;
    ctx.fillRect(box.left, y(b), box.right - box.left, 1);
    ctx.fillStyle = AXIS;
    ctx.fillText(b === 0 ? "0" : `${+(b / unit).toPrecision(3)} ${mib ? "MiB" : "KiB"}`, box.left - 6, y(b) + 4);
  }
}

function line(ctx: CanvasRenderingContext2D, pts: [number, number][], colour: string, dash: number[]): void {
  if (pts.length === 0) return;
  ctx.save();
  ctx.strokeStyle = colour;
  ctx.lineWidth = 2;
  ctx.setLineDash(dash);
  ctx.beginPath();
  pts.forEach(([px, py], i) => (i === 0 ? ctx.moveTo(px, py) : ctx.lineTo(px, py)));
  ctx.stroke();
  ctx.restore();
}

/** MMU curves, window on a log axis from the smallest window to the largest. */
export function drawMmu(canvas: HTMLCanvasElement, series: readonly Series[]): void {
  const { ctx, box } = prepare(canvas, 200);
  const curves = series.filter((s) => s.mmu && s.mmu.length > 0);
  const windows = curves.flatMap((s) => s.mmu!.map((p) => p.windowNs));
  const lo = Math.log10(Math.min(...windows, 1e4));
  const hi = Math.log10(Math.max(...windows, 1e7));
  const x = (ns: number) => box.left + ((Math.log10(ns) - lo) / (hi - lo || 1)) * (box.right - box.left);
  const y = (u: number) => box.bottom - u * (box.bottom - box.top);
  ctx.textAlign = "right";
  for (const u of [0, 0.25, 0.5, 0.75, 1]) {
    ctx.fillStyle = GRID;
    ctx.fillRect(box.left, y(u), box.right - box.left, 1);
    ctx.fillStyle = AXIS;
    ctx.fillText(`${u * 100}%`, box.left - 6, y(u) + 4);
  }
  ctx.textAlign = "center";
  for (let e = Math.ceil(lo); e <= Math.floor(hi); e++) {
    ctx.fillStyle = AXIS;
    ctx.fillRect(x(10 ** e), box.bottom, 1, 4);
    tickLabel(ctx, box, formatDuration(10 ** e), x(10 ** e));
  }
  for (const s of curves) line(ctx, s.mmu!.map((p) => [x(p.windowNs), y(p.utilization)]), s.colour, []);
  if (curves.length === 0) {
    ctx.fillStyle = AXIS;
    ctx.fillText("the MMU curve appears when the run is done", (box.left + box.right) / 2, (box.top + box.bottom) / 2);
  }
  frame(ctx, box);
}
