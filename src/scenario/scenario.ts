/**
 * The scenario API: how a workload (the mutator) is described and run.
 *
 * A scenario declares its parameters so the CLI can parse, validate and list
 * them, and runs against a ScenarioContext. It must keep its objects reachable
 * only through the engine's roots (goroutine stacks, globals) and fields:
 * a JS variable holding a handle across an allocation is a dangling pointer
 * waiting to happen, exactly as in a real collector.
 */
import type { Engine, EngineOptions } from "../engine/engine.js";

export interface ParamSpec {
  name: string;
  description: string;
  type: "int" | "number";
  default: number;
  min?: number;
  max?: number;
}

export type Params = Record<string, number>;

/** A value a scenario reports: what JSON carries without loss. */
export type ResultValue = number | string | boolean;
/** A scenario's structured result: flat, or one level nested (e.g. checks per depth). */
export type ScenarioResult = Record<string, ResultValue | Record<string, ResultValue>>;

export interface ScenarioContext {
  engine: Engine;
  params: Params;
  /** Emits one line of the scenario's own output. */
  print(line: string): void;
  /**
   * Reports the invariants the run established as data (the RunResult's
   * `result`, in --json), so tests and tools read numbers instead of parsing
   * printed prose. Calls merge: a later key replaces an earlier one.
   */
  result(fields: ScenarioResult): void;
  /** Deterministic random numbers in [0, 1) from the run's seed. */
  random(): number;
  /** A deterministic random integer in [0, n): Math.floor(random() * n), one draw. */
  randomInt(n: number): number;
  /** Reports progress in [0, 1] (drives the progress bar of long runs). */
  progress(fraction: number): void;
  /** Free-form state a stepped scenario keeps between setup, steps and teardown. */
  state: Record<string, unknown>;
}

/**
 * A workload. Either `run` does everything, or the runner drives
 * `setup`, then `step` for i = 0 … steps(params)−1, then `teardown`: then
 * a failure names its step, and progress is reported for free.
 */
export interface Scenario {
  name: string;
  description: string;
  params: ParamSpec[];
  /** Engine settings the scenario needs for these parameters (e.g. enough globals); user flags override. */
  engineOptions?(params: Params): EngineOptions;
  run?(ctx: ScenarioContext): void | Promise<void>;
  setup?(ctx: ScenarioContext): void | Promise<void>;
  steps?(params: Params): number;
  step?(ctx: ScenarioContext, i: number): void | Promise<void>;
  teardown?(ctx: ScenarioContext): void | Promise<void>;
}

/** Checks that `value` has the shape of a Scenario; returns why not, or null. */
export function scenarioShapeError(value: unknown): string | null {
  if (!value || typeof value !== "object") return "it is not an object";
  const s = value as Partial<Scenario>;
  if (typeof s.name !== "string" || s.name === "") return "it has no name";
  if (!Array.isArray(s.params)) return "its params is not an array";
  for (const p of s.params) {
    if (!p || typeof p.name !== "string" || (p.type !== "int" && p.type !== "number") || typeof p.default !== "number") {
      return `its param ${JSON.stringify(p?.name)} needs a name, a type of "int" or "number", and a numeric default`;
    }
  }
  const stepped = typeof s.step === "function" && typeof s.steps === "function";
  if (typeof s.run !== "function" && !stepped) return "it has neither run(ctx) nor steps(params) and step(ctx, i)";
  return null;
}

/** Why a parameter value was refused. */
export class ParamError extends Error {}

/** Parses and checks one parameter value given as text (from the CLI) or a number. */
export function parseParam(spec: ParamSpec, raw: string | number): number {
  const text = String(raw).trim();
  const value = typeof raw === "number" ? raw : text === "" ? NaN : Number(text);
  const kind = spec.type === "int" ? "an integer" : "a number";
  if (!Number.isFinite(value) || (spec.type === "int" && !Number.isInteger(value))) {
    throw new ParamError(`--${spec.name} must be ${kind}${range(spec)}, got "${text}"`);
  }
  if ((spec.min !== undefined && value < spec.min) || (spec.max !== undefined && value > spec.max)) {
    throw new ParamError(`--${spec.name} must be ${kind}${range(spec)}, got ${value}`);
  }
  return value;
}

function range(spec: ParamSpec): string {
  if (spec.min !== undefined && spec.max !== undefined) return ` from ${spec.min} to ${spec.max}`;
  if (spec.min !== undefined) return ` ≥ ${spec.min}`;
  if (spec.max !== undefined) return ` ≤ ${spec.max}`;
  return "";
}

/** The full parameter set: defaults overridden by `given`, every value checked, unknown names refused. */
export function resolveParams(scenario: Scenario, given: Record<string, string | number>): Params {
  const out: Params = {};
  for (const name of Object.keys(given)) {
    if (!scenario.params.some((p) => p.name === name)) {
      throw new ParamError(`scenario ${scenario.name} has no parameter --${name} (it takes ${scenario.params.map((p) => "--" + p.name).join(", ") || "none"})`);
    }
  }
  for (const spec of scenario.params) out[spec.name] = parseParam(spec, given[spec.name] ?? spec.default);
  return out;
}

/**
 * Checks `fields` against the ScenarioResult shape and merges them into
 * `into`; a bad value throws naming its key, so a user scenario learns at the
 * call what --json could not have carried (NaN, undefined, functions, arrays,
 * deeper nesting).
 */
export function mergeResult(into: ScenarioResult, fields: ScenarioResult): void {
  if (!fields || typeof fields !== "object" || Array.isArray(fields)) throw new TypeError("ctx.result takes an object of fields");
  for (const [key, value] of Object.entries(fields)) {
    if (value !== null && typeof value === "object" && !Array.isArray(value)) {
      for (const [inner, v] of Object.entries(value)) checkResultValue(`${key}.${inner}`, v);
      into[key] = { ...value };
    } else {
      checkResultValue(key, value);
      into[key] = value;
    }
  }
}

function checkResultValue(key: string, value: unknown): void {
  const ok = typeof value === "string" || typeof value === "boolean" || (typeof value === "number" && Number.isFinite(value));
  if (!ok) throw new TypeError(`ctx.result: ${key} must be a finite number, a string or a boolean (or, at the top level, an object of them), got ${describe(value)}`);
}

function describe(value: unknown): string {
  if (Array.isArray(value)) return "an array";
  if (value !== null && typeof value === "object") return "an object nested too deep";
  return typeof value === "number" ? String(value) : typeof value;
}

/** mulberry32: a small, fast, well-distributed 32-bit generator; same seed, same sequence. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
