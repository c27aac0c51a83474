/**
 * GODEBUG=gctrace=1 lines, in Go's format (golang/go src/runtime/mgc.go,
 * gcMarkTermination):
 *
 *   gc 7 @1.234s 3%: 0.011+2.1+0.020 ms clock, 0.011+0.40/1.7/0+0.020 ms cpu, 8->9->4 MB, 9 MB goal, 0 MB stacks, 0 MB globals, 1 P
 *
 * clock: sweep termination + concurrent mark + mark termination, wall.
 * cpu: the same pauses, and the mark split into assist / background / idle
 * time (idle is always 0: the core has no idle processor). Heap: at start ->
 * at mark termination -> marked live, then the goal, in MB (2^20 bytes,
 * truncated, as Go prints them). "1 P": the core is single-threaded.
 * "(forced)" ends the line of a cycle started by runtime.GC() or by an
 * allocation that found the heap full.
 */
import type { CycleRecord } from "./engine.js";

const MB = 1 << 20;
const ms = (ns: number) => fmtMs(ns / 1e6);

/** Go prints these with %v-like precision: short and no trailing noise. */
function fmtMs(v: number): string {
  if (v === 0) return "0";
  if (v >= 100) return v.toFixed(0);
  if (v >= 10) return v.toFixed(1);
  if (v >= 1) return v.toFixed(2).replace(/0$/, "");
  return Number(v.toPrecision(2)).toString();
}

const mb = (bytes: number) => Math.floor(bytes / MB);

/** Tracks cumulative GC time so each line can show its share since the run began. */
export class GcTracer {
  private gcNs = 0;

  constructor(private readonly startNs: number) {}

  /** The gctrace line for `c`. */
  line(c: CycleRecord): string {
    this.gcNs += c.sweepTermNs + c.markTermNs + c.assistNs + c.backgroundNs;
    const elapsed = Math.max(c.endNs - this.startNs, 1);
    const pct = Math.round((100 * this.gcNs) / elapsed);
    const at = ((c.startNs - this.startNs) / 1e9).toFixed(3);
    // For stw the "mark" column is inside the pause: its cpu time is all background-free marking.
    const markCpu = c.assistNs + c.backgroundNs > 0 ? `${ms(c.assistNs)}/${ms(c.backgroundNs)}/0` : `0/${ms(c.markNs)}/0`;
    return (
      `gc ${c.cycle} @${at}s ${pct}%: ${ms(c.sweepTermNs)}+${ms(c.markNs)}+${ms(c.markTermNs)} ms clock, ` +
      `${ms(c.sweepTermNs)}+${markCpu}+${ms(c.markTermNs)} ms cpu, ` +
      `${mb(c.heapStartBytes)}->${mb(c.heapEndBytes)}->${mb(c.heapMarkedBytes)} MB, ${c.heapGoalBytes >= 2 ** 60 ? "∞" : mb(c.heapGoalBytes)} MB goal, ` +
      `${mb(c.stackBytes)} MB stacks, ${mb(c.globalsBytes)} MB globals, 1 P` +
      (c.forced ? " (forced)" : "")
    );
  }
}
