#!/usr/bin/env node
/**
 * Runs a command whose process preloads bench/profile/phases.mjs and prints
 * one JSON line: the PHASES and PHASES-CPU lines it wrote, plus the whole
 * process as seen from outside (processTotal) and what followed its exit
 * event (afterExitEvent: teardown), and the load average.
 *
 *   node bench/profile/spawn-phases.mjs node --import ./bench/profile/phases.mjs bin/tricolor.js run binary-trees --depth 19
 */
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";

const t0 = performance.timeOrigin + performance.now();
const r = spawnSync(process.argv[2], process.argv.slice(3), { encoding: "utf8", maxBuffer: 1 << 28 });
const t1 = performance.timeOrigin + performance.now();
const parse = (label) => {
  const m = new RegExp(`^${label} (.*) \\(ms\\)$`, "m").exec(r.stderr);
  if (!m) { process.stderr.write(`no ${label} line (did the command preload phases.mjs?)\n${r.stderr.slice(-2000)}`); process.exit(1); }
  return Object.fromEntries(m[1].split(" ").map((kv) => kv.split("=")).map(([k, v]) => [k, Number(v)]));
};
const wall = parse("PHASES");
const cpu = parse("PHASES-CPU");
wall.processTotal = +(t1 - t0).toFixed(1);
wall.afterExitEvent = +(wall.processTotal - wall.total).toFixed(1);
console.log(JSON.stringify({ wall, cpu, load: readFileSync("/proc/loadavg", "utf8").trim() }));
