/**
 * The command line: `tricolor run`, `tricolor compare` and `tricolor list`.
 *
 * Every refusal is one line on stderr starting with "error:" and a non-zero
 * exit, whether commander finds it (unknown option, missing value) or we do
 * (unknown scenario, a parameter out of range, a size that is not a size).
 * Exit codes: 1 bad input or a failed scenario, 2 out of memory or another
 * engine refusal, 3 a run lost reachable objects or met a corrupt pointer
 * (so CI can gate on it; `none` included: its runs did lose them). Report
 * paths (--json FILE, --html, --trace) are checked before any work starts.
 */
import { accessSync, constants, existsSync, statSync, writeFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { Command, Option } from "commander";
import { BARRIERS, STRATEGIES, type Barrier } from "../engine/strategies.js";
import type { Build } from "../node/index.js";
import { scenarios } from "../scenarios/index.js";
import type { Scenario } from "../scenario/scenario.js";
import { isScenarioPath, loadScenarioFile } from "../node/load-scenario.js";
import { runJob, type Job, type JobOutcome } from "../node/job.js";
import { runPool } from "../node/pool.js";
import type { RunResult } from "../run/run.js";
import { formatNs, jsonReport, textSummary } from "../report/text.js";
import { compareTable, verdicts } from "../report/compare.js";
import { GcTracer } from "../report/gctrace.js";
import { traceJson } from "../report/trace.js";
import { renderHtml } from "../node/html.js";
import { colorsFor, heapChart, Progress } from "./terminal.js";
import { parseBarriers, parseGogc, parseGogcList, parseJobs, parseMemoryLimit, parseSeed, parseSize, type Gogc } from "./flags.js";

interface CommonFlags {
  /** true: JSON on stdout; a string: JSON into that file. */
  json?: boolean | string;
  html?: string;
  trace?: string;
  maxHeap: number;
  seed: number;
  memoryLimit: number;
  verify?: boolean;
  build: Build;
  [param: string]: unknown;
}

const camel = (name: string) => name.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());

/** The flags `run` and `compare` share: engine settings, outputs, and every known scenario's parameters. */
function addCommonOptions(cmd: Command, known: readonly Scenario[]): Command {
  cmd
    .argument("<scenario>", `a built-in scenario (${[...scenarios.keys()].join(", ")}) or a path to a scenario module`)
    .option("--json [file]", "print one JSON object instead of text (into FILE if given)")
    .option("--html <file>", "write a self-contained HTML report")
    .option("--trace <file>", "write a Chrome trace-event JSON file (chrome://tracing, ui.perfetto.dev)")
    .option("--max-heap <size>", "hard heap limit (objects + stacks); beyond it allocation is out of memory", parseSize, 1 << 30)
    .option("--memory-limit <size|off>", "soft memory limit (GOMEMLIMIT): the heap goal stays under it", parseMemoryLimit, 0)
    .option("--verify", "run the verifier at every mark termination (always on for the none barrier)")
    .option("--seed <n>", "seed for the scenario's random choices", parseSeed, 1)
    .addOption(new Option("--build <build>", "which core to run").choices(["release", "debug"]).default("release"));
  const added = new Set<string>();
  for (const s of known) {
    for (const p of s.params) {
      if (added.has(p.name)) continue;
      added.add(p.name);
      cmd.option(`--${p.name} <${p.type}>`, `${s.name}: ${p.description} (default ${p.default})`);
    }
  }
  return cmd;
}

/** Scenario parameters given on the command line, as text (checked later against the chosen scenario). */
function givenParams(flags: CommonFlags, known: readonly Scenario[]): Record<string, string> {
  const given: Record<string, string> = {};
  for (const p of new Set(known.flatMap((s) => s.params.map((q) => q.name)))) {
    const v = flags[camel(p)];
    if (typeof v === "string") given[p] = v;
  }
  return given;
}

/**
 * A job from the command line. Engine settings the user did not give stay
 * undefined, so a scenario's own engineOptions (e.g. a bigger heap) apply.
 */
