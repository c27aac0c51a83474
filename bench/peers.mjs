#!/usr/bin/env node
/**
 * `npm run bench:peers`: tricolor beside real collectors (Go, V8/Node, Boehm)
 * on binary-trees and churn, through the shared GC peers' harness.
 *
 * The harness lives outside this repository (run.sh + harness.py + src/).
 * It is found at $TRICOLOR_PEERS, else at shared/peers in the nearest
 * folder above this repository that has one (../shared/peers for a
 * checkout next to shared/). tricolor joins it as extra systems
 * (bench/peers-systems.tsv: tricolor-hybrid and tricolor-stw, through
 * bench/tricolor-peer.mjs; churn is bench/churn-peer.js, churn.go's program),
 * and churn gets two floors, Go and tricolor with GOGC=off: what each
 * mutator costs with no collector running.
 *
 * Nothing is installed. First the tools are checked: python3 and GNU time
 * (/usr/bin/time) run the harness, go builds the Go peers, gcc and the Boehm
 * headers (/usr/include/gc/gc.h) build the C peers. What is missing is named
 * with the package that provides it, and the rest runs: with everything
 * present this is the harness's own run.sh; without go or Boehm, the
 * binaries that can be built are built here (as run.sh builds them) and
 * harness.py runs the systems that remain.
 *
 * The harness's knobs pass through: RUNS, BT_DEPTH, CHURN_LIVE,
 * CHURN_STEPS, SYSTEMS, WORKLOADS, QUICK=1 (depth 16, 200k/2M, 1 run),
 * OUTDIR, and EXTRA_SYSTEMS (a further TSV, merged with ours). Binaries
 * and results go to $PEERS_WORK, default $TMPDIR/tricolor-peers (never into
 * the shared folder, which run.sh would use when it can write it).
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { delimiter, dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const OURS = join(ROOT, "bench", "peers-systems.tsv");
const say = (line) => process.stderr.write(`bench:peers: ${line}\n`);

/** The harness folder: $TRICOLOR_PEERS, else shared/peers beside the nearest ancestor that has it. */
function findPeers() {
  const isHarness = (d) => existsSync(join(d, "harness.py")) && existsSync(join(d, "run.sh"));
  if (process.env.TRICOLOR_PEERS) {
    const d = resolve(process.env.TRICOLOR_PEERS);
    if (!isHarness(d)) { say(`TRICOLOR_PEERS=${d} has no run.sh and harness.py`); process.exit(2); }
    return d;
  }
  for (let d = dirname(ROOT); ; d = dirname(d)) {
    if (isHarness(join(d, "shared", "peers"))) return join(d, "shared", "peers");
    if (dirname(d) === d) break;
  }
  say(`cannot find the GC peers' harness: no shared/peers in any folder above ${ROOT}; set TRICOLOR_PEERS=/path/to/peers`);
  process.exit(2);
}

const onPath = (cmd) => (process.env.PATH ?? "").split(delimiter).some((d) => d && existsSync(join(d, cmd)));

const peers = findPeers();
const missing = []; // [what, package, consequence]
if (!onPath("python3")) missing.push(["python3", "python3", "the harness cannot run"]);
if (!existsSync("/usr/bin/time")) missing.push(["/usr/bin/time (GNU time)", "time", "the harness cannot run"]);
const haveGo = onPath("go");
const haveBoehm = onPath("gcc") && existsSync("/usr/include/gc/gc.h");
if (!haveGo) missing.push(["go", "golang-go", "go-P1 and go-P2 are skipped"]);
if (!onPath("gcc")) missing.push(["gcc", "gcc", "boehm and boehm-par2 are skipped"]);
if (!existsSync("/usr/include/gc/gc.h")) missing.push(["/usr/include/gc/gc.h (Boehm GC headers)", "libgc-dev", "boehm and boehm-par2 are skipped"]);
if (missing.length) {
  for (const [what, , why] of missing) say(`missing ${what}: ${why}`);
  say(`to get them: apt-get install ${[...new Set(missing.map((m) => m[1]))].join(" ")}`);
}
if (missing.some((m) => m[2] === "the harness cannot run")) process.exit(2);
for (const f of ["dist/src/node/index.js", "build/release.wasm"]) {
  if (!existsSync(join(ROOT, f))) { say(`${f} is missing: run npm run build first`); process.exit(2); }
}

const work = resolve(process.env.PEERS_WORK || join(tmpdir(), "tricolor-peers"));
mkdirSync(join(work, "build"), { recursive: true });

// Our systems, plus any the caller adds.
let extra = OURS;
if (process.env.EXTRA_SYSTEMS) {
  extra = join(work, "extra-systems.tsv");
  writeFileSync(extra, readFileSync(OURS, "utf8") + "\n" + readFileSync(resolve(process.env.EXTRA_SYSTEMS), "utf8"));
}
const env = { ...process.env, PEERS_WORK: work, EXTRA_SYSTEMS: extra, TRICOLOR_ROOT: ROOT };

function run(cmd, args, opts = {}) {
  const r = spawnSync(cmd, args, { stdio: "inherit", env, ...opts });
  if (r.error) { say(`${cmd}: ${r.error.message}`); process.exit(2); }
  return r.status ?? 1;
}

say(`harness ${peers}; binaries and results under ${work}; tricolor ${ROOT}`);
if (haveGo && haveBoehm) process.exit(run("sh", [join(peers, "run.sh")]));

// Part of the peers is missing: build what can be built, as run.sh does, and run the harness on the rest.
if (env.QUICK === "1") {
  env.RUNS ??= "1"; env.BT_DEPTH ??= "16"; env.CHURN_LIVE ??= "200000"; env.CHURN_STEPS ??= "2000000";
}
const builds = [];
if (haveGo) builds.push(["go", ["build", "-o", join(work, "build/bt_go"), join(peers, "src/bt.go")]], ["go", ["build", "-o", join(work, "build/churn_go"), join(peers, "src/churn.go")]]);
if (haveBoehm) {
  builds.push(["gcc", ["-O2", "-Wall", "-o", join(work, "build/bt_boehm"), join(peers, "src/bt_boehm.c"), "-lgc"]]);
  builds.push(["gcc", ["-O2", "-Wall", "-o", join(work, "build/churn_boehm"), join(peers, "src/churn_boehm.c"), "-lgc"]]);
}
for (const [cmd, args] of builds) if (run(cmd, args) !== 0) { say(`${cmd} ${args.join(" ")} failed`); process.exit(2); }

const unavailable = new Set([...(haveGo ? [] : ["go-P1", "go-P2", "go-P1-gogc-off"]), ...(haveBoehm ? [] : ["boehm", "boehm-par2"])]);
const known = ["go-P1", "go-P2", "node", "node-1thr-gc", "boehm", "boehm-par2", ...readFileSync(extra, "utf8").split("\n").filter((l) => l.trim() && !l.startsWith("#")).map((l) => l.split("\t")[1])];
const asked = (env.SYSTEMS ?? "").split(",").filter(Boolean);
env.SYSTEMS = [...new Set(asked.length ? asked : known)].filter((s) => !unavailable.has(s)).join(",");
say(`running ${env.SYSTEMS}`);
process.exit(run("python3", [join(peers, "harness.py")], { cwd: peers }));
