/**
 * The text report's `memory` section: what the memory analysis found
 * (src/analysis/findings.ts), after the run's summary — silent when there
 * is nothing to say. One function per kind of finding, each returning its
 * lines (none when it has nothing); SECTIONS lists them in order, and a
 * kind that only explains the others (top retainers) prints only when one
 * of them did.
 *
 *   ── memory ──
 *   leak suspect sessions.entry · +327 KiB per cycle over 14 cycles (p < 0.001) · 100,001 objects · 7.8 MiB live · retains 7.8 MiB
 *     global[0] → sessions.head.0 → sessions.entry.0 → (× 99,998 sessions.entry.0) → sessions.entry
 *   top retainer sessions.head (object) · retains 7.8 MiB · 100.0% of the live heap
 *     global[0] → sessions.head
 */
import type { LeakSuspect, MemoryFindings, RetainerPathFinding, TopRetainer } from "../analysis/findings.js";
import { MIN_TREND_POINTS } from "../analysis/trend.js";
import { count, counted, formatBytesShort, pct, plain, type Colors } from "./text.js";

/** Paths printed per suspect at most (the JSON has them all). */
export const PATHS_SHOWN = 3;

/** A p-value as the report prints it: "p < 0.001", else to two significant figures. */
export function formatP(p: number): string {
  return p < 0.001 ? "p < 0.001" : `p = ${Number(p.toPrecision(2))}`;
}

const signed = (bytes: number) => `${bytes >= 0 ? "+" : "−"}${formatBytesShort(Math.round(Math.abs(bytes)))}`;

function pathLines(paths: readonly RetainerPathFinding[], sampled: number): string[] {
  const shown = paths.slice(0, PATHS_SHOWN).map((p) => `  ${p.text}${paths.length > 1 ? ` (${p.objects} of ${count(sampled)} sampled)` : ""}`);
  if (paths.length > PATHS_SHOWN) shown.push(`  … ${counted(paths.length - PATHS_SHOWN, "more path shape")}`);
  return shown;
}

/** One suspect: the line of the issue's format, then its paths. */
export function suspectLines(s: LeakSuspect, c: Colors = plain): string[] {
  const test = s.cycles < MIN_TREND_POINTS ? "too few for a trend test" : formatP(s.pValue);
  const middle = s.signals.includes("middle-third") && !s.signals.includes("trend")
    ? ` · ${count(s.middleThirdObjects)} allocated in the run's middle third still live` : "";
  const line = `leak suspect ${c.bold(s.name)} · ${signed(s.bytesPerCycle)} per cycle over ${counted(s.cycles, "cycle")} (${test}) · ` +
    `${counted(s.liveObjects, "object")} · ${formatBytesShort(s.liveBytes)} live · retains ${formatBytesShort(s.retainedBytes)}${middle}`;
  return [c.red(line), ...pathLines(s.paths, s.sampledObjects)];
}

export function leakLines(f: Partial<MemoryFindings>, c: Colors = plain): string[] {
  return (f.leaks ?? []).flatMap((s) => suspectLines(s, c));
}

export function retainerLines(f: Partial<MemoryFindings>, c: Colors = plain): string[] {
  return (f.retainers ?? []).flatMap((r: TopRetainer) => [
    `top retainer ${c.bold(r.name)} (${r.kind === "object" ? "object" : "site"}) · retains ${formatBytesShort(r.retainedBytes)} · ${pct(r.fraction)} of the live heap`,
    ...(r.path ? [`  ${r.path.text}`] : []),
  ]);
}

/** The section's parts in order; `explains` parts print only when a part that is not one printed. */
export const SECTIONS: { lines: (f: Partial<MemoryFindings>, c: Colors) => string[]; explains?: boolean }[] = [
  { lines: leakLines },
  { lines: retainerLines, explains: true },
];

/** The memory section, or null when the findings say nothing (a clean run, or no analysis). */
export function memoryReport(f: Partial<MemoryFindings>, c: Colors = plain): string | null {
  const parts = SECTIONS.map((s) => ({ s, lines: s.lines(f, c) }));
  if (!parts.some((p) => !p.s.explains && p.lines.length > 0)) return null;
  return [c.bold("── memory ──"), ...parts.flatMap((p) => p.lines)].join("\n");
}
