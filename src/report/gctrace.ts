/**
 * GODEBUG=gctrace=1 and GODEBUG=gcpacertrace=1 lines, byte for byte in Go
 * 1.19's format.
 *
 * gctrace, one line per cycle (runtime/mgc.go, gcMarkTermination):
 *
 *   gc 7 @1.234s 3%: 0.011+2.1+0.020 ms clock, 0.011+0.40/1.7/0+0.020 ms cpu, 8->9->4 MB, 9 MB goal, 0 MB stacks, 0 MB globals, 1 P
 *
 *   gc N        the cycle number
 *   @S.sss s    when the cycle began, since the run started: whole
 *               milliseconds (truncated) printed as seconds by itoaDiv(ms, 3)
 *   P%          int(gc_cpu_fraction*100), truncated: all GC CPU time so far
 *               over all time so far, up to the end of this cycle
 *   clock       sweep termination + mark + mark termination, wall time
 *   cpu         sweep termination + assist/background/idle + mark
 *               termination. Every duration is printed by fmtNSAsMS
 *   MB          heap at start -> at mark termination -> marked live, then
 *               the goal, the stack and global scan sizes, all >>20
 *   1 P         GOMAXPROCS; the core is single-threaded
 *   (forced)    only for runtime.GC() cycles (Engine.collect())
 *
 * gcpacertrace, two lines per cycle (runtime/mgcpacer.go):
 *
 *   pacer: assist ratio=+2.500000e-001 (scan 5 MB in 23->28 MB) workers=0++2.500000e-001
 *   pacer: 45% CPU (25 exp.) for 471312+3243640+2318704 B work (5994400 B exp.) in 7047959 B -> 9258952 B (∆goal 12824, cons/mark -2.982447e-001)
 *
 * The first is startCycle's, printed at mark start: the assist ratio, the
 * scannable heap, heap at start -> goal (MB), and the dedicated + fractional
 * mark workers (the fraction is a float with its own sign, hence "++"). The
 * second is endCycle's, printed at mark termination, before the gctrace
 * line: measured and expected mark CPU (%), heap + stack + globals scan work
 * done and expected (bytes), heapLive at the trigger and at the end, how far
 * the end overshot the goal, and the cons/mark ratio the cycle was paced
 * with. Floats are runtime/print.go printfloat's "+d.dddddde±ddd".
 *
 * How the fixtures were captured (tests/fixtures/go/capture.sh, run once with
 * go1.19.8 linux/amd64): tests/fixtures/go/gcprog.go was run with
 * GOMAXPROCS=1 GODEBUG=gctrace=1,gcpacertrace=1 (and again adding
 * gcstoptheworld=1) and its stderr kept; the runtime's own itoaDiv,
 * fmtNSAsMS and printfloat were copied out of GOROOT into a throwaway main
 * package and run over boundary and random inputs, giving the .tsv tables
 * tests/gctrace.test.ts replays against the ports below.
 *
 * Where tricolor's lines deliberately differ from Go 1.19's:
 *   - No goal (GOGC=off without a memory limit; the record says -1) prints
 *     ^uint64(0)>>20 = 17592186044415, what Go 1.18 and earlier print. Go
 *     1.19 caps even that goal by the default memory limit (math.MaxInt64
 *     less the runtime's non-heap memory, mgcpacer.go memoryLimitHeapGoal),
 *     so the fixture shows a run-dependent value such as 8796093022189.
 *   - The idle slot of the cpu field is always 0 (the core has no idle P);
 *     Go's runtime.GC() cycles often show idle mark time there.
 *   - The stw strategy marks inside its one pause. It is printed as Go's
 *     GODEBUG=gcstoptheworld=1 prints it: the mark in the clock field's
 *     middle and in the background slot, counted as GC CPU, and
 *     "workers=1++0.000000e+000" (startCycle: "In STW mode, we just want
 *     dedicated workers").
 *   - Go's third pacer line, "pacer: sweep done at heap size ..."
 *     (mgcsweep.go, sweepone), is not printed, nor endCycle's
 *     "[controller reset]": the core has neither event.
 *   - Durations arrive as float nanoseconds; they are truncated to whole
 *     nanoseconds, and a negative one (which Go would wrap) prints as 0.
 */
import type { Barrier, CycleRecord } from "../engine/engine.js";

/** ^uint64(0)>>20: the MB goal Go prints when there is no goal. */
export const NO_GOAL_MB = "17592186044415";
/** Goals at or above this are the core's image of "no goal" (u64 max as f64). */
const NO_GOAL_FROM = 2 ** 60;

// ── Ports of the runtime's formatting ─────────────────────────────────────

/** A non-negative integer from a float count of bytes or nanoseconds (Go's uint64 conversion, saturating at 0). */
const u64 = (x: number): number => (Number.isFinite(x) && x > 0 ? Math.floor(x) : 0);

/** A uint64 as a bigint, so the ports below are exact past 2^53 as Go's are. */
const big = (x: number | bigint): bigint => (typeof x === "bigint" ? (x > 0n ? x : 0n) : BigInt(u64(x)));

