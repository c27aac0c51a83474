/**
 * The heap, live: spans as tiles in address order, each slot a cell coloured
 * white / grey / black / free, drawn into a canvas from a heap map frame.
 *
 * Colours are lightness (white, mid grey, near black, and free slots as the
 * tile's pale background), so they read the same under every colour-vision
 * deficiency; grey also carries a pattern (light diagonals in the cell's
 * upper-left half) so it is told from white and black without seeing
 * colour at all. Highlights use the Okabe–Ito pair sky blue (changed since
 * the last frame) and vermillion (lost: the verifier found it reachable but
 * white at mark termination). Stacks are tiles of one big cell with a dashed
 * blue border: grey until the mark scans them, black after.
 *
 * Pixels are written straight into ImageData (no anti-aliasing), so a test
 * can read a cell's colour back from the canvas: the bottom-right pixel of
 * every cell is its plain fill (cellSample gives its position).
 *
 * Heaps with more slots than fit are drawn one tile per span, split into
 * bands by how many of its slots have each colour.
 */
import * as abi from "../../contract/abi.js";
import { mapSpan, type HeapMapSnapshot } from "../engine/inspect.js";

/** RGB of each colour, by abi.COLOUR_*. */
export const COLOUR_RGB: Record<number, [number, number, number]> = {
  [abi.COLOUR_FREE]: [0xc9, 0xd3, 0xdd],
  [abi.COLOUR_WHITE]: [0xff, 0xff, 0xff],
  [abi.COLOUR_GREY]: [0x8c, 0x8c, 0x8c],
  [abi.COLOUR_BLACK]: [0x1a, 0x1a, 0x1a],
};
export const COLOUR_NAMES: Record<number, string> = { [abi.COLOUR_FREE]: "free", [abi.COLOUR_WHITE]: "white", [abi.COLOUR_GREY]: "grey", [abi.COLOUR_BLACK]: "black" };
const HATCH: [number, number, number] = [0xe4, 0xe4, 0xe4];
const BACKGROUND: [number, number, number] = [0xb4, 0xbf, 0xca];
const CHANGED = "#56b4e9";
const LOST = "#d55e00";
const STACK = "#0072b2";
const GAP = 4; // px between tiles

/** One cell's place on the canvas (CSS px). */
export interface CellBox {
  address: number;
  x: number;
  y: number;
  size: number;
  colour: number;
  kind: "small" | "large" | "stack";
  goroutine: number;
}

interface Tile {
  span: number;
  x: number;
  y: number;
  cols: number;
  nelems: number;
  big: boolean;
}

export interface GridLayout {
  mode: "slots" | "spans";
  /** Cell pitch in px (a cell is pitch − 1 wide, then a 1-px gap). */
  pitch: number;
  width: number;
  height: number;
  tiles: Tile[];
}

/** Slot columns of a span's tile: 32 for the many-slot classes, fewer for few slots. */
const colsFor = (nelems: number) => Math.min(32, nelems);

/** Places the tiles with cell pitch `pitch` in rows of `width` px; the height they need. */
function place(map: HeapMapSnapshot, pitch: number, width: number): { tiles: Tile[]; height: number } {
  const tiles: Tile[] = [];
  let x = GAP;
  let y = GAP;
  let shelf = 0;
  for (let k = 0; k < map.spanCount; k++) {
    const s = mapSpan(map, k);
    // A one-slot span (a large object, a stack) is one big cell, 2 × 2 pitches.
    const big = s.nelems === 1;
    const cols = big ? 2 : colsFor(s.nelems);
    const rows = big ? 2 : Math.ceil(s.nelems / cols);
    const w = cols * pitch;
    if (x + w > width - GAP && x > GAP) {
      x = GAP;
      y += shelf + GAP;
      shelf = 0;
    }
    tiles.push({ span: k, x, y, cols, nelems: s.nelems, big });
    x += w + GAP;
    shelf = Math.max(shelf, rows * pitch);
  }
  return { tiles, height: y + shelf + GAP };
}

/** The largest cell pitch at which the whole heap fits `maxHeight`; per-span tiles if none does. */
export function layoutGrid(map: HeapMapSnapshot, width: number, maxHeight: number): GridLayout {
  if (map.colours.length === map.slotCount) {
    for (const pitch of [12, 10, 8, 7, 6, 5, 4]) {
      const { tiles, height } = place(map, pitch, width);
      if (height <= maxHeight) return { mode: "slots", pitch, width, height, tiles };
    }
  }
  // Per-span tiles: as large as the height allows, so a few dozen spans still make a picture.
  for (const pitch of [24, 16, 12, 10, 8, 6, 5, 4, 3, 2]) {
    const perRow = Math.floor((width - GAP) / pitch);
    const height = Math.ceil(map.spanCount / perRow) * pitch + 2 * GAP;
    if (height <= maxHeight || pitch === 2) return { mode: "spans", pitch, width, height, tiles: [] };
  }
  throw new Error("unreachable");
}

