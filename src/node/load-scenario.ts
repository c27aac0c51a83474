/**
 * User scenarios: `tricolor run ./my-scenario.js` imports the module and
 * takes its default export (or its `scenario` export) as a Scenario — the
 * same API the built-in ones use (src/scenario.ts). A `.ts` file is compiled
 * on the fly with the TypeScript compiler when it is installed.
 */
import { existsSync } from "node:fs";
import { readFile, rm, writeFile } from "node:fs/promises";
import { dirname, basename, join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { scenarioShapeError, type Scenario } from "../scenario/scenario.js";

/** True if `arg` names a scenario file rather than a built-in scenario. */
export function isScenarioPath(arg: string): boolean {
  return /\.(m?js|ts)$/.test(arg) || arg.includes("/") || arg.includes("\\");
}

/** Loads and checks the scenario module at `path`; throws an Error whose message says what is wrong. */
export async function loadScenarioFile(path: string): Promise<Scenario> {
  const file = resolve(path);
  if (!existsSync(file)) throw new Error(`scenario file ${path} does not exist`);
  const mod = file.endsWith(".ts") ? await importTypeScript(file) : await import(pathToFileURL(file).href);
  const scenario = (mod.default ?? mod.scenario) as unknown;
  const why = scenarioShapeError(scenario);
  if (why) throw new Error(`scenario file ${path} does not export a scenario: ${why}`);
  return scenario as Scenario;
}

/** Transpiles a .ts scenario next to itself (so its relative imports resolve), imports it, removes the copy. */
async function importTypeScript(file: string): Promise<Record<string, unknown>> {
  let ts: typeof import("typescript");
  try {
    ts = (await import("typescript")).default;
  } catch {
    throw new Error(`${file} is TypeScript, and the typescript package is not installed: compile it to .js, or npm install typescript`);
  }
  const out = ts.transpileModule(await readFile(file, "utf8"), {
    compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 },
    fileName: file,
  });
  const tmp = join(dirname(file), `.${basename(file, ".ts")}.${process.pid}.tricolor.mjs`);
  await writeFile(tmp, out.outputText);
  try {
    return await import(pathToFileURL(tmp).href);
  } finally {
    await rm(tmp, { force: true });
  }
}
