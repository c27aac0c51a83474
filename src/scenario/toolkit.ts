/**
 * The scenario toolkit: what the built-in scenarios used to copy from one
 * another, shared, and exported for user scenarios too (from "tricolor").
 *
 *   stepped(…)        a stepped scenario with typed state between setup, steps
 *                     and teardown: the runner then reports progress and names
 *                     the failing step, with no hand-rolled progress strides
 *   progressMeter     progress for the run(ctx) loops whose length is not a
 *                     step count known in advance (turns until a condition)
 *   heapFor           engineOptions' maxHeap from the live bytes a run expects
 *   pacedCycles,      the cycles the pacer started and a figure's trend over
 *   cycleTrend, rises them: how a scenario shows "the live heap grows every
 *                     cycle" (a leak) or stays flat
 *   kib               bytes as whole KiB, the unit the scenarios print
 *
 * The in-heap hash map the caches share is in ./heap-map.ts.
 */
import { DEFAULT_MAX_HEAP, MAX_HEAP_LIMIT, type CycleRecord, type EngineOptions } from "../engine/engine.js";
import type { ParamSpec, Params, Scenario, ScenarioContext } from "./scenario.js";

// ── stepped scenarios ────────────────────────────────────────────────────

/**
 * A stepped scenario whose setup returns the state its steps share (counters,
 * goroutine ids, host-side tables). The state lives in the run's ctx.state,
 * so two runs of one scenario never share it. Handles kept in it must stay
 * reachable through roots, as anywhere else.
 */
export interface SteppedScenario<S> {
  name: string;
  description: string;
  params: ParamSpec[];
  engineOptions?(params: Params): EngineOptions;
  /** How many steps these parameters make. */
  steps(params: Params): number;
  setup(ctx: ScenarioContext): S;
  step(ctx: ScenarioContext, state: S, i: number): void;
  /** After the last step: the final checks, the printed lines and ctx.result. */
  teardown?(ctx: ScenarioContext, state: S): void;
}

/** Where stepped() keeps a run's state in ctx.state. */
const STATE_KEY = "stepped";

/** The Scenario the runner drives (setup, steps, step, teardown) for a SteppedScenario. */
export function stepped<S>(def: SteppedScenario<S>): Scenario {
  const { setup, step, teardown, ...rest } = def;
  return {
    ...rest,
    setup(ctx) {
      ctx.state[STATE_KEY] = setup(ctx);
    },
    step(ctx, i) {
      step(ctx, ctx.state[STATE_KEY] as S, i);
    },
    teardown(ctx) {
      teardown?.(ctx, ctx.state[STATE_KEY] as S);
    },
  };
}

// ── progress for run(ctx) loops ──────────────────────────────────────────

/**
 * A progress reporter for a run(ctx) loop that is not a fixed number of
 * steps: call it with the work done so far (out of `total`) as often as you
 * like; it passes about `points` updates on to ctx.progress.
 */
export function progressMeter(ctx: ScenarioContext, total: number, points = 100): (done: number) => void {
  const every = Math.max(1, Math.floor(total / points));
  let next = 0;
  return (done) => {
    if (done < next) return;
    next = done + every;
    ctx.progress(total > 0 ? done / total : 1);
  };
}

// ── heap sizing ──────────────────────────────────────────────────────────

/**
 * How far past the pacer's goal a run may reach: Go's size classes round an
 * object up by at most 12.5%, and sweeping is lazy, so spans full of garbage
 * wait their turn. The pacer's goal itself is live × (1 + GOGC/100).
 */
export const HEAP_HEADROOM = 1.25;
/** Room that grows with nothing: stacks, globals, half-filled spans of small classes. */
export const HEAP_SLACK = 64 << 20;

/**
 * engineOptions for a run that expects `liveBytes` live at its peak under
 * `gogc`: maxHeap = live × (1 + gogc/100) × HEAP_HEADROOM + HEAP_SLACK, in
 * whole MiB, at most MAX_HEAP_LIMIT (3 GiB); nothing when the default heap
 * (1 GiB) is enough, so the user's --max-heap and the default stay in charge
 * of small runs.
 */
export function heapFor(liveBytes: number, gogc = 100): EngineOptions {
  const need = liveBytes * (1 + gogc / 100) * HEAP_HEADROOM + HEAP_SLACK;
  if (need <= DEFAULT_MAX_HEAP) return {};
  const MiB = 2 ** 20;
  return { maxHeap: Math.min(MAX_HEAP_LIMIT, Math.ceil(need / MiB) * MiB) };
}

// ── cycle trends ─────────────────────────────────────────────────────────

/** The cycles the pacer started: runtime.GC() (collect()), the runner's final one included, left out. */
export function pacedCycles(cycles: readonly CycleRecord[]): CycleRecord[] {
  return cycles.filter((c) => !c.forced);
}

/** The numeric figures of a cycle record: heapMarkedBytes, stackBytes, … */
export type CycleFigure = { [K in keyof CycleRecord]: CycleRecord[K] extends number ? K : never }[keyof CycleRecord];

/**
 * `figure` after each cycle the pacer started (live bytes by default). With
 * `points`, at most that many, spread evenly from the first to the last, for
 * a trend line that fits on one line of output.
 */
export function cycleTrend(cycles: readonly CycleRecord[], figure: CycleFigure = "heapMarkedBytes", points = Infinity): number[] {
  const values = pacedCycles(cycles).map((c) => c[figure]);
  if (values.length <= points) return values;
  if (points < 2) throw new RangeError(`cycleTrend: points must be at least 2, got ${points}`);
  return Array.from({ length: points }, (_, i) => values[Math.round((i * (values.length - 1)) / (points - 1))]);
}

/** How many values exceed the one before them: values.length − 1 means "grew every cycle". */
export function rises(values: readonly number[]): number {
  let n = 0;
  for (let i = 1; i < values.length; i++) if (values[i] > values[i - 1]) n++;
  return n;
}

// ── formatting ───────────────────────────────────────────────────────────

/** Bytes as whole KiB, rounded: the unit the scenarios print sizes in. */
export const kib = (bytes: number): string => `${Math.round(bytes / 1024)}`;
