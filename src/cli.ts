/**
 * The command line: `tricolor run <scenario>`, `tricolor compare <scenario>`
 * and `tricolor list`.
 *
 * Every refusal is one line on stderr starting with "error:" and a non-zero
 * exit, whether commander finds it (unknown option, missing value) or we do
 * (unknown scenario, a parameter out of range, a size that is not a size).
 */
import { Command, InvalidArgumentError, Option } from "commander";
import { loadEngine, type Build } from "./node.js";
import { BARRIERS, MAX_HEAP_LIMIT, type Barrier } from "./engine.js";
import { scenarios } from "./scenarios/index.js";
import { ParamError } from "./scenario.js";
import { runScenario, type RunResult } from "./run.js";
import { compareTable, jsonReport, textSummary } from "./report.js";
import { GcTracer } from "./gctrace.js";
import { TricolorError } from "./errors.js";

const UNITS: Record<string, number> = { "": 1, b: 1, k: 2 ** 10, kb: 2 ** 10, kib: 2 ** 10, m: 2 ** 20, mb: 2 ** 20, mib: 2 ** 20, g: 2 ** 30, gb: 2 ** 30, gib: 2 ** 30 };

/** Parses "512MiB", "1GiB", "64m", "1048576" (units are binary, as in GOMEMLIMIT). */
export function parseSize(text: string): number {
  const m = /^\s*(\d+(?:\.\d+)?)\s*([a-z]*)\s*$/i.exec(text);
  const unit = m ? UNITS[m[2].toLowerCase()] : undefined;
  if (!m || unit === undefined) throw new InvalidArgumentError(`expected a size like 64MiB, 1GiB or 1048576, got "${text}"`);
  const bytes = Math.floor(Number(m[1]) * unit);
  if (bytes < 2 ** 20 || bytes > MAX_HEAP_LIMIT) throw new InvalidArgumentError(`size must be between 1MiB and 3GiB, got "${text}"`);
  return bytes;
}

function parseSeed(text: string): number {
  const n = Number(text);
  if (!/^\s*\d+\s*$/.test(text) || !Number.isSafeInteger(n) || n > 2 ** 32 - 1) throw new InvalidArgumentError(`expected an integer from 0 to 4294967295, got "${text}"`);
  return n;
}

function parseGogc(text: string): number | "off" {
  if (text.trim().toLowerCase() === "off") return "off";
  const n = Number(text);
  if (!/^\s*\d+\s*$/.test(text) || n > 1e6) throw new InvalidArgumentError(`expected "off" or a percentage from 0 to 1000000, got "${text}"`);
  return n;
}

interface CommonFlags {
  json?: boolean;
  maxHeap: number;
  seed: number;
  gogc: number | "off";
  memoryLimit: number;
  verify?: boolean;
  build: Build;
  [param: string]: unknown;
}

function camel(name: string): string {
  return name.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());
}

function parseMemoryLimit(text: string): number {
  return text.trim().toLowerCase() === "off" ? 0 : parseSize(text);
}

function parseBarriers(text: string): Barrier[] {
  const names = text.split(",").map((s) => s.trim()).filter(Boolean);
  const bad = names.filter((n) => !BARRIERS.includes(n as Barrier));
  if (names.length === 0 || bad.length) throw new InvalidArgumentError(`expected a comma-separated list of ${BARRIERS.join(", ")}, got "${text}"`);
  return [...new Set(names)] as Barrier[];
}

/** Every scenario parameter name, once (scenarios may share names such as --size). */
const PARAM_NAMES = new Set([...scenarios.values()].flatMap((s) => s.params.map((p) => p.name)));

/** The flags `run` and `compare` share: engine settings and every scenario's parameters. */
function addCommonOptions(cmd: Command): Command {
  cmd
    .argument("<scenario>", `one of: ${[...scenarios.keys()].join(", ")}`)
    .option("--json", "print one JSON object instead of text")
    .option("--max-heap <size>", "hard heap limit (objects + stacks); beyond it allocation is out of memory", parseSize, 1 << 30)
    .option("--gogc <n|off>", "GOGC: heap growth (%) over the live heap that triggers a cycle", parseGogc, 100)
    .option("--memory-limit <size|off>", "soft memory limit (GOMEMLIMIT): the heap goal stays under it", parseMemoryLimit, 0)
    .option("--verify", "run the verifier at every mark termination (always on for --barrier none)")
    .option("--seed <n>", "seed for the scenario's random choices", parseSeed, 1)
    .addOption(new Option("--build <build>", "which core to run").choices(["release", "debug"]).default("release"));
  const added = new Set<string>();
  for (const s of scenarios.values()) {
    for (const p of s.params) {
      if (added.has(p.name)) continue;
      added.add(p.name);
      cmd.option(`--${p.name} <${p.type}>`, `${s.name}: ${p.description} (default ${p.default})`);
    }
  }
  return cmd;
}

