/**
 * The command line: `tricolor run`, `tricolor compare`, `tricolor list` and
 * `tricolor serve` (the browser page, serve.ts).
 *
 * Every refusal is one line on stderr starting with "error:" and a non-zero
 * exit, whether commander finds it (unknown option, missing value) or we do
 * (unknown scenario, a parameter out of range, a size that is not a size).
 * Exit codes: 1 bad input or a failed scenario, 2 out of memory or another
 * engine refusal, 3 a run lost reachable objects or met a corrupt pointer
 * (so CI can gate on it; `none` included: its runs did lose them), 4 with
 * --fail-on-leak, a run with a leak suspect or leaked goroutines (goleak's
 * VerifyNone; src/analysis/goroutines.ts defines leaked). Report
 * paths (--json FILE, --html, --trace) are checked before any work starts.
 * A failed run still prints what it measured (the report, or compare's
 * table) before its error line.
 */
import { Command, Option } from "commander";
import { BARRIERS, type Barrier } from "../engine/strategies.js";
import type { Engine } from "../engine/engine.js";
import { scenarios } from "../scenarios/index.js";
import type { Scenario } from "../scenario/scenario.js";
import { runJob, type JobOutcome } from "../node/job.js";
import { runPool, type PoolReport } from "../node/pool.js";
import type { RunResult } from "../run/run.js";
import { findingsOf, hasLeak, type AnalysedRun } from "../analysis/index.js";
import { count, counted, formatNs, jsonReport, textSummary, type Colors } from "../report/text.js";
import { clockResolutionNs, compareTable, verdicts } from "../report/compare.js";
import { memstats } from "../report/memstats.js";

/** A run's JSON document: the RunResult (with what the memory analysis found, src/node/job.ts) and Go's MemStats of it (docs/json.md). */
const withMemstats = (r: RunResult) => ({ ...r, memstats: memstats(r) });
import { GcTracer } from "../report/gctrace.js";
import { colorsFor, heapChart, Progress } from "./terminal.js";
import { parseBarriers, parseGogc, parseGogcList, parseJobs, type Gogc } from "./flags.js";
import { helpConfiguration, paramDetails, strategiesHelp } from "./help.js";
import { addCommonOptions, checkReportPaths, jobFor, writeReports, type Chosen, type CommonFlags } from "./options.js";
import { addEngineReportOptions, engineReportHook, type EngineReports } from "./options.js";
import { packageVersion } from "./version.js";
import { serveCommand } from "./serve.js";

type RunFlags = CommonFlags & { barrier: Barrier; gogc: Gogc; gctrace?: boolean; gcpacertrace?: boolean; failOnLeak?: boolean };
type CompareFlags = CommonFlags & { barriers: Barrier[]; gogc: Gogc[]; jobs?: number; failOnLeak?: boolean };
type Failure = Extract<JobOutcome, { ok: false }>;

/** Objects a run lost (or corrupt pointers it met), as the one line `run` exits 3 with; null if none. */
export function lossLine(r: RunResult): string | null {
  const parts = [];
  if (r.verify.lostObjects > 0) parts.push(`${counted(r.verify.lostObjects, "reachable object")} lost`);
  if (r.verify.heapCorruptions > 0) parts.push(`${counted(r.verify.heapCorruptions, "pointer")} to no live object met while marking`);
  return parts.length ? `${parts.join(" and ")} under ${r.config.barrier}` : null;
}

/** What --fail-on-leak exits 4 for, as one line: the leak suspects and the leaked goroutines; null if neither. */
export function leakLine(f: AnalysedRun): string | null {
  if (!hasLeak(f)) return null;
  const parts: string[] = [];
  const leaks = f.leaks ?? [];
  if (leaks.length > 0) parts.push(`${counted(leaks.length, "leak suspect")} (${leaks.map((l) => l.name).join(", ")})`);
  const g = f.goroutines;
  if (g && g.leaked > 0) parts.push(`${counted(g.leaked, "leaked goroutine")} (${g.groups.map((x) => `${count(x.count)} × ${x.label || "(no label)"}`).join(", ")})`);
  return `${parts.join(" and ")} in ${f.scenario} under ${f.config.barrier}`;
}

/** Exits with the outcome's error line (after its partial report, if any). */
function failWith(cmd: Command, outcome: Failure): never {
  cmd.error(`error: ${outcome.message}`, { exitCode: outcome.kind === "engine" ? 2 : 1 });
}

/** What `--help` says after the options: how to see a scenario's parameters (none chosen), and the strategies. */
function helpFooter(cmd: Command, chosen: Chosen | undefined): void {
  const how = chosen
    ? ""
    : `Each scenario takes its own parameters: \`tricolor ${cmd.name()} SCENARIO --help\`\nshows them with their defaults and ranges; \`tricolor list\` lists every scenario's.\n\n`;
  cmd.addHelpText("after", `\n${how}${strategiesHelp()}`);
}

