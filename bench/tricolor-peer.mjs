#!/usr/bin/env node
/**
 * `tricolor run`, shaped for the GC peers' harness (/work/shared/peers,
 * harness.py): one scenario run on the release core, exactly as the CLI runs
 * it (the same runScenario: the scenario, then the runner's final collection,
 * sweep, verification and summary, then the text report), but with the
 * output the harness reads:
 *
 *   stdout  the scenario's own lines only (the harness checks them against
 *           binary-trees' closed form, or the churn result every system must agree on)
 *   stderr  one Go 1.19 gctrace line per cycle (the harness's `go` parser:
 *           each cycle's sweep-termination and mark-termination pauses),
 *           then one `GCPAUSE <ms>` line per global stop-the-world pause
 *           (the `generic` parser: for stw, where the whole cycle is one
 *           pause, which gctrace's clock field splits into a+b+c), then
 *           the usual text report.
 *
 * The runner's final collection (runtime.GC() after the workload; the Go,
 * C and JS peers do none) is not a pause of the workload: its gctrace line
 * is printed as a `#` comment and its pause is left out of the GCPAUSE
 * lines. Per-goroutine stack-scan pauses are not global pauses and are not
 * counted (Go's gctrace does not count them either).
 *
 *   node bench/tricolor-peer.mjs binary-trees --depth 19 --barrier hybrid
 *   node bench/tricolor-peer.mjs bench/churn-peer.js --live 1000000 --steps 10000000 --barrier stw
 *
 * Options: --barrier (default hybrid), --gogc N|off, --max-heap BYTES,
 * --build release|debug (default release); every other --name value is a
 * scenario parameter. Exit status as the CLI's: 1 bad input or a failed
 * scenario, 2 out of memory, 3 lost objects.
 */
import { GcTracer, loadEngine, loadScenarioFile, runScenario, scenarios, textSummary, OutOfMemoryError } from "../dist/src/node/index.js";

function usage(msg) {
  process.stderr.write(`error: ${msg}\nusage: tricolor-peer.mjs <scenario|file.js> [--barrier B] [--gogc N|off] [--max-heap BYTES] [--build release|debug] [--param value ...]\n`);
  process.exit(1);
}

const argv = process.argv.slice(2);
const name = argv.shift();
if (!name || name.startsWith("-")) usage("no scenario");
const opts = { barrier: "hybrid", build: "release" };
const params = {};
while (argv.length) {
  const flag = argv.shift();
  const value = argv.shift();
  if (!flag.startsWith("--") || value === undefined) usage(`expected --name value, got ${flag}`);
  const key = flag.slice(2);
  if (key === "barrier" || key === "build") opts[key] = value;
  else if (key === "gogc") opts.gogc = value === "off" ? "off" : Number(value);
  else if (key === "max-heap") opts.maxHeap = Number(value);
  else params[key] = value;
}

let base;
try {
  base = scenarios.get(name) ?? (await loadScenarioFile(name));
} catch (err) {
  usage(err.message);
}

// The same scenario, marking the moment its own work ends (what follows is the runner's).
let ended = false;
const scenario = { ...base };
if (base.run) scenario.run = async (ctx) => { await base.run(ctx); ended = true; };
else scenario.teardown = async (ctx) => { await base.teardown?.(ctx); ended = true; };

const pausesMs = [];
const finalPausesMs = [];
let maxWords = 0; // deterministic work of the workload's largest pause (words scanned inside it)
const err = process.stderr;

function onEngine(engine) {
  const tracer = new GcTracer(performance.now() * 1e6, { barrier: opts.barrier });
  engine.onCycle = (c) => err.write(`${ended ? "# the runner's final collection, not the workload's: " : ""}${tracer.line(c)}\n`);
  // Every global pause passes through the recorder's pause(); keep its wall time.
  const events = engine.events;
  const pause = events.pause;
  events.pause = function (kind, cycle, t0, t1, words, ...rest) {
    (ended ? finalPausesMs : pausesMs).push((t1 - t0) / 1e6);
    if (!ended) maxWords = Math.max(maxWords, words);
    return pause.call(this, kind, cycle, t0, t1, words, ...rest);
  };
}

let result;
try {
  const engine = { barrier: opts.barrier };
  if (opts.gogc !== undefined) engine.gogc = opts.gogc;
  if (opts.maxHeap !== undefined) engine.maxHeap = opts.maxHeap;
  result = await runScenario(scenario, (o) => loadEngine({ ...o, build: opts.build }), {
    params,
    seed: 1,
    build: opts.build,
    engine,
    onLine: (line) => process.stdout.write(line + "\n"),
    onEngine,
  });
} catch (e) {
  err.write(`error: ${e.message}\n`);
  process.exit(e.cause instanceof OutOfMemoryError || e instanceof OutOfMemoryError ? 2 : 1);
}

const id = (s) => s;
const colors = { bold: id, dim: id, red: id, green: id, yellow: id, cyan: id };
err.write(pausesMs.map((ms) => `GCPAUSE ${ms.toFixed(6)}\n`).join(""));
err.write(`# the workload's global pauses: ${pausesMs.length}, max ${pausesMs.reduce((a, b) => Math.max(a, b), 0).toFixed(3)} ms wall, max ${maxWords} words of work\n`);
if (finalPausesMs.length) err.write(`# the runner's final collection paused ${finalPausesMs.map((ms) => ms.toFixed(3)).join(" + ")} ms (not in GCPAUSE)\n`);
err.write("\n" + textSummary(result, colors) + "\n");
const lost = result.verify.lostObjects + result.verify.heapCorruptions;
if (lost > 0) {
  err.write(`error: ${result.verify.lostObjects} reachable objects lost, ${result.verify.heapCorruptions} corrupt pointers, under ${opts.barrier}\n`);
  process.exit(3);
}
