/**
 * The text report's `memory` section: what the memory analysis found
 * (src/analysis/findings.ts), at the end of the run's summary — silent when
 * there is nothing to say. One function per kind of finding, each returning
 * its lines (none when it has nothing); SECTIONS lists them in order, and
 * top retainers, which explain leak suspects, print only beside one.
 *
 *   memory   leak suspect sessions.entry · +327 KiB per cycle over 14 cycles (p < 0.001) · 100,001 objects · 7.8 MiB live · retains 7.8 MiB
 *              global[0] → sessions.head.0 → sessions.entry.0 → (× 99,998 sessions.entry.0) → sessions.entry
 *            top retainer sessions.head (object) · retains 7.8 MiB · 100.0% of the live heap
 *              global[0] → sessions.head
 *            3,412 goroutines still running: 3,398 × goroutine-leak.worker (blocked since cycle 2), 21.3 MiB of stacks, retaining 1.8 MiB
 *            escape.local: 600,000 allocated, 9.9% escape to heap (stored in global 0) · the other 90.1% could live on the stack: 27.4 MiB and ~40 of 44 cycles saved
 */
import type { EscapeFinding, GoroutineFinding, LeakSuspect, MemoryFindings, OomFinding, RetainerPathFinding, TopRetainer } from "../analysis/findings.js";
import { MIN_TREND_POINTS } from "../analysis/trend.js";
import { fragmentationText } from "../engine/errors.js";
import { count, counted, formatBytes, formatBytesShort, pct, plain, type Colors } from "./text.js";

/** The section's label, as the summary's other lines are labelled; every further line is indented under it. */
const LABEL = "memory   ";
const INDENT = " ".repeat(LABEL.length);
/** Paths printed per suspect at most (the JSON has them all). */
export const PATHS_SHOWN = 3;
/** Goroutine groups named on the goroutine line; the rest are counted. */
const GROUPS_SHOWN = 4;

/** A p-value as the reports print it: "p < 0.001", else to two significant figures. */
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

export function retainerLines(f: Partial<MemoryFindings>): string[] {
  return (f.retainers ?? []).flatMap((r: TopRetainer) => [
    `top retainer ${r.name} (${r.kind === "object" ? "object" : "site"}) · retains ${formatBytesShort(r.retainedBytes)} · ${pct(r.fraction)} of the live heap`,
    ...(r.path ? [`  ${r.path.text}`] : []),
  ]);
}

/** A label as printed: "(no label)" for goroutines spawned without one. */
const labelText = (label: string) => label || "(no label)";

/** The leaked goroutines: one line in goleak's spirit, then what their frames hold and the count's trend. */
export function goroutineLines(g: GoroutineFinding | undefined): string[] {
  if (!g || g.leaked === 0) return [];
  const shown = g.groups.slice(0, GROUPS_SHOWN).map((x) => `${count(x.count)} × ${labelText(x.label)} (blocked since cycle ${x.blockedSinceCycle})`);
  const rest = g.groups.length - GROUPS_SHOWN;
  if (rest > 0) shown.push(`${count(g.groups.slice(GROUPS_SHOWN).reduce((n, x) => n + x.count, 0))} in ${rest} more groups`);
  const lines = [`${counted(g.leaked, "goroutine")} still running: ${shown.join(", ")}, ${formatBytes(g.stackBytes)} of stacks, retaining ${formatBytes(g.retainedBytes)}`];
  for (const x of g.groups.slice(0, 2)) {
    if (x.sites.length === 0) continue;
    const sites = x.sites.slice(0, 3).map((s) => `${count(s.objects)} × ${s.name} (${formatBytes(s.bytes)})`).join(", ");
    lines.push(`  ${labelText(x.label)} frames hold ${sites}`);
  }
  if (g.growing) lines.push(`  the count grows: +${g.perCycle.toFixed(1)} goroutines per cycle over ${counted(g.trendCycles, "cycle")} (${formatP(g.pValue)})`);
  return lines;
}

/** One `-gcflags=-m`-style line per site of frame locals. */
export function escapeLines(escapes: readonly EscapeFinding[] | undefined): string[] {
  return (escapes ?? []).map((e) => {
    const decided = e.escapedObjects + e.stayedObjects;
    const head = `${e.name}: ${count(e.allocObjects)} allocated`;
    const pending = e.pendingObjects > 0 ? ` · ${count(e.pendingObjects)} not judged yet (frames still live, or no cycle since)` : "";
    if (decided === 0) return head + pending;
    const saved = `${formatBytes(e.savedBytes)} and ~${Math.round(e.savedCycles)} of ${counted(e.cycles, "cycle")} saved`;
    if (e.escapedObjects === 0) return `${head}, none escape · all could live on the stack: ${saved}${pending}`;
    const to = e.escapedTo.length ? e.escapedTo.map((d) => d.to).join(", ") : "none still alive at the end";
    const escaped = `${pct(e.escapedObjects / decided)} escape to heap (stored in ${to})`;
    if (e.stayedObjects === 0) return `${head}, ${escaped}${pending}`;
    return `${head}, ${escaped} · the other ${pct(e.stayedObjects / decided)} could live on the stack: ${saved}${pending}`;
  });
}

/** Out of memory: the request, the heap against its limit, fragmentation, the largest sites and retainers, the stacks. */
export function oomLines(o: OomFinding | undefined): string[] {
  if (!o) return [];
  const what = o.request === "object" ? `an object${o.site ? ` of ${o.site}` : ""}` : o.request ?? "an allocation";
  const lines = [
    `out of memory: ${formatBytes(o.requestedBytes)} for ${what}${o.operation ? ` (${o.operation})` : ""}; heap ${formatBytes(o.heapInUseBytes)} in use of ${formatBytes(o.heapMaxBytes)} max`,
    `  fragmentation: ${fragmentationText(o.fragmentation)}`,
  ];
  if (o.topSites.length) lines.push(`  largest sites: ${o.topSites.map((s) => `${s.name} ${formatBytes(s.bytes)} (${counted(s.objects, "object")})`).join(", ")}`);
  for (const r of o.retainers) lines.push(`  retainer: ${r.name} retains ${formatBytes(r.retainedBytes)} (${pct(r.fraction)}) via ${r.path?.text ?? "?"}`);
  const gs = o.goroutines;
  lines.push(`  goroutine stacks: ${formatBytes(o.stackBytes)}${gs ? ` in ${counted(gs.alive, "goroutine")}` : ""}`);
  return lines;
}

const yellow = (c: Colors) => (lines: string[]) => lines.map((l) => c.yellow(l));

/**
 * The section's parts in order. Top retainers explain leak suspects: they
 * print only beside one (every heap has a largest retainer; on its own it is
 * no finding). An out of memory names its own retainers.
 */
export const SECTIONS: ((f: Partial<MemoryFindings>, c: Colors) => string[])[] = [
  (f, c) => yellow(c)(oomLines(f.oom)),
  (f, c) => {
    const leaks = leakLines(f, c);
    return leaks.length ? [...leaks, ...retainerLines(f)] : [];
  },
  (f, c) => yellow(c)(goroutineLines(f.goroutines)),
  (f, c) => yellow(c)(escapeLines(f.escapes)),
];

/** The memory section, or null when the findings say nothing (a clean run, or no analysis). */
export function memoryReport(f: Partial<MemoryFindings>, c: Colors = plain): string | null {
  const lines = SECTIONS.flatMap((part) => part(f, c));
  return lines.length ? lines.map((l, i) => (i === 0 ? LABEL : INDENT) + l).join("\n") : null;
}
