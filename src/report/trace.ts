/**
 * Chrome trace-event JSON (the format chrome://tracing and the Perfetto UI
 * open): one process per run, a thread per track, complete ("X") events in
 * microseconds, heap size as a counter ("C").
 *
 *   track 1  STW pauses        sweep termination, mark termination, stw cycles
 *   track 2  stack scans       one event per goroutine stopped for its scan
 *   track 3  background mark   slices of the background worker's share
 *   track 4  assists           mark work charged to allocations
 *   track 5  mutator           the time between GC events
 *   track 6  GC phases         each cycle, and its concurrent mark phase
 *
 * `tricolor --trace` records every event. A run recorded with bounded lists
 * (src/records.ts) still exports, with a process label saying what it kept.
 */
import type { RunResult } from "../run/run.js";

export interface TraceEvent {
  name: string;
  ph: "X" | "C" | "M";
  pid: number;
  tid?: number;
  ts?: number;
  dur?: number;
  cat?: string;
  args?: Record<string, unknown>;
}

const TRACKS = ["STW pauses", "stack scans", "background mark", "assists", "mutator", "GC phases"] as const;
const TID = Object.fromEntries(TRACKS.map((t, i) => [t, i + 1])) as Record<(typeof TRACKS)[number], number>;

const us = (ns: number, origin: number) => (ns - origin) / 1e3;

/** Trace events for one run, as process `pid`. */
export function traceEvents(r: RunResult, pid = 1): TraceEvent[] {
  const t = r.timeline;
  const o = t.startNs;
  const ev: TraceEvent[] = [
    { name: "process_name", ph: "M", pid, args: { name: `${r.scenario} · ${r.config.barrier}` } },
    ...TRACKS.map((name) => ({ name: "thread_name", ph: "M" as const, pid, tid: TID[name], args: { name } })),
  ];
  const bounded = boundedLabel(r);
  if (bounded) ev.push({ name: "process_labels", ph: "M", pid, args: { labels: bounded } });
  const gc: [number, number][] = [];
  for (const p of t.pauses) {
    ev.push({ name: p.kind, cat: "stw", ph: "X", pid, tid: TID["STW pauses"], ts: us(p.startNs, o), dur: (p.endNs - p.startNs) / 1e3, args: { cycle: p.cycle, words: p.words, stacks: p.stacks, objects: p.objects } });
    gc.push([p.startNs, p.endNs]);
  }
  for (const p of t.stackPauses) {
    ev.push({ name: `scan g${p.goroutine}`, cat: "stack", ph: "X", pid, tid: TID["stack scans"], ts: us(p.startNs, o), dur: (p.endNs - p.startNs) / 1e3, args: { cycle: p.cycle, goroutine: p.goroutine, words: p.words } });
    gc.push([p.startNs, p.endNs]);
  }
  for (const s of t.slices) {
    const track = s.kind === "assist" ? "assists" : "background mark";
    ev.push({ name: s.kind, cat: "mark", ph: "X", pid, tid: TID[track], ts: us(s.startNs, o), dur: (s.endNs - s.startNs) / 1e3, args: { cycle: s.cycle, words: s.words } });
    gc.push([s.startNs, s.endNs]);
  }
  // Mutator slices: the gaps between GC events inside the run.
  gc.sort((a, b) => a[0] - b[0]);
  let at = t.startNs;
  for (const [s, e] of [...gc, [t.endNs, t.endNs] as [number, number]]) {
    if (s > at) ev.push({ name: "mutator", cat: "mutator", ph: "X", pid, tid: TID.mutator, ts: us(at, o), dur: (Math.min(s, t.endNs) - at) / 1e3 });
    at = Math.max(at, e);
    if (at >= t.endNs) break;
  }
  for (const c of r.cycles) {
    ev.push({ name: `GC ${c.cycle}${c.forced ? " (forced)" : ""}`, cat: "cycle", ph: "X", pid, tid: TID["GC phases"], ts: us(c.startNs, o), dur: (c.endNs - c.startNs) / 1e3, args: { heapStart: c.heapStartBytes, heapEnd: c.heapEndBytes, marked: c.heapMarkedBytes, goal: c.heapGoalBytes } });
    ev.push({ name: "heap", ph: "C", pid, ts: us(c.startNs, o), args: { inUse: c.heapStartBytes, goal: c.heapGoalBytes } });
    ev.push({ name: "heap", ph: "C", pid, ts: us(c.endNs, o), args: { inUse: c.heapEndBytes, goal: c.nextGoalBytes, live: c.heapMarkedBytes } });
  }
  return ev;
}

/** What a bounded record left out, or "" when it kept every event. */
function boundedLabel(r: RunResult): string {
  const rec = r.records;
  const parts = (["pauses", "stackPauses", "slices"] as const).filter((k) => rec[k].kept < rec[k].total).map((k) => `${rec[k].kept} of ${rec[k].total} ${k}`);
  return parts.length ? `bounded record: ${parts.join(", ")}` : "";
}

/** The trace file for one run or several (compare: one process per strategy). */
export function traceJson(runs: readonly RunResult[]): string {
  return JSON.stringify({ traceEvents: runs.flatMap((r, i) => traceEvents(r, i + 1)), displayTimeUnit: "ms" });
}
