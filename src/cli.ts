/**
 * The command line: `tricolor run <scenario>` and `tricolor list`.
 *
 * Every refusal is one line on stderr starting with "error:" and a non-zero
 * exit, whether commander finds it (unknown option, missing value) or we do
 * (unknown scenario, a parameter out of range, a size that is not a size).
 */
import { Command, InvalidArgumentError, Option } from "commander";
import { loadEngine, type Build } from "./node.js";
import { MAX_HEAP_LIMIT } from "./engine.js";
import { scenarios } from "./scenarios/index.js";
import { ParamError } from "./scenario.js";
import { runScenario } from "./run.js";
import { jsonReport, textSummary } from "./report.js";
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

interface RunFlags {
  json?: boolean;
  maxHeap: number;
  seed: number;
  gogc: number | "off";
  build: Build;
  [param: string]: unknown;
}

function camel(name: string): string {
  return name.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());
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

  const run = program
    .command("run")
    .description("run a scenario and report its collections")
    .argument("<scenario>", `one of: ${[...scenarios.keys()].join(", ")}`)
    .option("--json", "print one JSON object instead of text")
    .option("--max-heap <size>", "hard heap limit (objects + stacks); beyond it allocation is out of memory", parseSize, 1 << 30)
    .option("--seed <n>", "seed for the scenario's random choices", parseSeed, 1)
    .option("--gogc <n|off>", "GOGC: heap growth (%) that triggers a cycle", parseGogc, 100)
    .addOption(new Option("--build <build>", "which core to run").choices(["release", "debug"]).default("release"));

  // Scenario parameters become options; which ones the chosen scenario takes is checked in the action.
  const seen = new Set<string>();
  for (const s of scenarios.values()) {
    for (const p of s.params) {
      if (seen.has(p.name)) continue;
      seen.add(p.name);
      run.option(`--${p.name} <${p.type}>`, `${s.name}: ${p.description} (default ${p.default})`);
    }
  }

  run.action(async (name: string, flags: RunFlags) => {
    const scenario = scenarios.get(name);
    if (!scenario) run.error(`error: unknown scenario '${name}' (known: ${[...scenarios.keys()].join(", ")})`);
    const given: Record<string, string> = {};
    for (const p of seen) {
      const v = flags[camel(p)];
      if (typeof v === "string") given[p] = v;
    }
    try {
      const result = await runScenario(scenario!, (o) => loadEngine({ ...o, build: flags.build }), {
        params: given,
        seed: flags.seed,
        build: flags.build,
        engine: { maxHeap: flags.maxHeap, gogc: flags.gogc },
        onLine: flags.json ? undefined : (line) => process.stdout.write(line + "\n"),
      });
      process.stdout.write((flags.json ? jsonReport(result) : "\n" + textSummary(result)) + "\n");
    } catch (err) {
      if (err instanceof ParamError) run.error(`error: ${err.message}`);
      if (err instanceof TricolorError) run.error(`error: ${name}: ${err.message}`, { exitCode: 2 });
      throw err;
    }
  });
  return program;
}

await buildProgram().parseAsync(process.argv);