/** Which scenario parameters were given on the command line, as text. */
function givenParams(flags: CommonFlags): Record<string, string> {
  const given: Record<string, string> = {};
  for (const p of PARAM_NAMES) {
    const v = flags[camel(p)];
    if (typeof v === "string") given[p] = v;
  }
  return given;
}

export function buildProgram(): Command {
  const program = new Command("tricolor")
    .description("Run, measure and verify Go-style garbage collection in a WebAssembly heap")
    .configureOutput({ outputError: (s, write) => write(s.split("\n")[0] + "\n") });

  program
    .command("list")
    .description("list the scenarios and their parameters")
    .action(() => {
      for (const s of scenarios.values()) {
        console.log(`${s.name.padEnd(16)} ${s.description}`);
        for (const p of s.params) console.log(`  --${p.name} <${p.type}>`.padEnd(24) + `${p.description} (default ${p.default})`);
      }
    });

  const run = addCommonOptions(program.command("run").description("run a scenario and report its collections"))
    .addOption(new Option("--barrier <name>", "collector strategy").choices([...BARRIERS]).default("stw"))
    .option("--gctrace", "print one GODEBUG=gctrace=1 line per cycle on stderr");
  const compare = addCommonOptions(program.command("compare").description("run the same seeded workload under each strategy, side by side"))
    .option("--barriers <list>", "strategies to compare", parseBarriers, [...BARRIERS] as Barrier[]);

  /** Runs `name` once with `barrier`; scenario and engine errors become one error line. */
  async function runOnce(cmd: Command, name: string, flags: CommonFlags, barrier: Barrier, hooks: { onLine?: (l: string) => void; gctrace?: boolean }): Promise<RunResult> {
    const scenario = scenarios.get(name);
    if (!scenario) cmd.error(`error: unknown scenario '${name}' (known: ${[...scenarios.keys()].join(", ")})`);
    try {
      return await runScenario(scenario!, (o) => loadEngine({ ...o, build: flags.build }), {
        params: givenParams(flags),
        seed: flags.seed,
        build: flags.build,
        engine: { barrier, maxHeap: flags.maxHeap, gogc: flags.gogc, memoryLimit: flags.memoryLimit, verifyEachCycle: !!flags.verify },
        onLine: hooks.onLine,
        onEngine: hooks.gctrace
          ? (engine) => {
              const tracer = new GcTracer(performance.now() * 1e6);
              engine.onCycle = (c) => process.stderr.write(tracer.line(c) + "\n");
            }
          : undefined,
      });
    } catch (err) {
      if (err instanceof ParamError) cmd.error(`error: ${err.message}`);
      if (err instanceof TricolorError) cmd.error(`error: ${name} (${barrier}): ${err.message}`, { exitCode: 2 });
      throw err;
    }
  }

  run.action(async (name: string, flags: CommonFlags & { barrier: Barrier; gctrace?: boolean }) => {
    const result = await runOnce(run, name, flags, flags.barrier, {
      onLine: flags.json ? undefined : (line) => process.stdout.write(line + "\n"),
      gctrace: flags.gctrace,
    });
    process.stdout.write((flags.json ? jsonReport(result) : "\n" + textSummary(result)) + "\n");
  });

  compare.action(async (name: string, flags: CommonFlags & { barriers: Barrier[] }) => {
    const results: RunResult[] = [];
    for (const barrier of flags.barriers) results.push(await runOnce(compare, name, flags, barrier, {}));
    if (flags.json) {
      process.stdout.write(jsonReport(Object.fromEntries(results.map((r) => [r.config.barrier, r]))) + "\n");
      return;
    }
    for (const line of results[0].output) process.stdout.write(line + "\n");
    process.stdout.write(`\n── tricolor compare · ${name} · GOGC=${flags.gogc} · seed ${flags.seed} ──\n` + compareTable(results) + "\n");
  });
  return program;
}

await buildProgram().parseAsync(process.argv);
