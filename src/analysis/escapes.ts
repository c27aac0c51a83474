/**
 * Escapes, in the spirit of `go build -gcflags=-m`: per allocation site of
 * frame locals (engine.allocLocal), how many escaped their frame — found
 * reachable by the first mark that started after the frame returned, from a
 * global, the heap or another frame (assembly/escapes.ts says why that is
 * exact in one direction and what it approximates in the other) — and what
 * stack allocation of the others would have saved.
 *
 * Bytes: the non-escaping locals' slot bytes, none of which the heap would
 * have had to hold.
 *
 * Cycles, by the pacer's arithmetic. Go's pacer (runtime/mgcpacer.go,
 * gcControllerState.heapGoalInternal; assembly/pacer.ts `commit`) sets the
 * goal after a cycle that marked L live bytes to
 *     G = L + (L + stacks + globals) × GOGC/100,
 * and the next cycle ends when the heap has grown from L to about G (its
 * trigger is earlier, G − runway, but the mutator allocates on through the
 * mark until about G). So every cycle is paid for by G − L bytes of
 * allocation, and a run that allocated A bytes ran about A / (G − L) cycles.
 * Locals that never escape are dead at every mark: moving them to the stack
 * changes neither L nor G, only A — by their bytes S — so it saves
 *     S / (G − L)
 * cycles, with G − L the mean runway (nextGoalBytes − heapMarkedBytes) over
 * the run's cycles, and never more than the cycles the pacer started
 * (forced collections would still run).
 */
import type { RunResult } from "../run/run.js";
import type { EscapeFinding } from "./findings.js";

/** The mean runway (heap goal − marked live heap) after the run's cycles; 0 if none had a goal (GOGC=off without a limit). */
export function meanRunway(r: RunResult): number {
  const runways = r.cycles.filter((c) => c.nextGoalBytes >= 0).map((c) => c.nextGoalBytes - c.heapMarkedBytes);
  return runways.length ? runways.reduce((a, b) => a + b, 0) / runways.length : 0;
}

/** Cycles the pacer started (its trigger), not collect() or a full heap. */
export function pacedCycleCount(r: RunResult): number {
  return r.cycles.filter((c) => c.trigger === "heap").length;
}

/** The escape findings of a run, one per site that allocated frame locals, most allocated bytes first. */
export function escapeFindings(r: RunResult): EscapeFinding[] {
  const raw = r.memoryRaw?.escapes ?? [];
  const runway = meanRunway(r);
  const cycles = pacedCycleCount(r);
  return raw.map((c) => ({
    site: c.site,
    name: c.name,
    allocObjects: c.allocObjects,
    allocBytes: c.allocBytes,
    escapedObjects: c.escapedObjects,
    escapedBytes: c.escapedBytes,
    stayedObjects: c.stayedObjects,
    pendingObjects: c.pendingObjects,
    escapedTo: c.escapedTo,
    savedBytes: c.stayedBytes,
    savedCycles: runway > 0 ? Math.min(cycles, c.stayedBytes / runway) : 0,
    cycles,
  }));
}
