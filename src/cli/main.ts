/**
 * `tricolor`'s entry point (bin/tricolor.js). The scenario named on the
 * command line is found (or its module loaded) before the arguments are
 * parsed, because its parameters are options: `run SCENARIO --help` shows
 * that scenario's, with its own defaults. The commands are in program.ts.
 */
import { scenarios } from "../scenarios/index.js";
import { isScenarioPath, loadScenarioFile } from "../node/load-scenario.js";
import { buildProgram } from "./program.js";
import { scenarioArgument, type Chosen } from "./options.js";

/**
 * The scenario the command line names: a built-in one, or the module at a
 * path (a module that does not load is one error line, exit 1). An unknown
 * name is left to the command, which refuses it.
 */
async function chosenScenario(argv: readonly string[]): Promise<Chosen | undefined> {
  const arg = scenarioArgument(argv);
  if (arg === undefined) return undefined;
  const builtin = scenarios.get(arg);
  if (builtin) return { arg, scenario: builtin };
  if (!isScenarioPath(arg)) return undefined;
  try {
    return { arg, scenario: await loadScenarioFile(arg) };
  } catch (err) {
    process.stderr.write(`error: ${(err as Error).message}\n`);
    process.exit(1);
  }
}

await buildProgram(await chosenScenario(process.argv)).parseAsync(process.argv);