function jobFor(cmd: Command, name: string, flags: CommonFlags, known: readonly Scenario[], barrier: Barrier, gogc: Gogc | undefined): Job {
  const given = (key: string) => cmd.getOptionValueSource(key) !== "default";
  return {
    scenario: name,
    barrier,
    gogc,
    params: givenParams(flags, known),
    seed: flags.seed,
    build: flags.build,
    maxHeap: given("maxHeap") ? flags.maxHeap : undefined,
    memoryLimit: given("memoryLimit") ? flags.memoryLimit : undefined,
    verify: !!flags.verify || barrier === "none",
    // A trace file shows every event; other reports need only the bounded lists.
    recordEvents: flags.trace ? "all" : undefined,
  };
}

/** The report files a command asked for, by flag. */
function reportPaths(flags: CommonFlags): [flag: string, path: string][] {
  const out: [string, string][] = [];
  if (typeof flags.json === "string") out.push(["--json", flags.json]);
  if (flags.html) out.push(["--html", flags.html]);
  if (flags.trace) out.push(["--trace", flags.trace]);
  return out;
}

/** Why `path` cannot be written, or null: checked before a run starts, so a long run never ends in a stack trace. */
export function unwritable(path: string): string | null {
  const file = resolve(path);
  if (existsSync(file)) {
    if (statSync(file).isDirectory()) return `${path} is a directory`;
    try { accessSync(file, constants.W_OK); } catch { return `${path} is not writable`; }
    return null;
  }
  const dir = dirname(file);
  if (!existsSync(dir)) return `directory ${dirname(path)} does not exist`;
  if (!statSync(dir).isDirectory()) return `${dirname(path)} is not a directory`;
  try { accessSync(dir, constants.W_OK); } catch { return `directory ${dirname(path)} is not writable`; }
  return null;
}

/** Refuses the command (exit 1) if a report path cannot be written. */
function checkReportPaths(cmd: Command, flags: CommonFlags): void {
  for (const [flag, path] of reportPaths(flags)) {
    const why = unwritable(path);
    if (why) cmd.error(`error: cannot write ${flag} ${path}: ${why}`, { exitCode: 1 });
  }
}

/** Writes the --json FILE, --html and --trace files a command asked for; a write that still fails is one error line. */
function writeReports(cmd: Command, flags: CommonFlags, results: readonly RunResult[], json: () => string): void {
  const render: Record<string, () => string> = { "--json": json, "--html": () => renderHtml(results), "--trace": () => traceJson(results) };
  for (const [flag, path] of reportPaths(flags)) {
    try {
      writeFileSync(path, render[flag]());
    } catch (err) {
      cmd.error(`error: cannot write ${flag} ${path}: ${(err as Error).message}`, { exitCode: 1 });
    }
    process.stderr.write(`wrote ${path}\n`);
  }
}

/** Objects a run lost (or corrupt pointers it met), as the one line `run` exits 3 with; null if none. */
export function lossLine(r: RunResult): string | null {
  const parts = [];
  if (r.verify.lostObjects > 0) parts.push(`${r.verify.lostObjects.toLocaleString("en-US")} reachable object${r.verify.lostObjects === 1 ? "" : "s"} lost`);
  if (r.verify.heapCorruptions > 0) parts.push(`${r.verify.heapCorruptions.toLocaleString("en-US")} pointer${r.verify.heapCorruptions === 1 ? "" : "s"} to no live object met while marking`);
  return parts.length ? `${parts.join(" and ")} under ${r.config.barrier}` : null;
}

/** One line per strategy for --help, from the one description each has (src/engine/strategies.ts). */
function strategyHelp(): string {
  return BARRIERS.map((b) => `${b} = ${STRATEGIES[b].description}`).join("; ");
}

/** Exits with the outcome's error line (after its partial report, if any). */
function failWith(cmd: Command, outcome: Extract<JobOutcome, { ok: false }>): never {
  cmd.error(`error: ${outcome.message}`, { exitCode: outcome.kind === "engine" ? 2 : 1 });
}

