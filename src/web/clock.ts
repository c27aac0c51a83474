/**
 * Timing honesty: the page knows its clock.
 *
 * Browsers coarsen performance.now(): Chromium steps it by 100 µs in an
 * ordinary page and by 5 µs in a cross-origin isolated one (COOP/COEP
 * headers), the same in workers. The worker measures the smallest step it
 * sees (src/report/compare.ts clockResolutionNs) and every wall-clock figure
 * on the page is printed against it: a pause shorter than one step is shown
 * as "< 100 µs (clock resolution)", never as a measured "0 ns", and the
 * deterministic work counts (words scanned), which are exact, stand beside it.
 */
import type { ClockInfo } from "./protocol.js";
import { formatNs } from "../report/text.js";

/** A measured wall-clock duration, or the clock's resolution when it is below it. */
export function wallText(ns: number, clock: ClockInfo, short = false): string {
  if (ns < clock.resolutionNs) return `< ${formatNs(clock.resolutionNs)}${short ? "" : " (clock resolution)"}`;
  return formatNs(ns);
}

/** One sentence on the clock, for the page's header. */
export function clockSentence(clock: ClockInfo): string {
  const step = formatNs(clock.resolutionNs);
  return clock.crossOriginIsolated
    ? `Clock: performance.now() in steps of ${step} (cross-origin isolated). Shorter pauses show as < ${step}; work counts are exact.`
    : `Clock: performance.now() in steps of ${step} — this page is not cross-origin isolated (serve it with COOP/COEP, as \`tricolor serve\` does, for a finer clock, pause and step). Shorter pauses show as < ${step}; work counts are exact.`;
}
