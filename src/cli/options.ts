/**
 * What `run` and `compare` share: the scenario argument (found in argv
 * before parsing) and its parameters, the engine settings, the report
 * files, and how those become a Job.
 *
 * Only the scenario named on the command line shows its parameters in
 * `--help`, with its own defaults and ranges. Every other scenario's
 * parameters are still accepted by the parser, hidden, so that giving one
 * is refused by the scenario itself — "scenario binary-trees has no
 * parameter --live (it takes --depth, …)" — rather than by a bare "unknown
 * option".
 */
import { accessSync, constants, existsSync, statSync, writeFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { Option, type Command } from "commander";
import type { Barrier } from "../engine/strategies.js";
import type { Build } from "../node/index.js";
import type { Job } from "../node/job.js";
import type { RunResult } from "../run/run.js";
import type { Scenario } from "../scenario/scenario.js";
import { renderHtml } from "../node/html.js";
import { writeHeapSnapshotFile } from "../node/heapsnapshot.js";
import type { Engine } from "../engine/engine.js";
import { heapProfile, siteProfiles } from "../report/pprof.js";
import type { MemoryReport } from "../report/html/memory.js";
import { traceJson } from "../report/trace.js";
import { scenarios } from "../scenarios/index.js";
import { formatSize, paramDescription } from "./help.js";
import { parseMemoryLimit, parseSeed, parseSize, type Gogc } from "./flags.js";

export interface CommonFlags {
  /** true: JSON on stdout; a string: JSON into that file. */
  json?: boolean | string;
  html?: string;
  trace?: string;
  /** run only: the end-of-run exports (EngineReports below). */
  pprof?: string;
  heapsnapshot?: string;
  maxHeap: number;
  seed: number;
  memoryLimit: number;
  verify?: boolean;
  build: Build;
  [param: string]: unknown;
}

const MAX_HEAP_DEFAULT = 1 << 30;

/** Help headings, in the order `--help` lists them (after the scenario's parameters). */
const GROUP = { collector: "Collector:", reports: "Reports:" } as const;

const camel = (name: string) => name.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());

/**
 * The scenario's parameters, shown under its own heading, then every other
 * known scenario's, hidden. A parameter has no commander default: what the
 * user gave is told apart by its source (see givenParams), and the scenario
 * fills in its own default when the run starts.
 */
function addParamOptions(cmd: Command, chosen: Scenario | undefined, known: readonly Scenario[]): void {
  const added = new Set<string>();
  const add = (s: Scenario, hidden: boolean) => {
    for (const p of s.params) {
      if (added.has(p.name)) continue;
      added.add(p.name);
      const option = new Option(`--${p.name} <${p.type}>`, paramDescription(p));
      // A hidden option still opens its help group where it is added: give it one that stays empty.
      cmd.addOption(hidden ? option.hideHelp().helpGroup("other scenarios' parameters:") : option);
    }
  };
  if (chosen) {
    cmd.optionsGroup(`${chosen.name} parameters:`);
    add(chosen, false);
  }
  for (const s of known) if (s !== chosen) add(s, true);
}

/** The scenario named on the command line: as typed (a name or a path), and the scenario it names. */
export interface Chosen {
  arg: string;
  scenario: Scenario;
}

/**
 * The options `run` and `compare` share, grouped for `--help`: the chosen
 * scenario's parameters (if one is named on the command line), the collector
 * — the command's own `strategy` options first (--barrier, --gogc …) — then
 * the reports. Returns `cmd` with the Reports group open for more.
 */
export function addCommonOptions(cmd: Command, chosen: Chosen | undefined, known: readonly Scenario[], strategy: readonly Option[]): Command {
  cmd.argument("<scenario>", `a built-in scenario (${[...scenarios.keys()].join(", ")}) or a path to a scenario module`);
  if (chosen) cmd.usage(`${chosen.arg} [options]`);
  addParamOptions(cmd, chosen?.scenario, known);
  cmd.optionsGroup(GROUP.collector);
  for (const o of strategy) cmd.addOption(o);
  cmd
    // Sizes in help as they are typed: "1 GiB".
    .addOption(new Option("--max-heap <size>", "hard heap limit (objects + stacks); beyond it allocation is out of memory").argParser(parseSize).default(MAX_HEAP_DEFAULT, formatSize(MAX_HEAP_DEFAULT)))
    .addOption(new Option("--memory-limit <size|off>", "soft memory limit (GOMEMLIMIT): the heap goal stays under it").argParser(parseMemoryLimit).default(0, "off"))
    .option("--verify", "run the verifier at every mark termination (always on for the none barrier)")
    .option("--seed <n>", "seed for the scenario's random choices", parseSeed, 1)
    .addOption(new Option("--build <build>", "which core to run").choices(["release", "debug"]).default("release"))
    .optionsGroup(GROUP.reports)
    .option("--json [file]", "print one JSON object instead of text (into FILE if given)")
    .option("--html <file>", "write a self-contained HTML report")
    .option("--trace <file>", "write a Chrome trace-event JSON file (chrome://tracing, ui.perfetto.dev)");
  return cmd;
}