/** Decimal text of a whole number, never in exponent notation (runtime/print.go printint/printuint). */
function decimal(x: number): string {
  return Number.isFinite(x) ? BigInt(Math.trunc(x)).toString() : "0";
}

/**
 * Go's itoaDiv (runtime/mgc.go): val in decimal, with a '.' before the last
 * `dec` digits. Zero-pads to dec+1 digits; with dec=0 and val<10 it yields
 * two digits ("05"), a quirk gctrace never reaches.
 */
export function itoaDiv(val: number | bigint, dec: number): string {
  let v = big(val);
  let out = "";
  let i = 0; // characters written, from the right (Go's len(buf)-1-i)
  while (v >= 10n || i <= dec) {
    out = String(v % 10n) + out;
    i++;
    if (i === dec) {
      out = "." + out;
      i++;
    }
    v /= 10n;
  }
  return String(v) + out;
}

/**
 * Go's fmtNSAsMS (runtime/mgc.go): ns as milliseconds — whole from 10 ms,
 * below that two significant digits with at most three decimals, "0" under
 * 1 µs.
 */
export function fmtNSAsMS(ns: number | bigint): string {
  const n = big(ns);
  if (n >= 10_000_000n) return itoaDiv(n / 1_000_000n, 0);
  let x = n / 1000n;
  if (x === 0n) return "0";
  let dec = 3;
  while (x >= 100n) {
    x /= 10n;
    dec--;
  }
  return itoaDiv(x, dec);
}

/**
 * Go's printfloat (runtime/print.go), what print(float64) writes: sign, seven
 * significant digits, "e", sign, three exponent digits. The arithmetic is
 * Go's, step for step, so the rounding is too.
 */
export function printfloat(value: number): string {
  let v = value;
  if (v !== v) return "NaN";
  if (v + v === v && v > 0) return "+Inf";
  if (v + v === v && v < 0) return "-Inf";
  const n = 7; // digits printed
  let sign = "+";
  let e = 0;
  if (v === 0) {
    if (1 / v < 0) sign = "-";
  } else {
    if (v < 0) {
      v = -v;
      sign = "-";
    }
    while (v >= 10) {
      e++;
      v /= 10;
    }
    while (v < 1) {
      e--;
      v *= 10;
    }
    let h = 5.0;
    for (let i = 0; i < n; i++) h /= 10;
    v += h;
    if (v >= 10) {
      e++;
      v /= 10;
    }
  }
  let digits = "";
  for (let i = 0; i < n; i++) {
    const s = Math.trunc(v);
    digits += String(s);
    v -= s;
    v *= 10;
  }
  const es = e < 0 ? "-" : "+";
  const ea = Math.abs(e);
  return `${sign}${digits[0]}.${digits.slice(1)}e${es}${Math.floor(ea / 100)}${Math.floor(ea / 10) % 10}${ea % 10}`;
}

/** Go's int(f) for a float: truncation toward zero. */
const goInt = (f: number): string => decimal(f);

/** bytes>>20, as Go prints heap sizes. */
const mb = (bytes: number): string => decimal(Math.floor(u64(bytes) / 2 ** 20));

/** A goal in MB; no goal is ^uint64(0)>>20. */
const goalMb = (bytes: number): string => (bytes < 0 || bytes >= NO_GOAL_FROM ? NO_GOAL_MB : mb(bytes));

/** A goal as Go's int64(lastHeapGoal): no goal is ^uint64(0), i.e. -1. */
const goalInt64 = (bytes: number): number => (bytes < 0 || bytes >= NO_GOAL_FROM ? -1 : u64(bytes));

// ── gctrace ───────────────────────────────────────────────────────────────

/** How a cycle's mark is accounted: in the pause (stw) or concurrently. */
function isStw(c: CycleRecord, barrier: Barrier | undefined): boolean {
  // Without the strategy, a cycle with no concurrent mark work at all is stw's.
  return barrier !== undefined ? barrier === "stw" : c.assistNs === 0 && c.backgroundNs === 0;
}

/** The mark's cpu split: assist, background (dedicated + fractional), idle (runtime/mgc.go gcMarkTermination). */
function markCpu(c: CycleRecord, stw: boolean): [number, number, number] {
  // stw marks inside the pause, all of it dedicated work (Go's gcstoptheworld=1).
  return stw ? [c.assistNs, c.markNs, 0] : [c.assistNs, c.backgroundNs, 0];
}

/** GC CPU time of a cycle: sweepTermCpu + markCpu + markTermCpu (runtime/mgc.go gcMarkTermination; idle excluded). */
function cycleCpuNs(c: CycleRecord, stw: boolean): number {
  const [assist, background] = markCpu(c, stw);
  return u64(c.sweepTermNs) + u64(assist) + u64(background) + u64(c.markTermNs);
}

