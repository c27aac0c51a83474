#!/usr/bin/env node
/**
 * Summarizes a V8 .cpuprofile (node --cpu-prof) of a tricolor run: where
 * the sampled time went by category and by function (self), and the
 * inclusive time of the phases of a run (a phase = every sample with that
 * function on its stack).
 *
 *   node --cpu-prof --cpu-prof-interval 100 --cpu-prof-dir DIR bin/tricolor.js run binary-trees --depth 19
 *   node bench/profile/cpuprofile.mjs DIR/*.cpuprofile [--top N] [--json FILE] [--within drive]
 *
 * --within NAME keeps only the samples with function NAME on the stack
 * (drive: the scenario itself, without start-up and the runner's closing work).
 *
 * Wasm frames carry the core's function names only when the core has a name
 * section (asc --debug; bench/PROFILE.md says how the profiled core was
 * built). Sampling: times are sample counts × the interval, so they move
 * with the machine's load; compare shares, not seconds, across runs.
 */
import { readFileSync, writeFileSync } from "node:fs";

const args = process.argv.slice(2);
const opt = (name, def) => {
  const i = args.indexOf(name);
  if (i < 0) return def;
  const v = args[i + 1];
  args.splice(i, 2);
  return v;
};
const top = Number(opt("--top", "40"));
const within = opt("--within", null); // only samples with this function on the stack (e.g. drive: the scenario's run)
const jsonOut = opt("--json", null);
const file = args[0];
if (!file) { console.error("usage: cpuprofile.mjs FILE.cpuprofile [--top N] [--json FILE]"); process.exit(1); }
const prof = JSON.parse(readFileSync(file, "utf8"));

const nodes = new Map(prof.nodes.map((n) => [n.id, n]));
const parent = new Map();
for (const n of prof.nodes) for (const c of n.children ?? []) parent.set(c, n.id);

const short = (url) => url.replace(/^file:\/\/.*?\/(dist|node_modules|bench|bin)\//, "$1/").replace(/^wasm:\/\/wasm\/.*/, "wasm");
function label(n) {
  const f = n.callFrame;
  const name = f.functionName || "(anonymous)";
  if (!f.url) return name;
  return `${name} ${short(f.url)}${f.url.startsWith("wasm") ? "" : `:${f.lineNumber + 1}`}`;
}

/** Coarse buckets for the self time of a frame. */
function categorize(n) {
  const f = n.callFrame;
  const name = f.functionName;
  if (name === "(garbage collector)") return "V8 GC (of the JS heap)";
  if (name === "(idle)") return "idle";
  if (name === "(program)") return "(program): V8/native, unattributed";
  if (f.url.startsWith("wasm://") || /^(\$?assembly\/|wasm-function)/.test(name)) {
    const mod = /assembly\/([a-z]+)\//.exec(name)?.[1] ?? "?";
    return `wasm: ${mod}`;
  }
  if (/js-to-wasm|wasm-to-js/.test(name)) return "JS<->wasm wrappers";
  if (f.url.includes("/node_modules/")) return "JS: dependencies";
  if (f.url.startsWith("node:") || f.url === "" ) return "JS: Node internals / builtins";
  const m = /\/(dist\/(?:src|bench)\/[^/]+\/[^/]+\.js|dist\/src\/[^/]+\.js|bench\/[^/]+\.m?js)$/.exec(f.url);
  return `JS: ${m ? m[1].replace(/^dist\//, "") : short(f.url)}`;
}

// Self samples and time per node (timeDeltas[i] is the time before sample i).
const selfUs = new Map();
const samples = prof.samples;
const deltas = prof.timeDeltas;
let total = 0;
const onStack = new Map(); // node id -> whether `within` is on its stack
const inside = (id) => {
  if (!within) return true;
  let v = onStack.get(id);
  if (v === undefined) {
    v = false;
    for (let x = id; x !== undefined; x = parent.get(x)) if (nodes.get(x).callFrame.functionName === within) { v = true; break; }
    onStack.set(id, v);
  }
  return v;
};
for (let i = 0; i < samples.length; i++) {
  if (!inside(samples[i])) continue;
  const dt = deltas[i + 1] ?? 0; // attribute the interval after the sample to it
  selfUs.set(samples[i], (selfUs.get(samples[i]) ?? 0) + dt);
  total += dt;
}

const byFn = new Map();
const byCat = new Map();
for (const [id, us] of selfUs) {
  const n = nodes.get(id);
  const l = label(n);
  byFn.set(l, (byFn.get(l) ?? 0) + us);
  const c = categorize(n);
  byCat.set(c, (byCat.get(c) ?? 0) + us);
}

// Inclusive time of phases: a sample counts for every distinct function name on its stack.
const PHASES = [
  "loadEngine", "create", "runScenario", "drive", "bottomUpTree", "countNodes", "run", "step",
  "finishMmu", "stats", "collect", "sweep", "summarize", "verify", "composition", "textSummary", "heapChart", "jsonReport",
  "recordEvent", "slice", "pause", "stackPause", "cycle", "onCycle", "line",
];
const incl = new Map();
const stackNames = (id) => {
  const s = new Set();
  for (let x = id; x !== undefined; x = parent.get(x)) s.add(nodes.get(x).callFrame.functionName);
  return s;
};
const cache = new Map();
for (const [id, us] of selfUs) {
  let names = cache.get(id);
  if (!names) { names = stackNames(id); cache.set(id, names); }
  for (const p of PHASES) if (names.has(p)) incl.set(p, (incl.get(p) ?? 0) + us);
}

const ms = (us) => (us / 1000).toFixed(1).padStart(10) + " ms";
const pct = (us) => ((100 * us) / total).toFixed(1).padStart(5) + "%";
console.log(`# ${file}: ${(total / 1e6).toFixed(3)} s sampled${within ? ` with ${within} on the stack` : ""}, ${samples.length} samples in all`);
console.log("\n## self time by category");
for (const [c, us] of [...byCat].sort((a, b) => b[1] - a[1])) console.log(`${ms(us)} ${pct(us)}  ${c}`);
console.log("\n## inclusive time of named functions (phases)");
for (const p of PHASES) if (incl.has(p)) console.log(`${ms(incl.get(p))} ${pct(incl.get(p))}  ${p}`);
console.log(`\n## top ${top} functions (self)`);
for (const [l, us] of [...byFn].sort((a, b) => b[1] - a[1]).slice(0, top)) console.log(`${ms(us)} ${pct(us)}  ${l}`);
if (jsonOut) writeFileSync(jsonOut, JSON.stringify({ totalUs: total, categories: Object.fromEntries(byCat), phases: Object.fromEntries(incl), functions: Object.fromEntries([...byFn].sort((a, b) => b[1] - a[1])) }, null, 1));
