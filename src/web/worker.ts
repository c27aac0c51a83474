/**
 * The engine's thread: a module Web Worker, one per run, so the page never
 * blocks however long a run takes. It measures its clock, compiles the core
 * once, and runs the one request it is sent through the session
 * (session.ts), posting what the session posts. A user scenario arrives as a
 * Blob URL of its module and is imported here.
 *
 * The core's URL is literal, so Vite copies the .wasm into dist/web and
 * rewrites it (two folders up from src/web/ is the repository root).
 */
import { Engine } from "../engine/engine.js";
import type { Scenario } from "../scenario/scenario.js";
import { scenarioShapeError } from "../scenario/scenario.js";
import { scenarios } from "../scenarios/index.js";
import { clockResolutionNs } from "../report/compare.js";
import { runSession } from "./session.js";
import type { FromWorker, ScenarioRef, ToWorker } from "./protocol.js";

/** This worker (tsconfig.worker.json types it with the WebWorker library, not the DOM). */
const scope = self as unknown as DedicatedWorkerGlobalScope;

const CORE_URL = new URL("../../build/release.wasm", import.meta.url);
const core = fetch(CORE_URL).then(async (r) => {
  if (!r.ok) throw new Error(`cannot fetch the core ${CORE_URL}: HTTP ${r.status}`);
  return WebAssembly.compile(await r.arrayBuffer());
});

function post(msg: FromWorker, transfer: Transferable[] = []): void {
  scope.postMessage(msg, transfer);
}

/** A built-in scenario by name, or the default export of a dropped module. */
async function scenarioOf(ref: ScenarioRef): Promise<Scenario> {
  if (ref.kind === "builtin") {
    const s = scenarios.get(ref.name);
    if (!s) throw new Error(`unknown scenario ${ref.name}`);
    return s;
  }
  const mod = (await import(/* @vite-ignore */ ref.url)) as { default?: unknown };
  const why = scenarioShapeError(mod.default);
  if (why) throw new Error(`${ref.name} is not a scenario: ${why}`);
  return mod.default as Scenario;
}

scope.onmessage = async (ev: MessageEvent<ToWorker>) => {
  const { run, control } = ev.data;
  try {
    const [module, scenario] = await Promise.all([core, scenarioOf(run.scenario)]);
    await runSession({
      request: run,
      scenario,
      makeEngine: (o) => Engine.create(module, o),
      post,
      control: control ? new Int32Array(control) : null,
    });
  } catch (err) {
    post({ type: "error", message: err instanceof Error ? err.message : String(err), result: null });
  }
};

post({ type: "ready", clock: { resolutionNs: clockResolutionNs(), crossOriginIsolated: scope.crossOriginIsolated } });
