/**
 * The text report's `memory` section: what the memory analysis found
 * (src/analysis), one function per finding kind, each returning its lines
 * (none when there is nothing to say, so a clean run prints no section).
 *
 *   memory   3,412 goroutines still running: 3,398 × goroutine-leak.worker (blocked since cycle 2), 21.3 MiB of stacks, retaining 1.8 MiB
 *            escape.local: 600,000 allocated, 9.9% escape to heap (stored in global 0) · the other 90.1% could live on the stack: 27.4 MiB and ~40 of 44 cycles saved
 */
import type { RunResult } from "../run/run.js";
import { analyseMemory } from "../analysis/index.js";
import type { EscapeFinding, GoroutineFinding, MemoryFindings, OomFinding } from "../analysis/findings.js";
import { count, formatBytes } from "../metrics/format.js";
import { fragmentationText } from "../engine/errors.js";
import { counted, pct, plain, type Colors } from "./text.js";

const LABEL = "memory   ";
const INDENT = " ".repeat(LABEL.length);
/** Groups named on the goroutine line; the rest are counted. */
const GROUPS_SHOWN = 4;

/** A label as printed: "(no label)" for goroutines spawned without one. */
const labelText = (label: string) => label || "(no label)";

/** A p-value as printed: "p < 0.001", else to two significant digits. */
export function pText(p: number): string {
  return p < 0.001 ? "p < 0.001" : `p = ${p.toPrecision(2)}`;
}

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
  if (g.growing) lines.push(`  the count grows: +${g.perCycle.toFixed(1)} goroutines per cycle over ${counted(g.trendCycles, "cycle")} (${pText(g.pValue)})`);
  return lines;
}

/** One `-gcflags=-m`-style line per site of frame locals. */
export function escapeLines(escapes: readonly EscapeFinding[]): string[] {
  return escapes.map((e) => {
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

/** The section's lines from findings: each finding kind's, the first labelled `memory`. */
export function memoryLines(f: MemoryFindings): string[] {
  const lines = [...oomLines(f.oom), ...goroutineLines(f.goroutines), ...escapeLines(f.escapes)];
  return lines.map((l, i) => (i === 0 ? LABEL : INDENT) + l);
}

/** The memory section of a run's text report: "" when there is nothing to say. */
export function memorySection(r: RunResult, c: Colors = plain): string {
  const lines = memoryLines(analyseMemory(r));
  return lines.length ? c.yellow(lines.join("\n")) : "";
}
