#!/usr/bin/env node
/**
 * `npm run bench:pauses`: do stop-the-world pauses stay flat as the live heap
 * grows? Issue 11's target: hybrid's longest global pause, in wall time and
 * in words of work, within 1.5× from churn live 1 M to 3 M to 10 M, while
 * stw's (whose one pause is the whole mark) grows with the live heap.
 *
 * Each run is its own process, so one heap's memory never weighs on the
 * next: `tricolor run bench/churn-peer.js` (the peers' churn, the same
 * program as Go's churn.go) with `--json`, read back for the longest global
 * pause (`gc.pauses.maxNs`) and the most work in one (`gc.stwWork.maxWords`).
 * The runs are serial (never two at once on the 2-core machine), with
 * steps = STEPS_PER_LIVE × live (default 2: every run reaches steady state,
 * several cycles past the build-up). Each configuration runs RUNS times
 * (default 3, as the peers' harness does): a hybrid pause is a few µs, so
 * the longest of one run's dozen is one interrupt away from twice its size,
 * and the table gives the median of the runs' longest pauses with their
 * range. The work of a pause is deterministic: every run must agree on it.
 *
 *   LIVES=1000000,3000000,10000000 BARRIERS=hybrid,stw STEPS_PER_LIVE=2 RUNS=3 npm run bench:pauses
 *
 * 10 M live objects of 32 bytes need more than the default 1 GiB heap limit,
 * so every run gets --max-heap 3GiB (the same for all, so the limit plays no
 * part in the comparison).
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { BARRIERS as STRATEGIES } from "../dist/src/index.js";
import { fmtInt, fmtNs, fmtRatio } from "../dist/bench/format.js";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const list = (v, d) => (v ?? d).split(",").map((s) => s.trim()).filter(Boolean);
const LIVES = list(process.env.LIVES, "1000000,3000000,10000000").map(Number);
const BARRIERS = list(process.env.BARRIERS, "hybrid,stw");
const STEPS_PER_LIVE = Number(process.env.STEPS_PER_LIVE ?? 2);
const RUNS = Number(process.env.RUNS ?? 3);
if (LIVES.length === 0 || LIVES.some((n) => !Number.isInteger(n) || n < 1)) {
  console.error(`bench:pauses: LIVES must be a comma-separated list of positive integers, got "${process.env.LIVES}"`);
  process.exit(2);
}
if (!(STEPS_PER_LIVE > 0)) {
  console.error(`bench:pauses: STEPS_PER_LIVE must be a positive number, got "${process.env.STEPS_PER_LIVE}"`);
  process.exit(2);
}
if (!Number.isInteger(RUNS) || RUNS < 1) {
  console.error(`bench:pauses: RUNS must be a positive integer, got "${process.env.RUNS}"`);
  process.exit(2);
}
const unknown = BARRIERS.filter((b) => !STRATEGIES.includes(b));
if (unknown.length > 0) {
  console.error(`bench:pauses: BARRIERS must name strategies (${STRATEGIES.join(", ")}), got "${unknown.join(",")}"`);
  process.exit(2);
}

/** The median of `xs` (the mean of the middle two for an even count). */
function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

const dir = mkdtempSync(join(tmpdir(), "tricolor-pauses-"));
const rows = [];
try {
  for (const live of LIVES) {
    for (const barrier of BARRIERS) {
      const steps = Math.round(STEPS_PER_LIVE * live);
      const runs = [];
      for (let k = 1; k <= RUNS; k++) {
        const file = join(dir, `${barrier}-${live}-${k}.json`);
        process.stderr.write(`  … churn live ${fmtInt(live)}, ${fmtInt(steps)} steps, ${barrier}, run ${k} of ${RUNS}\n`);
        const args = [join(ROOT, "bin", "tricolor.js"), "run", join(ROOT, "bench", "churn-peer.js"), "--live", String(live), "--steps", String(steps),
          "--barrier", barrier, "--max-heap", "3GiB", "--json", file];
        const r = spawnSync(process.execPath, args, { stdio: ["ignore", "ignore", "inherit"] });
        if (r.status !== 0) throw new Error(`tricolor ${args.slice(1).join(" ")} exited ${r.status}`);
        const j = JSON.parse(readFileSync(file, "utf8"));
        runs.push({ cycles: j.gc.cycles, pauses: j.gc.pauses.count, maxNs: j.gc.pauses.maxNs, maxWords: j.gc.stwWork.maxWords, wallNs: j.wallNs });
      }
      const same = (k) => runs.every((x) => x[k] === runs[0][k]);
      if (!same("maxWords") || !same("cycles") || !same("pauses")) throw new Error(`${barrier} at live ${live}: the runs disagree on work, cycles or pauses (${JSON.stringify(runs)})`);
      const ns = runs.map((x) => x.maxNs);
      rows.push({ live, barrier, ...runs[0], maxNs: median(ns), minNs: Math.min(...ns), topNs: Math.max(...ns), wallNs: median(runs.map((x) => x.wallNs)) });
    }
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}

const each = RUNS === 1 ? "one run each" : `median of ${RUNS} runs each (the max pause's range in brackets)`;
console.log(`longest global stop-the-world pause, churn (bench/churn-peer.js), steps = ${STEPS_PER_LIVE} × live, release core, ${each}`);
console.log("| barrier | live | cycles | pauses | max pause (wall) | max pause (work, words) | run wall |");
console.log("|---|---|---|---|---|---|---|");
for (const r of rows) {
  const range = RUNS === 1 ? "" : ` (${fmtNs(r.minNs)}–${fmtNs(r.topNs)})`;
  console.log(`| ${r.barrier} | ${fmtInt(r.live)} | ${r.cycles} | ${r.pauses} | ${fmtNs(r.maxNs)}${range} | ${fmtInt(r.maxWords)} | ${fmtNs(r.wallNs)} |`);
}
for (const barrier of BARRIERS) {
  const mine = rows.filter((r) => r.barrier === barrier);
  if (mine.length < 2) continue;
  const spread = (k) => Math.max(...mine.map((r) => r[k])) / Math.max(1, Math.min(...mine.map((r) => r[k])));
  console.log(`${barrier}: largest / smallest ${RUNS === 1 ? "" : "median "}max pause across live ${mine.map((r) => fmtInt(r.live)).join(", ")}: wall ${fmtRatio(spread("maxNs"))}, work ${mine.every((r) => r.maxWords === 0) ? "0 words at every size" : fmtRatio(spread("maxWords"))}`);
}
