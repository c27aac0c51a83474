/**
 * The five collector strategies, each described once for everything the host
 * shows: the label of a text report, the description of the HTML report and
 * the CLI's help, and the colour a strategy has in every chart. A new
 * strategy does not compile until it is described here. (What each strategy
 * does is described once too, in the core: assembly/strategy.ts.)
 */

/** The strategies, in the order reports list them; the index is the core's STRATEGY_* number. */
export const BARRIERS = ["stw", "dijkstra", "yuasa", "hybrid", "none"] as const;
export type Barrier = (typeof BARRIERS)[number];

export interface StrategyInfo {
  /** A text report's title: what kind of collector it is. */
  label: string;
  /** One phrase for the HTML report and `--help`: what its barrier does. */
  description: string;
  /** Its colour in every chart (colour-blind-safe palette, Okabe–Ito). */
  colour: string;
}

export const STRATEGIES: Readonly<Record<Barrier, StrategyInfo>> = {
  stw: { label: "stop-the-world", description: "stop-the-world mark and sweep: the whole mark in one pause", colour: "#0072b2" },
  dijkstra: { label: "concurrent · Dijkstra insertion barrier", description: "Dijkstra insertion barrier (Go 1.5–1.7): shade(ptr); written stacks rescanned", colour: "#e69f00" },
  yuasa: { label: "concurrent · Yuasa deletion barrier", description: "Yuasa deletion barrier: shade(*slot); every stack scanned at mark start", colour: "#009e73" },
  hybrid: { label: "concurrent · hybrid barrier (Go 1.8+)", description: "Go's hybrid barrier (Go 1.8+): shade(*slot) and shade(ptr); stacks never rescanned", colour: "#cc79a7" },
  none: { label: "concurrent · NO barrier (unsafe)", description: "no barrier (unsafe): loses objects, which the verifier catches", colour: "#d55e00" },
};
