/**
 * One run as the page drives it, on the worker's side: the same runScenario
 * as the CLI (so a seeded run gives the CLI's counters), plus the points
 * where a page may look and hold it.
 *
 * A pause point ("moment") is every GC event the core reports (a pause, a
 * stack scan, a background mark slice, an assist), every scenario step, and
 * — when the request asks to watch calls — every mutator call the scenario
 * makes while a mark is in progress (each allocation, pointer write and stack
 * operation: where the barrier shades). Moments are counted from the start,
 * so the same seeded run reaches the same moment index anywhere; a test
 * replays a run in Node to an index the page reported and compares.
 *
 * At a moment the gate (class Gate) decides: paused (CTL_MODE) and the moment
 * is one the chosen grain stops at → post a frame and block on the control
 * words until the page lets go (Atomics.wait, inside the core's call if the
 * moment is a GC event); else, now and then, post a frame so the page can
 * redraw the heap as the collector works. Everything done at a moment is
 * read-only: a watched run gives the counters of an unwatched one.
 *
 * No DOM and no worker globals here: the worker shell (worker.ts) and the
 * tests give it a `post` function and the control words.
 */
import * as abi from "../../contract/abi.js";
import type { Engine, EngineOptions } from "../engine/engine.js";
import { readHeapMap, lastVerifySamples } from "../engine/inspect.js";
import type { Scenario } from "../scenario/scenario.js";
import { runScenario, ScenarioError, type RunResult } from "../run/run.js";
import { findingsFor, hasFindings } from "../analysis/index.js";
import { GcTracer } from "../report/gctrace.js";
import {
  CTL_GEN, CTL_GRAIN, CTL_MODE, CTL_STEPS, GRAIN_CALL, MODE_PAUSE, MODE_RUN,
  type EventName, type Frame, type FromWorker, type Moment, type PageResult, type RunRequest,
} from "./protocol.js";

/** At most this often a running (not paused) run posts a frame, ms: live enough, and light on the page's thread. */
export const FRAME_EVERY_MS = 200;

/** The mutator calls that act (they advance the mutator clock, shade through the barrier, or are safe points). */
export const ACTING_CALLS = [
  "alloc", "allocWith", "allocPush", "allocList", "allocTree", "spawn", "exit", "pushFrame", "popFrame", "push", "pop", "drop",
  "setLocal", "setGlobal", "writeField", "yield", "startCycle", "collect",
] as const;

const EVENT_NAMES: Record<number, EventName> = {
  [abi.EV_PAUSE_SWEEP_TERM]: "sweep-termination",
  [abi.EV_PAUSE_MARK_TERM]: "mark-termination",
  [abi.EV_PAUSE_STACK]: "stack-scan",
  [abi.EV_PAUSE_FULL]: "stw-cycle",
  [abi.EV_MARK_SLICE]: "background",
  [abi.EV_ASSIST]: "assist",
};

export interface SessionOptions {
  request: RunRequest;
  scenario: Scenario;
  makeEngine: (o: EngineOptions) => Promise<Engine>;
  post: (msg: FromWorker, transfer?: Transferable[]) => void;
  /** The control words shared with the page (protocol.ts), or null: never paused. */
  control: Int32Array | null;
  /** Called at every moment, before anything else happens there (tests replay to an index with it). */
  onMoment?: (index: number, moment: Moment, engine: Engine) => void;
}

/** Drops undefined fields, so they do not override the scenario's own engine options (as src/node/job.ts does). */
function definedOnly<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/** The engine options a request sets; the rest are the scenario's, then the defaults. */
export function engineOptionsOf(r: RunRequest): EngineOptions {
  // Epoch tracking for the analysis's middle-third signal, as the CLI's jobs: it changes no counter (tests/leaks.test.ts).
  return { ...definedOnly({ barrier: r.barrier, gogc: r.gogc, memoryLimit: r.memoryLimit, maxHeap: r.maxHeap, markQuantum: r.markQuantum, verifyEachCycle: r.verify }), trackAges: true };
}

