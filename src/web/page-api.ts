/**
 * What the page exposes as window.tricolorPage, for tests: its settings form,
 * its run panes (each with its frames, cells and result) and the clock it
 * measured. Types only; main.ts sets it.
 */
import type { Controls } from "./controls.js";
import type { RunPane } from "./pane.js";
import type { ClockInfo } from "./protocol.js";

export interface PageApi {
  controls: Controls;
  panes: () => RunPane[];
  clock: ClockInfo;
}

declare global {
  interface Window {
    tricolorPage: PageApi;
  }
}