/** Scenario parameters given on the command line, as text (checked when the run starts, against the chosen scenario). */
export function givenParams(cmd: Command, flags: CommonFlags, known: readonly Scenario[]): Record<string, string> {
  const given: Record<string, string> = {};
  for (const p of new Set(known.flatMap((s) => s.params.map((q) => q.name)))) {
    const v = flags[camel(p)];
    if (cmd.getOptionValueSource(camel(p)) === "cli" && typeof v === "string") given[p] = v;
  }
  return given;
}

/**
 * A job from the command line. Engine settings the user did not give stay
 * undefined, so a scenario's own engineOptions (e.g. a bigger heap) apply.
 */
export function jobFor(cmd: Command, name: string, flags: CommonFlags, known: readonly Scenario[], barrier: Barrier, gogc: Gogc | undefined): Job {
  const given = (key: string) => cmd.getOptionValueSource(key) !== "default";
  return {
    scenario: name,
    barrier,
    gogc,
    params: givenParams(cmd, flags, known),
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
  if (flags.pprof) out.push(["--pprof", flags.pprof]);
  if (flags.heapsnapshot) out.push(["--heapsnapshot", flags.heapsnapshot]);
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
export function checkReportPaths(cmd: Command, flags: CommonFlags): void {
  for (const [flag, path] of reportPaths(flags)) {
    const why = unwritable(path);
    if (why) cmd.error(`error: cannot write ${flag} ${path}: ${why}`, { exitCode: 1 });
  }
}

/**
 * Writes the --json FILE, --html, --trace and --pprof files a command asked
 * for (and announces the --heapsnapshot the run's end already wrote); a
 * write that still fails is one error line.
 */
export function writeReports(cmd: Command, flags: CommonFlags, results: readonly RunResult[], json: () => string, made: EngineReports = {}): void {
  const render: Record<string, () => string | Uint8Array> = {
    "--json": json, "--html": () => renderHtml(results, made.memory ? { memory: [made.memory] } : {}), "--trace": () => traceJson(results), "--pprof": () => made.pprof ?? new Uint8Array(0),
  };
  for (const [flag, path] of reportPaths(flags)) {
    try {
      if (flag === "--heapsnapshot") {
        if (typeof made.heapsnapshot === "string") throw new Error(made.heapsnapshot);
      } else {
        writeFileSync(path, render[flag]());
      }
    } catch (err) {
      cmd.error(`error: cannot write ${flag} ${path}: ${(err as Error).message}`, { exitCode: 1 });
    }
    process.stderr.write(`wrote ${path}\n`);
  }
}

const BOOLEAN_FLAGS = new Set(["--verify", "--gctrace", "--gcpacertrace", "--help", "-h"]);
BOOLEAN_FLAGS.add("--fail-on-leak");
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

// ── Reports made from the engine when a run ends (run only): --pprof, --heapsnapshot ──

/**
 * What the end-of-run hook made: the --pprof bytes, whether the
 * --heapsnapshot was written (null) or why not, and for --html the run's
 * memory report (its live-by-site series; the panel shows once findings
 * are added to it).
 */
export interface EngineReports {
  pprof?: Uint8Array;
  heapsnapshot?: string | null;
  memory?: MemoryReport;
}

/** `run`'s options for the exports that need the engine itself (added to its Reports group). */
export function addEngineReportOptions(cmd: Command): Command {
  return cmd
    .option("--pprof <file>", "write the per-site heap profile as gzipped profile.proto (go tool pprof FILE)")
    .option("--heapsnapshot <file>", "write the reachable heap at the end (or at out of memory) as a Chrome DevTools .heapsnapshot");
}

/**
 * The runner's onEnd hook for --pprof, --heapsnapshot and --html's memory
 * report (undefined when none was asked for): it fills `made` while the
 * engine is still alive, and writeReports writes or announces the files
 * with the other reports.
 */
export function engineReportHook(flags: CommonFlags, made: EngineReports): ((engine: Engine, result: RunResult) => void) | undefined {
  const { pprof, heapsnapshot, html } = flags;
  if (!pprof && !heapsnapshot && !html) return undefined;
  return (engine, result) => {
    if (html) made.memory = { series: engine.liveBySiteSeries() };
    if (pprof) {
      const c = result.config;
      const params = Object.entries(c.params).map(([k, v]) => ` --${k} ${v}`).join("");
      made.pprof = heapProfile({
        sites: siteProfiles(engine.sitesAllocated(), engine.liveBySite()),
        timeNanos: Date.now() * 1e6 - result.wallNs,
        durationNanos: result.wallNs,
        comments: [`tricolor run ${result.scenario}${params} --barrier ${c.barrier} --gogc ${c.gogc} --seed ${c.seed}`],
      });
    }
    if (heapsnapshot) {
      try {
        writeHeapSnapshotFile(engine, heapsnapshot);
        made.heapsnapshot = null;
      } catch (err) {
        made.heapsnapshot = (err as Error).message;
      }
    }
  };
}