/** Runs the request's scenario to its end (or failure); posts everything the page draws, the result last. */
export async function runSession(o: SessionOptions): Promise<PageResult | null> {
  const gate = new Gate(o);
  let result: RunResult | null = null;
  let failure: string | null = null;
  try {
    result = await runScenario(withStepMoments(o.scenario, gate), o.makeEngine, {
      params: o.request.params,
      engine: engineOptionsOf(o.request),
      seed: o.request.seed,
      build: "release",
      onEngine: (e) => gate.attach(e),
      onLine: (text) => o.post({ type: "line", text }),
      onProgress: (f) => gate.progress(f),
    });
  } catch (err) {
    failure = err instanceof Error ? err.message : String(err);
    if (err instanceof ScenarioError) result = err.result;
  }
  const page = result ? gate.finish(result) : null;
  o.post(failure === null ? { type: "done", result: page! } : { type: "error", message: failure, result: page });
  return page;
}

/** The scenario with a moment after each of its steps (a run(ctx) scenario has only the engine's moments). */
function withStepMoments(s: Scenario, gate: Gate): Scenario {
  if (!s.step) return s;
  const step = s.step;
  return {
    ...s,
    step(ctx, i) {
      const pending = step.call(s, ctx, i);
      if (pending) return pending.then(() => gate.moment({ kind: "step", step: i }));
      gate.moment({ kind: "step", step: i });
    },
  };
}

/** The moments of one run, the frames posted at them, and holding the run while paused. */
class Gate {
  private engine: Engine | null = null;
  private index = 0;
  private lastFrameMs = -Infinity;
  private lastProgress = -1;
  private originMs = 0;
  private lost: number[] = [];
  private tracer: GcTracer | null = null;
  /** A step was granted: scenario steps no longer stop the run, only the grain's moments do. */
  private stepping = false;

  constructor(private readonly o: SessionOptions) {}

  /** The engine exists, the scenario has not started: hook it, and stop at the start if paused. */
  attach(e: Engine): void {
    this.engine = e;
    this.originMs = performance.now();
    this.tracer = new GcTracer(this.originMs * 1e6, { barrier: e.options.barrier });
    e.onEvent = (kind, cycle, _t0, _t1, a, b, c) => this.event(kind, cycle, a, b, c);
    e.onCycle = (c) => this.o.post({ type: "cycle", cycle: c, gctrace: this.tracer!.line(c), tMs: c.endNs / 1e6 - this.originMs });
    if (this.o.request.watchCalls) this.watchCalls(e);
    this.o.post({ type: "started", scenario: this.o.scenario.name, params: this.o.request.params, barrier: e.options.barrier, originNs: this.originMs * 1e6 });
    this.moment({ kind: "start" });
  }

  /** A GC event from inside the core: a moment (the cycle record that follows mark termination is not one). */
  private event(kind: number, cycle: number, words: number, stacks: number, objects: number): void {
    const name = EVENT_NAMES[kind];
    if (!name) return;
    if (name === "sweep-termination") this.lost = [];
    if ((name === "mark-termination" || name === "stw-cycle") && this.verifiesEachMark()) {
      this.lost = lastVerifySamples(this.engine!).filter((s) => s.code === abi.I_LOST).map((s) => s.address);
    }
    this.moment({ kind: "event", event: name, cycle, words, objects, goroutine: name === "stack-scan" ? stacks : 0 });
  }

  /** The core verifies at every mark termination under none, and under the others when asked (gc.ts). */
  private verifiesEachMark(): boolean {
    const opts = this.engine!.options;
    return opts.barrier === "none" || opts.verifyEachCycle;
  }