/** The position of slot `i` of a tile's span. */
function slotBox(t: Tile, i: number, pitch: number): { x: number; y: number; size: number } {
  if (t.big) return { x: t.x, y: t.y, size: 2 * pitch - 1 };
  return { x: t.x + (i % t.cols) * pitch, y: t.y + Math.floor(i / t.cols) * pitch, size: pitch - 1 };
}

/** Every cell of a slot layout, with its address and colour (what tests read the canvas at). */
export function cellBoxes(map: HeapMapSnapshot, layout: GridLayout): CellBox[] {
  const out: CellBox[] = [];
  for (const t of layout.tiles) {
    const s = mapSpan(map, t.span);
    for (let i = 0; i < s.nelems; i++) {
      const b = slotBox(t, i, layout.pitch);
      out.push({ ...b, address: s.base + i * s.elemBytes, colour: map.colours[s.firstSlot + i]!, kind: s.kind, goroutine: s.goroutine });
    }
  }
  return out;
}

/** The pixel (CSS px) a test reads a cell's plain fill at. */
export function cellSample(c: { x: number; y: number; size: number }): { x: number; y: number } {
  return { x: c.x + c.size - 1, y: c.y + c.size - 1 };
}

/** Fills a `size`-px square at (x, y) of `img` with `rgb`, hatched when grey. */
function fillCell(img: ImageData, x: number, y: number, size: number, colour: number): void {
  const rgb = COLOUR_RGB[colour]!;
  const { data: d, width: w } = img;
  for (let dy = 0; dy < size; dy++) {
    for (let dx = 0; dx < size; dx++) {
      const hatch = colour === abi.COLOUR_GREY && dx + dy < size - 1 && (dx + dy) % 3 === 0;
      const [r, g, b] = hatch ? HATCH : rgb;
      const o = ((y + dy) * w + x + dx) * 4;
      d[o] = r;
      d[o + 1] = g;
      d[o + 2] = b;
      d[o + 3] = 255;
    }
  }
}

/** A plain rectangle of `rgb` into `img`, clipped to it. (ImageData's properties are DOM getters: read once, not per pixel.) */
function fillRect(img: ImageData, x: number, y: number, w: number, h: number, rgb: [number, number, number]): void {
  const { data, width, height } = img;
  const [r, g, b] = rgb;
  const x0 = Math.max(0, x);
  const x1 = Math.min(width, x + w);
  for (let yy = Math.max(0, y); yy < y + h && yy < height; yy++) {
    for (let o = (yy * width + x0) * 4, end = (yy * width + x1) * 4; o < end; o += 4) {
      data[o] = r;
      data[o + 1] = g;
      data[o + 2] = b;
      data[o + 3] = 255;
    }
  }
}

export interface Highlights {
  /** Addresses whose colour changed since the previous frame. */
  changed: ReadonlySet<number>;
  /** Addresses the verifier found lost at the last mark termination. */
  lost: ReadonlySet<number>;
}

/** The canvas's pixel size and its size on the page (CSS px; a width may be "100%"). */
function size(canvas: HTMLCanvasElement, w: number, h: number, cssWidth: string, cssHeight: number): void {
  if (canvas.width !== w) canvas.width = w;
  if (canvas.height !== h) canvas.height = h;
  if (canvas.style.width !== cssWidth) canvas.style.width = cssWidth;
  if (canvas.style.height !== `${cssHeight}px`) canvas.style.height = `${cssHeight}px`;
}

/** One pixel buffer per canvas, reused while its size stays: a frame comes five times a second. */
const buffers = new WeakMap<HTMLCanvasElement, ImageData>();

function bufferFor(canvas: HTMLCanvasElement, ctx: CanvasRenderingContext2D): ImageData {
  let img = buffers.get(canvas);
  if (!img || img.width !== canvas.width || img.height !== canvas.height) {
    img = ctx.createImageData(canvas.width, canvas.height);
    buffers.set(canvas, img);
  }
  return img;
}

/** Draws `map` into `canvas` with `layout` (its size is set here). No object per cell: a frame may have 30,000. */
export function drawGrid(canvas: HTMLCanvasElement, map: HeapMapSnapshot, layout: GridLayout, marks: Highlights): void {
  if (layout.mode === "spans") return drawSpanTiles(canvas, map, layout);
  size(canvas, layout.width, layout.height, "100%", layout.height);
  const ctx = canvas.getContext("2d")!;
  const img = bufferFor(canvas, ctx);
  fillRect(img, 0, 0, layout.width, layout.height, BACKGROUND);
  const p = layout.pitch;
  for (const t of layout.tiles) {
    // The tile's own background: a free slot is this colour.
    const rows = t.big ? 2 : Math.ceil(t.nelems / t.cols);
    fillRect(img, t.x - 1, t.y - 1, t.cols * p + 1, rows * p + 1, COLOUR_RGB[abi.COLOUR_FREE]!);
    const first = map.spans[t.span * abi.HM_SPAN_WORDS + abi.HMS_COLOURS]!;
    for (let i = 0; i < t.nelems; i++) {
      const colour = map.colours[first + i]!;
      if (colour === abi.COLOUR_FREE) continue;
      const b = slotBox(t, i, p);
      fillCell(img, b.x, b.y, b.size, colour);
    }
  }
  ctx.putImageData(img, 0, 0);
  outline(ctx, map, layout, marks);
}