/** The "gc ..." line, given the run's GC CPU fraction so far (runtime/mgc.go gcMarkTermination). */
export function gctraceLine(c: CycleRecord, runStartNs: number, gcCpuFraction: number, stw: boolean): string {
  const util = goInt(gcCpuFraction * 100);
  const at = itoaDiv(Math.floor(u64(c.startNs - runStartNs) / 1e6), 3);
  const clock = [c.sweepTermNs, c.markNs, c.markTermNs].map(fmtNSAsMS).join("+");
  const [assist, background, idle] = markCpu(c, stw).map(fmtNSAsMS);
  const cpu = `${fmtNSAsMS(c.sweepTermNs)}+${assist}/${background}/${idle}+${fmtNSAsMS(c.markTermNs)}`;
  return (
    `gc ${decimal(c.cycle)} @${at}s ${util}%: ${clock} ms clock, ${cpu} ms cpu, ` +
    `${mb(c.heapStartBytes)}->${mb(c.heapEndBytes)}->${mb(c.heapMarkedBytes)} MB, ${goalMb(c.heapGoalBytes)} MB goal, ` +
    `${mb(c.stackBytes)} MB stacks, ${mb(c.globalsBytes)} MB globals, 1 P` +
    (c.forced ? " (forced)" : "")
  );
}

// ── gcpacertrace ──────────────────────────────────────────────────────────

/**
 * Dedicated and fractional mark workers for `procs` Ps at background
 * utilization `u` (runtime/mgcpacer.go startCycle).
 */
export function markWorkers(u: number, procs: number, stw: boolean): [number, number] {
  if (stw) return [procs, 0]; // "In STW mode, we just want dedicated workers."
  const totalUtilizationGoal = procs * u;
  let dedicated = Math.trunc(totalUtilizationGoal + 0.5);
  const utilError = dedicated / totalUtilizationGoal - 1;
  const maxUtilError = 0.3;
  if (utilError < -maxUtilError || utilError > maxUtilError) {
    if (dedicated > totalUtilizationGoal) dedicated--;
    return [dedicated, (totalUtilizationGoal - dedicated) / procs];
  }
  return [dedicated, 0];
}

/** startCycle's line, printed at mark start (runtime/mgcpacer.go startCycle). */
export function pacerStartLine(c: CycleRecord, stw: boolean): string {
  const [dedicated, fractional] = markWorkers(c.backgroundUtilization, 1, stw);
  return (
    `pacer: assist ratio=${printfloat(c.assistRatio)} (scan ${mb(c.heapScanBytes)} MB in ` +
    `${mb(c.heapStartBytes)}->${goalMb(c.goalAtStartBytes)} MB) workers=${dedicated}+${printfloat(fractional)}`
  );
}

/**
 * endCycle's line, printed at mark termination, or null: Go prints none when
 * heapLive <= triggered ("Shouldn't happen" — but it does for runtime.GC(),
 * whose trigger is still ahead of the heap) (runtime/mgcpacer.go endCycle).
 */
export function pacerEndLine(c: CycleRecord): string | null {
  const heapLive = u64(c.heapEndBytes);
  const triggered = u64(c.triggeredBytes);
  if (heapLive <= triggered) return null;
  const work = [c.heapScanWork, c.stackScanWork, c.globalsScanWork].map((w) => decimal(u64(w))).join("+");
  const deltaGoal = heapLive - goalInt64(c.lastGoalBytes);
  return (
    `pacer: ${goInt(c.utilization * 100)}% CPU (${goInt(c.backgroundUtilization * 100)} exp.) for ` +
    `${work} B work (${decimal(u64(c.expectedScanWork))} B exp.) ` +
    `in ${decimal(triggered)} B -> ${decimal(heapLive)} B (\u2206goal ${decimal(deltaGoal)}, cons/mark ${printfloat(c.consMarkBefore)})`
  );
}

/** gcpacertrace's lines for a cycle, in Go's order: start, then end (if Go prints one). */
export function pacerLines(c: CycleRecord, stw: boolean): string[] {
  const end = pacerEndLine(c);
  return end === null ? [pacerStartLine(c, stw)] : [pacerStartLine(c, stw), end];
}

// ── The tracer ────────────────────────────────────────────────────────────

export interface GcTracerOptions {
  /** The run's strategy; without it a cycle with no assist or background time counts as stw's. */
  barrier?: Barrier;
}

/** Formats a run's cycles, in order, keeping the cumulative GC CPU time the "%" field needs. */
export class GcTracer {
  private gcNs = 0;

  constructor(
    private readonly startNs: number,
    private readonly options: GcTracerOptions = {},
  ) {}

  /** The gctrace line for `c`; call once per cycle, in cycle order. */
  line(c: CycleRecord): string {
    const stw = isStw(c, this.options.barrier);
    this.gcNs += cycleCpuNs(c, stw);
    // gc_cpu_fraction = work.totaltime / totalCpu, with one P (runtime/mgc.go gcMarkTermination).
    const elapsed = u64(c.endNs - this.startNs);
    return gctraceLine(c, this.startNs, elapsed > 0 ? this.gcNs / elapsed : 0, stw);
  }

  /** The gcpacertrace lines for `c` (stateless; any order). */
  pacerLines(c: CycleRecord): string[] {
    return pacerLines(c, isStw(c, this.options.barrier));
  }
}