  /** Every acting call becomes a moment while a mark is in progress (the instance's own properties shadow the class's methods). */
  private watchCalls(e: Engine): void {
    const target = e as unknown as Record<string, (...args: number[]) => unknown>;
    for (const name of ACTING_CALLS) {
      const method = target[name]!;
      target[name] = (...args: number[]) => {
        const out = method.apply(e, args);
        if (e.marking) this.moment({ kind: "call", name, args });
        return out;
      };
    }
  }

  /** A pause point: counted, shown to a test, then held (paused) or maybe drawn (running). */
  moment(m: Moment): void {
    this.index++;
    const e = this.engine!;
    this.o.onMoment?.(this.index, m, e);
    const c = this.o.control;
    if (c && Atomics.load(c, CTL_MODE) === MODE_PAUSE && this.stopsAt(c, m)) {
      this.hold(c, m);
    } else if (m.kind !== "call" || (this.index & 63) === 0) {
      const now = performance.now();
      if (now - this.lastFrameMs >= FRAME_EVERY_MS) this.frame(m, false, now);
    }
  }

  /**
   * Where a paused run stops. A step runs to the next GC event (at the fine
   * grain, or the next call while marking); a pause from running stops at
   * the first moment of any kind but a call, scenario steps included, so it
   * takes effect at once even between cycles.
   */
  private stopsAt(c: Int32Array, m: Moment): boolean {
    if (m.kind === "call") return Atomics.load(c, CTL_GRAIN) === GRAIN_CALL;
    if (m.kind === "step") return !this.stepping;
    return true;
  }

  /** Posts the frame, then blocks until the page resumes the run or grants a step. */
  private hold(c: Int32Array, m: Moment): void {
    this.frame(m, true, performance.now());
    for (;;) {
      const gen = Atomics.load(c, CTL_GEN);
      if (Atomics.load(c, CTL_MODE) === MODE_RUN) {
        this.stepping = false;
        return;
      }
      if (Atomics.load(c, CTL_STEPS) > 0) {
        Atomics.sub(c, CTL_STEPS, 1);
        this.stepping = true;
        return;
      }
      Atomics.wait(c, CTL_GEN, gen);
    }
  }

  /** The heap now, with its counters, posted with its buffers transferred. */
  private frame(m: Moment, paused: boolean, now: number): void {
    this.lastFrameMs = now;
    const e = this.engine!;
    const map = readHeapMap(e, { maxSlots: this.o.request.slotLimit });
    const s = e.stats();
    const frame: Frame = {
      index: this.index,
      paused,
      moment: m,
      map,
      stats: {
        cycles: s.cycles, heapAllocBytes: s.heapAllocBytes, heapLiveBytes: s.heapLiveBytes, heapGoalBytes: s.heapGoalBytes,
        markedBytes: s.markedBytes, objectsAllocated: s.objectsAllocated, objectsFreed: s.objectsFreed, gcWork: s.gcWork,
        mutatorClock: s.mutatorClock, lostAtMark: s.lostAtMark, goroutines: s.goroutines,
      },
      lost: this.lost,
      tMs: now - this.originMs,
    };
    this.o.post({ type: "frame", frame }, [map.spans.buffer, map.colours.buffer]);
  }

  /** Progress, posted when it moved by a percent. */
  progress(f: number): void {
    if (f - this.lastProgress < 0.01 && f < 1) return;
    this.lastProgress = f;
    this.o.post({ type: "progress", fraction: f });
  }

  /** The run is over: a last frame (after the runner's final collection) and the result as the page gets it. */
  finish(r: RunResult): PageResult {
    const e = this.engine;
    if (e) this.frame({ kind: "end" }, false, performance.now());
    const { slices: _slices, ...timeline } = r.timeline;
    // What the memory analysis finds, as the CLI's run finds it (the panel draws only what says something).
    const memory = findingsFor(e ?? undefined, r);
    return { ...r, timeline, composition: e ? e.composition() : null, ...(hasFindings(memory) ? { memory } : {}) };
  }
}
