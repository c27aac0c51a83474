/**
 * Where a `tricolor run` process spends its wall time, phase by phase.
 * Preload it into the CLI (it patches the engine's prototype in place, so
 * nothing in src/ changes) and it prints one line on stderr at exit:
 *
 *   node --import ./bench/profile/phases.mjs bin/tricolor.js run binary-trees --depth 19
 *
 *   PHASES boot=… load=… create=… gap=… run=… finishMmu=… stats=… collect=… sweep=… verify=… report=… total=… (ms)
 *   PHASES-CPU (the same phases in CPU time of the process, user + system, all threads)
 *
 *   boot       process start (performance.timeOrigin) to this preload: Node itself
 *   load       preload to the first Engine.create: importing the CLI's modules, parsing flags
 *   create     Engine.create: compiling and instantiating the core, init
 *   run        startMmu to finishMmu: the scenario, what the CLI reports as "wall"
 *   finishMmu  the MMU curve
 *   stats, collect, sweep, verify: the runner's closing calls (every call after the run, summed)
 *   report     the rest up to the exit event: summary, text report, gctrace flush
 *   exit       measured by the caller only (after the exit event: teardown)
 *
 * Wall times move with the machine's load; the CPU line much less (it still
 * counts V8's helper threads, and cache contention slows it). boot in the
 * CPU line is the CPU time the process had used when the preload ran.
 *
 * The engine module is found next to this file (../../dist/src/engine/), or
 * at $TRICOLOR_DIST/src/engine/ for a copy of the package (a profiled core).
 */
import { dirname, join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const cpuMs = () => { const u = process.cpuUsage(); return (u.user + u.system) / 1000; };
const t = { preload: performance.now() };
const c = { preload: cpuMs() };
const dist = process.env.TRICOLOR_DIST ? resolve(process.env.TRICOLOR_DIST) : join(dirname(fileURLToPath(import.meta.url)), "..", "..", "dist");
const { Engine } = await import(pathToFileURL(join(dist, "src/engine/engine.js")).href);
const { EventRecorder } = await import(pathToFileURL(join(dist, "src/engine/records.js")).href);

const sums = { create: 0, finishMmu: 0, stats: 0, collect: 0, sweep: 0, verify: 0 };
const cpuSums = { ...sums };
let runEnded = false;
function timed(target, name, key = name, onlyAfterRun = true) {
  const orig = target[name];
  target[name] = function (...args) {
    const a = performance.now(), ac = cpuMs();
    try { return orig.apply(this, args); } finally {
      if (!onlyAfterRun || runEnded) { sums[key] += performance.now() - a; cpuSums[key] += cpuMs() - ac; }
    }
  };
}

const create = Engine.create;
Engine.create = async function (...args) {
  const a = performance.now(), ac = cpuMs();
  t.firstCreate ??= a;
  c.firstCreate ??= ac;
  try { return await create.apply(this, args); } finally { sums.create += performance.now() - a; cpuSums.create += cpuMs() - ac; }
};
const start = EventRecorder.prototype.startMmu;
EventRecorder.prototype.startMmu = function (...args) { t.runStart = performance.now(); c.runStart = cpuMs(); return start.apply(this, args); };
const finish = EventRecorder.prototype.finishMmu;
EventRecorder.prototype.finishMmu = function (...args) {
  t.runEnd = performance.now();
  c.runEnd = cpuMs();
  runEnded = true;
  try { return finish.apply(this, args); } finally { sums.finishMmu += performance.now() - t.runEnd; cpuSums.finishMmu += cpuMs() - c.runEnd; }
};
for (const m of ["stats", "collect", "sweep", "verify"]) timed(Engine.prototype, m);

function line(label, t, sums, now) {
  const closing = sums.finishMmu + sums.stats + sums.collect + sums.sweep + sums.verify;
  const f = (x) => (x === undefined || Number.isNaN(x) ? "?" : x.toFixed(1));
  const p = {
    boot: t.preload,
    load: (t.firstCreate ?? now) - t.preload,
    create: sums.create,
    gap: (t.runStart ?? now) - (t.firstCreate ?? now) - sums.create,
    run: (t.runEnd ?? now) - (t.runStart ?? now),
    finishMmu: sums.finishMmu,
    stats: sums.stats,
    collect: sums.collect,
    sweep: sums.sweep,
    verify: sums.verify,
    report: now - (t.runEnd ?? now) - closing,
    total: now,
  };
  return `${label} ${Object.entries(p).map(([k, v]) => `${k}=${f(v)}`).join(" ")} (ms)\n`;
}

process.on("exit", () => {
  const now = performance.now(), nowCpu = cpuMs();
  process.stderr.write(line("PHASES", t, sums, now) + line("PHASES-CPU", c, cpuSums, nowCpu));
});
