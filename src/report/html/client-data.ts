/**
 * The data the HTML report hands its page script: the JSON inside
 * <script type="application/json" id="tricolor-data">.
 *
 * Types and one constant, importing nothing, so that both sides compile
 * against the same shape: data.ts builds it in Node or a browser, page.ts (compiled for the
 * browser with DOM types only, see tsconfig.page.json) draws it.
 */

/** The id of the JSON data element. */
export const DATA_ELEMENT_ID = "tricolor-data";

/** A chart point: x and y plus per-kind extras (cycle c, kind k, words w, goroutine g). */
export interface Point {
  x: number;
  y: number;
  [k: string]: number | string;
}

/** Histogram bins over a 1-2-5 series: edges in ns, counts per run. */
export interface PauseHistogram {
  edgesNs: number[];
  labels: string[];
  counts: number[][];
}

/** One run as the page draws it; times are ms since the run started, sizes MiB, pauses µs. */
export interface ClientRun {
  label: string;
  /** The label and what the strategy is. */
  title: string;
  color: string;
  xMaxMs: number;
  /** The end of this run's time axis: a round number at or above xMaxMs. */
  xAxisMs: number;
  heap: Point[];
  goal: Point[];
  live: Point[];
  cycleSpans: [number, number][];
  memoryLimitMiB: number;
  pauses: Point[];
  /** All global pauses, when `pauses` holds only the longest MAX_POINTS. */
  pauseCount: number;
  stackPauses: Point[];
  stackPauseCount: number;
  mmu: Point[];
}

export interface ClientData {
  runs: ClientRun[];
  heapMaxMiB: number;
  timeMaxMs: number;
  pauseHist: PauseHistogram;
  stackHist: PauseHistogram;
  /** Decade bounds of the pause timeline's y axis, µs. */
  pauseMinUs: number;
  pauseMaxUs: number;
  /** Per run, its live-by-site chart (memory.ts), or null; absent when no run has one. */
  siteLive?: (ClientSiteLive | null)[];
}

/** The memory panel's chart: live bytes per site after each sampled cycle, in `unit`; the last site may be "N other sites". */
export interface ClientSiteLive {
  cycles: number[];
  unit: string;
  sites: { name: string; color: string; values: number[] }[];
}

/** The canvas id of run `i`'s live-by-site chart. */
export const siteLiveChartId = (i: number) => `site-live-${i}`;