/** Stack tiles get a dashed border; changed and lost cells a ring. */
function outline(ctx: CanvasRenderingContext2D, map: HeapMapSnapshot, layout: GridLayout, marks: Highlights): void {
  ctx.save();
  const rings = marks.changed.size > 0 || marks.lost.size > 0;
  for (const t of layout.tiles) {
    const e = t.span * abi.HM_SPAN_WORDS;
    if ((map.spans[e + abi.HMS_KIND]! & 0xff) === abi.HMK_STACK) ring(ctx, slotBox(t, 0, layout.pitch), STACK, 1, [2, 2]);
    if (!rings) continue;
    const base = map.spans[e + abi.HMS_BASE]!;
    const elem = map.spans[e + abi.HMS_ELEM_BYTES]!;
    for (let i = 0; i < t.nelems; i++) {
      const a = base + i * elem;
      if (marks.changed.has(a)) ring(ctx, slotBox(t, i, layout.pitch), CHANGED, 1, []);
      if (marks.lost.has(a)) ring(ctx, slotBox(t, i, layout.pitch), LOST, 2, []);
    }
  }
  ctx.restore();
}

/** A ring of `width` px just outside cell `c`: on its gap pixels, never on its fill. */
function ring(ctx: CanvasRenderingContext2D, c: { x: number; y: number; size: number }, colour: string, width: number, dash: number[]): void {
  ctx.strokeStyle = colour;
  ctx.lineWidth = width;
  ctx.setLineDash(dash);
  const o = width / 2;
  ctx.strokeRect(c.x - o, c.y - o, c.size + 2 * o, c.size + 2 * o);
}

/** Bands per span tile in a big heap's per-span view: its colours to the nearest eighth. */
const BANDS = 8;
/** Up to this many pixels the per-span view is drawn at full size (1-px gaps between tiles); beyond, small and scaled up. */
const FULL_SIZE_PIXELS = 300_000;

/**
 * One tile per span, banded bottom-up black, grey, white, free by its
 * counts. A heap of thousands of spans is drawn at one pixel by BANDS per
 * span and scaled up by the page (pixelated): a few thousand pixels a frame
 * for the page's thread, not a screenful.
 */
function drawSpanTiles(canvas: HTMLCanvasElement, map: HeapMapSnapshot, layout: GridLayout): void {
  const p = layout.pitch;
  const perRow = Math.floor((layout.width - GAP) / p);
  const rows = Math.max(1, Math.ceil(map.spanCount / perRow));
  const full = perRow * p * rows * p <= FULL_SIZE_PIXELS;
  // Tile pitch and band area in canvas pixels.
  const [tw, th, bw, bh] = full ? [p, p, p - 1, p - 1] : [1, BANDS, 1, BANDS];
  size(canvas, perRow * tw, rows * th, `${perRow * p}px`, rows * p);
  const ctx = canvas.getContext("2d")!;
  const img = bufferFor(canvas, ctx);
  fillRect(img, 0, 0, img.width, img.height, BACKGROUND);
  for (let k = 0; k < map.spanCount; k++) {
    const s = mapSpan(map, k);
    const x = (k % perRow) * tw;
    const y = Math.floor(k / perRow) * th;
    let from = bh;
    for (const [colour, n] of [[abi.COLOUR_BLACK, s.black], [abi.COLOUR_GREY, s.grey], [abi.COLOUR_WHITE, s.white]] as const) {
      const h = Math.round((n / s.nelems) * bh);
      fillRect(img, x, y + from - h, bw, h, COLOUR_RGB[colour]!);
      from -= h;
    }
    if (from > 0) fillRect(img, x, y, bw, from, COLOUR_RGB[abi.COLOUR_FREE]!);
  }
  ctx.putImageData(img, 0, 0);
}

/** Draws a legend swatch of `colour` (the same painter as the grid). */
export function drawSwatch(canvas: HTMLCanvasElement, colour: number): void {
  const size = canvas.width;
  const ctx = canvas.getContext("2d")!;
  const img = ctx.createImageData(size, size);
  fillCell(img, 0, 0, size, colour);
  ctx.putImageData(img, 0, 0);
}