function listCommand(program: Command, known: readonly Scenario[]): void {
  program
    .command("list")
    .description("list the scenarios and their parameters")
    .action(() => {
      const c = colorsFor(process.stdout);
      for (const s of known) {
        console.log(`${c.bold(s.name.padEnd(18))} ${s.description}`);
        for (const p of s.params) console.log(`  ${`--${p.name} <${p.type}>`.padEnd(24)} ${p.description} ${c.dim(`(${paramDetails(p)})`)}`);
      }
    });
}

/** The scenario description, under the command's, when `--help` is about one scenario. */
const describe = (what: string, chosen: Chosen | undefined) => (chosen ? `${what}\n\n${chosen.scenario.name}: ${chosen.scenario.description}` : what);

/** gctrace / gcpacertrace lines on stderr, in Go's order within a cycle: startCycle's pacer line, endCycle's, then gcMarkTermination's gc line. */
function traceCycles(engine: Engine, flags: RunFlags): void {
  if (!flags.gctrace && !flags.gcpacertrace) return;
  const tracer = new GcTracer(performance.now() * 1e6, { barrier: flags.barrier });
  engine.onCycle = (c) => {
    const lines = [...(flags.gcpacertrace ? tracer.pacerLines(c) : []), ...(flags.gctrace ? [tracer.line(c)] : [])];
    process.stderr.write(lines.join("\n") + "\n");
  };
}

/** `run`'s report: JSON (with Go's MemStats) or the text summary and heap chart, and the report files. */
function printRun(cmd: Command, flags: RunFlags, result: AnalysedRun, made: EngineReports = {}): void {
  const doc = () => jsonReport(withMemstats(result));
  if (flags.json === true) {
    process.stdout.write(doc() + "\n");
  } else {
    const chart = heapChart(result);
    process.stdout.write("\n" + textSummary(result, colorsFor(process.stdout)) + (chart ? `\n\nheap in use (MiB) over the run's cycles\n${chart}` : "") + "\n");
  }
  if (made.memory) made.memory.findings = findingsOf(result);
  writeReports(cmd, flags, [result], doc, made);
}

function runCommand(program: Command, chosen: Chosen | undefined, known: readonly Scenario[]): void {
  const run = addCommonOptions(program.command("run").description(describe("run a scenario and report its collections", chosen)), chosen, known, [
    new Option("--barrier <name>", "collector strategy (Strategies below); hybrid is Go's").choices([...BARRIERS]).default("hybrid"),
    new Option("--gogc <n|off>", "GOGC: heap growth (%) over the live heap that triggers a cycle").argParser(parseGogc).default(100 as Gogc, "100"),
  ])
    .option("--gctrace", "print one GODEBUG=gctrace=1 line per cycle on stderr")
    .option("--gcpacertrace", "print GODEBUG=gcpacertrace=1's pacer lines per cycle on stderr")
    .option("--fail-on-leak", "exit 4 if the run has a leak suspect or leaked goroutines (goleak's VerifyNone)");
  addEngineReportOptions(run);
  helpFooter(run, chosen);

  run.action(async (name: string, flags: RunFlags) => {
    checkReportPaths(run, flags);
    const progress = new Progress(`${name} (${flags.barrier})`);
    const made: EngineReports = {};
    const outcome = await runJob(jobFor(run, name, flags, known, flags.barrier, run.getOptionValueSource("gogc") === "default" ? undefined : flags.gogc), {
      onLine: flags.json ? undefined : (line) => process.stdout.write(line + "\n"),
      onProgress: (f) => progress.update(f),
      onEngine: (e) => traceCycles(e, flags),
      onEnd: engineReportHook(flags, made),
    });
    progress.stop();
    if (outcome.result) printRun(run, flags, outcome.result, made);
    if (!outcome.ok) failWith(run, outcome);
    const lost = lossLine(outcome.result);
    if (lost) run.error(`error: ${lost}`, { exitCode: 3 });
    const leak = flags.failOnLeak ? leakLine(outcome.result) : null;
    if (leak) run.error(`error: ${leak}`, { exitCode: 4 });
  });
}

/** The --json document of a compare: by strategy, or by GOGC then strategy for a matrix. */
function compareDoc(results: readonly RunResult[], gogcs: readonly Gogc[]): string {
  const byStrategy = (rs: readonly RunResult[]) => Object.fromEntries(rs.map((r) => [r.config.barrier, withMemstats(r)]));
  return jsonReport(gogcs.length === 1 ? byStrategy(results) : Object.fromEntries(gogcs.map((g) => [String(g), byStrategy(results.filter((r) => r.config.gogc === g))])));
}