export function buildProgram(extra: readonly Scenario[] = []): Command {
  const known = [...scenarios.values(), ...extra];
  const program = new Command("tricolor")
    .description("Run, measure and verify Go-style garbage collection in a WebAssembly heap")
    .configureOutput({ outputError: (s, write) => write(s.split("\n")[0] + "\n") });

  program
    .command("list")
    .description("list the scenarios and their parameters")
    .action(() => {
      const c = colorsFor(process.stdout);
      for (const s of known) {
        console.log(`${c.bold(s.name.padEnd(18))} ${s.description}`);
        for (const p of s.params) {
          const range = [p.min !== undefined ? `min ${p.min}` : "", p.max !== undefined ? `max ${p.max}` : ""].filter(Boolean).join(", ");
          console.log(`  ${`--${p.name} <${p.type}>`.padEnd(24)} ${p.description} ${c.dim(`(default ${p.default}${range ? `; ${range}` : ""})`)}`);
        }
      }
    });

  const run = addCommonOptions(program.command("run").description("run a scenario and report its collections"), known)
    .addOption(new Option("--barrier <name>", `collector strategy (default hybrid, Go's collector): ${strategyHelp()}`).choices([...BARRIERS]).default("hybrid"))
    .option("--gogc <n|off>", "GOGC: heap growth (%) over the live heap that triggers a cycle", parseGogc, 100 as Gogc)
    .option("--gctrace", "print one GODEBUG=gctrace=1 line per cycle on stderr")
    .option("--gcpacertrace", "print GODEBUG=gcpacertrace=1's pacer lines per cycle on stderr");

  run.action(async (name: string, flags: CommonFlags & { barrier: Barrier; gogc: Gogc; gctrace?: boolean; gcpacertrace?: boolean }) => {
    checkReportPaths(run, flags);
    const progress = new Progress(`${name} (${flags.barrier})`);
    const outcome = await runJob(jobFor(run, name, flags, known, flags.barrier, run.getOptionValueSource("gogc") === "default" ? undefined : flags.gogc), {
      onLine: flags.json ? undefined : (line) => process.stdout.write(line + "\n"),
      onProgress: (f) => progress.update(f),
      onEngine: flags.gctrace || flags.gcpacertrace
        ? (engine) => {
            const tracer = new GcTracer(performance.now() * 1e6, { barrier: flags.barrier });
            // Go's order within a cycle: startCycle's pacer line, endCycle's, then gcMarkTermination's gc line.
            engine.onCycle = (c) => {
              const lines = [...(flags.gcpacertrace ? tracer.pacerLines(c) : []), ...(flags.gctrace ? [tracer.line(c)] : [])];
              process.stderr.write(lines.join("\n") + "\n");
            };
          }
        : undefined,
    });
    progress.stop();
    const result = outcome.ok ? outcome.result : outcome.result;
    if (result) {
      const c = colorsFor(process.stdout);
      const chart = heapChart(result);
      if (flags.json === true) process.stdout.write(jsonReport(result) + "\n");
      else process.stdout.write("\n" + textSummary(result, c) + (chart ? `\n\nheap in use (MiB) over the run's cycles\n${chart}` : "") + "\n");
      writeReports(run, flags, [result], () => jsonReport(result));
    }
    if (!outcome.ok) failWith(run, outcome);
    const lost = lossLine(outcome.result);
    if (lost) run.error(`error: ${lost}`, { exitCode: 3 });
  });

  const compare = addCommonOptions(program.command("compare").description("run the same seeded workload under each strategy (and GOGC), side by side, on worker threads"), known)
    .option("--barriers <list>", `strategies to compare, comma-separated (default all): ${strategyHelp()}`, parseBarriers, [...BARRIERS] as Barrier[])
    .option("--gogc <list>", "GOGC values: one, or several for a strategy × GOGC matrix (e.g. 50,100,200)", parseGogcList, [100] as Gogc[])
    .option("--jobs <n>", "worker threads (default: one per core)", parseJobs);

  compare.action(async (name: string, flags: CommonFlags & { barriers: Barrier[]; gogc: Gogc[]; jobs?: number }) => {
    checkReportPaths(compare, flags);
    // A GOGC matrix always sets GOGC; a single default value leaves it to the scenario.
    const gogcGiven = compare.getOptionValueSource("gogc") !== "default";
    const jobs = flags.gogc.flatMap((g) => flags.barriers.map((b) => jobFor(compare, name, flags, known, b, gogcGiven ? g : undefined)));
    const progress = new Progress(`compare ${name}`, jobs.length);
    const pool = await runPool(jobs, flags.jobs, (done, total) => progress.update(done / total));
    progress.stop();
    const failed = pool.outcomes.find((o) => !o.ok);
    if (failed && !failed.ok) failWith(compare, failed);
    const results = pool.outcomes.map((o) => (o as Extract<JobOutcome, { ok: true }>).result);
    const byStrategy = (rs: RunResult[]) => Object.fromEntries(rs.map((r) => [r.config.barrier, r]));
    const doc = () => jsonReport(flags.gogc.length === 1 ? byStrategy(results) : Object.fromEntries(flags.gogc.map((g) => [String(g), byStrategy(results.filter((r) => r.config.gogc === g))])));
    if (flags.json === true) {
      process.stdout.write(doc() + "\n");
    } else {
      const c = colorsFor(process.stdout);
      for (const line of results[0].output) process.stdout.write(line + "\n");
      for (const g of new Set(results.map((r) => r.config.gogc))) {
        process.stdout.write(`\n${c.bold(`── tricolor compare · ${name} · GOGC=${g} · seed ${flags.seed} ──`)}\n${compareTable(results.filter((r) => r.config.gogc === g))}\n`);
      }
      process.stdout.write(`\n${verdicts(results, c)}\n`);
      const cores = pool.cpuNs / pool.wallNs;
      process.stdout.write(
        c.dim(`${results.length} runs on ${pool.threads} worker threads (ids ${[...new Set(pool.ranOn)].join(", ")}): ` +
          `CPU ${formatNs(pool.cpuNs)} in ${formatNs(pool.wallNs)} wall = ${cores.toFixed(2)} cores busy`) + "\n",
      );
    }
    writeReports(compare, flags, results, doc);
    // none is compared to show what it loses; a safe strategy that loses objects is a bug: exit 3.
    const unsafe = results.filter((r) => r.config.barrier !== "none").map(lossLine).filter((l) => l !== null);
    if (unsafe.length) compare.error(`error: ${unsafe.join("; ")}`, { exitCode: 3 });
  });
  return program;
}

