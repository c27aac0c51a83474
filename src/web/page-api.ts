/**
 * What the page exposes as window.tricolorPage, for tests: its settings form,
 * its run panes (each with its frames, cells and result) and the clock it
 * measured, and its memory panel. Types only; main.ts sets it.
 */
import type { Controls } from "./controls.js";
import type { RunPane } from "./pane.js";
import type { MemoryPanelRun } from "./memory-panel.js";
import type { ClockInfo } from "./protocol.js";

export interface PageApi {
  controls: Controls;
  panes: () => RunPane[];
  clock: ClockInfo;
  /** Draws the memory panel for these runs (what the page does with finished runs' results). */
  memoryPanel: (runs: readonly MemoryPanelRun[]) => void;
}

declare global {
  interface Window {
    tricolorPage: PageApi;
  }
}