/** compare's text: the scenario's lines, a table per GOGC value, the verdicts (when every run finished), the cores used. */
function printCompareText(results: readonly RunResult[], seed: number, pool: PoolReport, resolutionNs: number, c: Colors): void {
  for (const line of results[0].output) process.stdout.write(line + "\n");
  // Named as the scenario calls itself, not as the path the user typed.
  const title = results[0].scenario;
  for (const g of new Set(results.map((r) => r.config.gogc))) {
    process.stdout.write(`\n${c.bold(`── tricolor compare · ${title} · GOGC=${g} · seed ${seed} ──`)}\n${compareTable(results.filter((r) => r.config.gogc === g))}\n`);
  }
  process.stdout.write(`\n${verdicts(results, c, { resolutionNs })}\n`);
  const cores = pool.cpuNs / pool.wallNs;
  process.stdout.write(
    c.dim(`${counted(results.length, "run")} on ${counted(pool.threads, "worker thread")} (ids ${[...new Set(pool.ranOn)].join(", ")}): ` +
      `CPU ${formatNs(pool.cpuNs)} in ${formatNs(pool.wallNs)} wall = ${cores.toFixed(2)} cores busy`) + "\n",
  );
}

function compareCommand(program: Command, chosen: Chosen | undefined, known: readonly Scenario[]): void {
  const compare = addCommonOptions(program.command("compare").description(describe("run the same seeded workload under each strategy (and GOGC), side by side, on worker threads", chosen)), chosen, known, [
    new Option("--barriers <list>", "strategies to compare, comma-separated (Strategies below)").argParser(parseBarriers).default([...BARRIERS] as Barrier[], BARRIERS.join(",")),
    new Option("--gogc <list>", "GOGC values: one, or several for a strategy × GOGC matrix (e.g. 50,100,200)").argParser(parseGogcList).default([100] as Gogc[], "100"),
    new Option("--jobs <n>", "worker threads (default: one per core)").argParser(parseJobs),
  ]).option("--fail-on-leak", "exit 4 if any run has a leak suspect or leaked goroutines (goleak's VerifyNone)");
  helpFooter(compare, chosen);

  compare.action(async (name: string, flags: CompareFlags) => {
    checkReportPaths(compare, flags);
    // A GOGC matrix always sets GOGC; a single default value leaves it to the scenario.
    const gogcGiven = compare.getOptionValueSource("gogc") !== "default";
    // compare's report has no memory section: its runs skip the heap analysis, unless --fail-on-leak needs its leak suspects.
    const analysis = flags.failOnLeak === true;
    const jobs = flags.gogc.flatMap((g) => flags.barriers.map((b) => ({ ...jobFor(compare, name, flags, known, b, gogcGiven ? g : undefined), analysis })));
    // Measured before the workers start, so their load does not coarsen it.
    const resolutionNs = clockResolutionNs();
    const progress = new Progress(`compare ${name}`, jobs.length);
    const pool = await runPool(jobs, flags.jobs, (done, total) => progress.update(done / total));
    progress.stop();
    // Every run that measured anything is reported, a failed one up to its failure.
    const results = pool.outcomes.flatMap((o) => (o.result ? [o.result] : []));
    const failed = pool.outcomes.find((o): o is Failure => !o.ok);
    if (results.length > 0) {
      if (flags.json === true) process.stdout.write(compareDoc(results, flags.gogc) + "\n");
      else printCompareText(results, flags.seed, pool, resolutionNs, colorsFor(process.stdout));
      writeReports(compare, flags, results, () => compareDoc(results, flags.gogc));
    }
    if (failed) failWith(compare, failed);
    // none is compared to show what it loses; a safe strategy that loses objects is a bug: exit 3.
    const unsafe = results.filter((r) => r.config.barrier !== "none").map(lossLine).filter((l) => l !== null);
    if (unsafe.length) compare.error(`error: ${unsafe.join("; ")}`, { exitCode: 3 });
    const leaks = flags.failOnLeak ? results.map(leakLine).filter((l) => l !== null) : [];
    if (leaks.length) compare.error(`error: ${leaks.join("; ")}`, { exitCode: 4 });
  });
}

/** The program; `chosen` is the scenario named on the command line (its parameters are the ones `--help` shows). */
export function buildProgram(chosen?: Chosen, extra: readonly Scenario[] = []): Command {
  const known = [...scenarios.values(), ...extra];
  if (chosen && !known.includes(chosen.scenario)) known.push(chosen.scenario);
  const program = new Command("tricolor")
    .description("Run, measure and verify Go-style garbage collection in a WebAssembly heap")
    .version(packageVersion(), "-V, --version", "print tricolor's version")
    .configureHelp(helpConfiguration)
    .configureOutput({ outputError: (s, write) => write(s.split("\n")[0] + "\n") });
  listCommand(program, known);
  runCommand(program, chosen, known);
  compareCommand(program, chosen, known);
  serveCommand(program);
  return program;
}