const BOOLEAN_FLAGS = new Set(["--verify", "--gctrace", "--gcpacertrace", "--help", "-h"]);
/** Flags whose value is optional: they take the next token only if it looks like their value. */
const OPTIONAL_VALUE: Record<string, RegExp> = { "--json": /\.json$/i };

/**
 * The scenario argument of `run`/`compare`: the first positional token after
 * the command, skipping options and their values (so `--trace dir/t.json`
 * is never taken for a scenario module).
 */
export function scenarioArgument(argv: readonly string[]): string | undefined {
  const rest = argv.slice(2);
  if (rest[0] !== "run" && rest[0] !== "compare") return undefined;
  for (let i = 1; i < rest.length; i++) {
    const t = rest[i];
    if (t === "--") return rest[i + 1];
    if (t.startsWith("-")) {
      const optional = OPTIONAL_VALUE[t];
      if (optional) { if (optional.test(rest[i + 1] ?? "")) i++; continue; }
      if (!BOOLEAN_FLAGS.has(t) && !t.includes("=")) i++;
      continue;
    }
    return t;
  }
  return undefined;
}

/** The scenario module named on the command line, loaded before parsing so its parameters become flags. */
async function userScenarios(argv: readonly string[]): Promise<Scenario[]> {
  const arg = scenarioArgument(argv);
  if (arg === undefined || scenarios.has(arg) || !isScenarioPath(arg)) return [];
  try {
    return [await loadScenarioFile(arg)];
  } catch (err) {
    process.stderr.write(`error: ${(err as Error).message}\n`);
    process.exit(1);
  }
}

await buildProgram(await userScenarios(process.argv)).parseAsync(process.argv);
