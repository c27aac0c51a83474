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
 * several cycles past the build-up).
 *
 *   LIVES=1000000,3000000,10000000 BARRIERS=hybrid,stw STEPS_PER_LIVE=2 npm run bench:pauses
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
if (LIVES.length === 0 || LIVES.some((n) => !Number.isInteger(n) || n < 1)) {
  console.error(`bench:pauses: LIVES must be a comma-separated list of positive integers, got "${process.env.LIVES}"`);
  process.exit(2);
}
if (!(STEPS_PER_LIVE > 0)) {
  console.error(`bench:pauses: STEPS_PER_LIVE must be a positive number, got "${process.env.STEPS_PER_LIVE}"`);
  process.exit(2);
}
const unknown = BARRIERS.filter((b) => !STRATEGIES.includes(b));
if (unknown.length > 0) {
  console.error(`bench:pauses: BARRIERS must name strategies (${STRATEGIES.join(", ")}), got "${unknown.join(",")}"`);
  process.exit(2);
}

const dir = mkdtempSync(join(tmpdir(), "tricolor-pauses-"));
const rows = [];
try {
  for (const live of LIVES) {
    for (const barrier of BARRIERS) {
      const file = join(dir, `${barrier}-${live}.json`);
      const steps = Math.round(STEPS_PER_LIVE * live);
      process.stderr.write(`  … churn live ${fmtInt(live)}, ${fmtInt(steps)} steps, ${barrier}\n`);
      const args = [join(ROOT, "bin", "tricolor.js"), "run", join(ROOT, "bench", "churn-peer.js"), "--live", String(live), "--steps", String(steps),
        "--barrier", barrier, "--max-heap", "3GiB", "--json", file];
      const r = spawnSync(process.execPath, args, { stdio: ["ignore", "ignore", "inherit"] });
      if (r.status !== 0) throw new Error(`tricolor ${args.slice(1).join(" ")} exited ${r.status}`);
      const j = JSON.parse(readFileSync(file, "utf8"));
      rows.push({ live, barrier, cycles: j.gc.cycles, pauses: j.gc.pauses.count, maxNs: j.gc.pauses.maxNs, maxWords: j.gc.stwWork.maxWords, wallNs: j.wallNs, peak: j.heap.peakBytes });
    }
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}

console.log(`longest global stop-the-world pause, churn (bench/churn-peer.js), steps = ${STEPS_PER_LIVE} × live, release core, one run each`);
console.log("| barrier | live | cycles | pauses | max pause (wall) | max pause (work, words) | run wall |");
console.log("|---|---|---|---|---|---|---|");
for (const r of rows) {
  console.log(`| ${r.barrier} | ${fmtInt(r.live)} | ${r.cycles} | ${r.pauses} | ${fmtNs(r.maxNs)} | ${fmtInt(r.maxWords)} | ${fmtNs(r.wallNs)} |`);
}
for (const barrier of BARRIERS) {
  const mine = rows.filter((r) => r.barrier === barrier);
  if (mine.length < 2) continue;
  const spread = (k) => Math.max(...mine.map((r) => r[k])) / Math.max(1, Math.min(...mine.map((r) => r[k])));
  console.log(`${barrier}: largest / smallest max pause across live ${mine.map((r) => fmtInt(r.live)).join(", ")}: wall ${fmtRatio(spread("maxNs"))}, work ${mine.every((r) => r.maxWords === 0) ? "0 words at every size" : fmtRatio(spread("maxWords"))}`);
}
