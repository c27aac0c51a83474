/**
 * One run as plain data — what a worker thread needs to reproduce it — and
 * the function that runs it. Shared by the CLI (in-process runs) and the
 * compare workers, so both run exactly the same way.
 */
import { loadEngine, type Build } from "./index.js";
import type { Barrier, Engine, Gogc } from "../engine/engine.js";
import type { RecordMode } from "../engine/records.js";
import { scenarios } from "../scenarios/index.js";
import { isScenarioPath, loadScenarioFile } from "./load-scenario.js";
import { runScenario, ScenarioError, type RunOptions, type RunResult } from "../run/run.js";
import { ParamError, type Scenario } from "../scenario/scenario.js";
import { OutOfMemoryError, TricolorError } from "../engine/errors.js";
import { findingsFor, type AnalysedRun } from "../analysis/index.js";

export interface Job {
  /** A built-in scenario's name, or a path to a scenario module. */
  scenario: string;
  barrier: Barrier;
  /** Engine settings left undefined keep the scenario's own choice (Scenario.engineOptions), then the defaults. */
  gogc?: Gogc;
  params: Record<string, string>;
  seed: number;
  build: Build;
  maxHeap?: number;
  memoryLimit?: number;
  verify: boolean;
  /** "all" keeps every GC event (what --trace writes); default bounded lists (src/records.ts). */
  recordEvents?: RecordMode;
  /**
   * Analyse the heap after the run (src/analysis: sites, leak suspects, top
   * retainers), with the core's allocation epochs tracked during it. Default
   * true; `compare` turns it off (its report has no memory section).
   */
  analysis?: boolean;
}

/** How a job ended: a result, or a one-line reason (with what was measured, when there is any). */
export type JobOutcome =
  | { ok: true; result: AnalysedRun }
  | { ok: false; kind: "usage" | "engine" | "scenario"; message: string; result?: AnalysedRun };

/** The run's result with what the memory analysis found (findingsFor: sites, leaks, retainers, goroutines, escapes, oom). */
function analysed(engine: Engine | undefined, result: RunResult, heap: boolean): AnalysedRun {
  return Object.assign(result, findingsFor(engine, result, heap));
}

/** Drops undefined fields, so they do not override the scenario's engine options. */
function definedOnly<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/** The scenario a job names: built-in, or loaded from its file. */
export async function resolveScenario(name: string): Promise<Scenario> {
  const builtin = scenarios.get(name);
  if (builtin) return builtin;
  if (isScenarioPath(name)) return loadScenarioFile(name);
  throw new ParamError(`unknown scenario '${name}' (known: ${[...scenarios.keys()].join(", ")}; or a path to a scenario module)`);
}

/** Runs `job`; never throws for bad input, engine errors or scenario failures. */
export async function runJob(job: Job, hooks: Pick<RunOptions, "onLine" | "onEngine" | "onProgress" | "onEnd"> = {}): Promise<JobOutcome> {
  let scenario: Scenario;
  try {
    scenario = await resolveScenario(job.scenario);
  } catch (err) {
    return { ok: false, kind: "usage", message: (err as Error).message };
  }
  const analyse = job.analysis !== false;
  let engine: Engine | undefined;
  try {
    const result = await runScenario(scenario, (o) => loadEngine({ ...o, build: job.build }), {
      params: job.params,
      seed: job.seed,
      build: job.build,
      engine: definedOnly({ barrier: job.barrier, maxHeap: job.maxHeap, gogc: job.gogc, memoryLimit: job.memoryLimit, verifyEachCycle: job.verify, recordEvents: job.recordEvents,
        trackAges: analyse ? true : undefined }),
      ...hooks,
      onEngine: (e) => {
        engine = e;
        hooks.onEngine?.(e);
      },
    });
    return { ok: true, result: analysed(engine, result, analyse) };
  } catch (err) {
    if (err instanceof ParamError) return { ok: false, kind: "usage", message: err.message };
    if (err instanceof ScenarioError) {
      // An engine refusal inside a scenario (out of memory, a bad handle) is still the engine's word: exit 2 for OOM.
      const oom = err.cause instanceof OutOfMemoryError;
      return { ok: false, kind: oom ? "engine" : "scenario", message: err.message, result: analysed(engine, err.result, analyse) };
    }
    if (err instanceof TricolorError) return { ok: false, kind: "engine", message: `${scenario.name} (${job.barrier}): ${err.message}` };
    throw err;
  }
}
