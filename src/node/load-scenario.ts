/**
 * User scenarios: `tricolor run ./my-scenario.js` imports the module and
 * takes its default export (or its `scenario` export) as a Scenario — the
 * same API the built-in ones use (src/scenario/scenario.ts). A `.ts` file is
 * compiled on the fly with the TypeScript compiler when it is installed.
 *
 * A module that does not load is named with its file and line, as the user
 * typed the path: `examples/bad.js:12: SyntaxError: Unexpected token ';'`.
 * Node 20's dynamic import() gives a SyntaxError no location at all (only a
 * crash's printout has it), so the line comes from `node --check` on the
 * source; an error thrown while the module runs has it in its stack. A .ts
 * file's syntax errors come from the TypeScript parser, with its lines; what
 * V8 still refuses in the compiled output is mapped back to the .ts line
 * through the compiler's source map.
 */
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { readFile, rm, writeFile } from "node:fs/promises";
import { dirname, basename, join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { scenarioShapeError, type Scenario } from "../scenario/scenario.js";

/** True if `arg` names a scenario file rather than a built-in scenario. */
export function isScenarioPath(arg: string): boolean {
  return /\.(m?js|ts)$/.test(arg) || arg.includes("/") || arg.includes("\\");
}

/** Loads and checks the scenario module at `path`; throws an Error whose message says what is wrong (and where). */
export async function loadScenarioFile(path: string): Promise<Scenario> {
  const file = resolve(path);
  if (!existsSync(file)) throw new Error(`scenario file ${path} does not exist`);
  const mod = file.endsWith(".ts") ? await importTypeScript(file, path) : await importJavaScript(file, path);
  const scenario = (mod.default ?? mod.scenario) as unknown;
  const why = scenarioShapeError(scenario);
  if (why) throw new Error(`scenario file ${path} does not export a scenario: ${why}`);
  return scenario as Scenario;
}

/** `path:line: Name: message` (the line left out when it is not known). */
function located(path: string, line: number | null, name: string, message: string): Error {
  return new Error(`${path}${line === null ? "" : `:${line}`}: ${name}: ${message}`);
}

/** The line of `file` the error's stack points at first (its URL or its path), or null. */
export function lineInStack(err: Error, file: string): number | null {
  const stack = err.stack ?? "";
  for (const where of [pathToFileURL(file).href, file]) {
    const at = stack.indexOf(`${where}:`);
    if (at >= 0) return Number(/^:(\d+)/.exec(stack.slice(at + where.length))?.[1] ?? NaN) || null;
  }
  return null;
}

/** The line of the first syntax error V8 finds in ES module `source` (`node --check` on stdin), or null if it finds none. */
export function syntaxErrorLine(source: string): number | null {
  const r = spawnSync(process.execPath, ["--input-type=module", "--check"], { input: source, encoding: "utf8" });
  const m = /^\[stdin\]:(\d+)/m.exec(r.stderr ?? "");
  return m ? Number(m[1]) : null;
}

/** Imports a JavaScript module; a failure to load names the file and line. */
async function importJavaScript(file: string, path: string): Promise<Record<string, unknown>> {
  try {
    return await import(pathToFileURL(file).href);
  } catch (err) {
    if (!(err instanceof Error)) throw err;
    const line = lineInStack(err, file) ?? (err instanceof SyntaxError ? syntaxErrorLine(await readFile(file, "utf8")) : null);
    throw located(path, line, err.name, err.message);
  }
}

const BASE64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/** One source-map segment's fields (base64 VLQ: 5 bits a digit, bit 6 "more", the lowest bit of the value its sign). */
function decodeSegment(segment: string): number[] {
  const out: number[] = [];
  let value = 0;
  let shift = 0;
  for (const ch of segment) {
    const digit = BASE64.indexOf(ch);
    value += (digit & 31) << shift;
    if (digit & 32) {
      shift += 5;
      continue;
    }
    out.push(value & 1 ? -(value >>> 1) : value >>> 1);
    value = 0;
    shift = 0;
  }
  return out;
}

/**
 * The source line (from 1) that generated line `line` (from 1) comes from,
 * by a source map's `mappings`: the first mapped segment on that line, or
 * the last one before it when the line has none. A segment's source line is
 * a delta from the previous segment's, across lines.
 */
export function originalLine(mappings: string, line: number): number | null {
  let source = 0;
  let last: number | null = null;
  const lines = mappings.split(";");
  for (let g = 0; g < Math.min(line, lines.length); g++) {
    for (const segment of lines[g].split(",")) {
      const f = segment ? decodeSegment(segment) : [];
      if (f.length < 4) continue;
      source += f[2];
      if (g === line - 1) return source + 1;
      last = source + 1;
    }
  }
  return last;
}

/** The first syntax error the TypeScript parser reports, as `path:line: SyntaxError: message`; null if none. */
function typeScriptSyntaxError(ts: typeof import("typescript"), diagnostics: readonly import("typescript").Diagnostic[], path: string): Error | null {
  const d = diagnostics.find((x) => x.category === ts.DiagnosticCategory.Error);
  if (!d) return null;
  const line = d.file && d.start !== undefined ? d.file.getLineAndCharacterOfPosition(d.start).line + 1 : null;
  return located(path, line, "SyntaxError", ts.flattenDiagnosticMessageText(d.messageText, "\n"));
}

/** Transpiles a .ts scenario next to itself (so its relative imports resolve), imports it, removes the copy. */
async function importTypeScript(file: string, path: string): Promise<Record<string, unknown>> {
  let ts: typeof import("typescript");
  try {
    ts = (await import("typescript")).default;
  } catch {
    throw new Error(`${file} is TypeScript, and the typescript package is not installed: compile it to .js, or npm install typescript`);
  }
  const out = ts.transpileModule(await readFile(file, "utf8"), {
    compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022, sourceMap: true },
    fileName: file,
    reportDiagnostics: true,
  });
  const syntax = typeScriptSyntaxError(ts, out.diagnostics ?? [], path);
  if (syntax) throw syntax;
  // The map stays in memory: it is only for naming the .ts line of an error.
  const code = out.outputText.replace(/\n\/\/# sourceMappingURL=.*\s*$/, "\n");
  const mappings = (JSON.parse(out.sourceMapText ?? "{}") as { mappings?: string }).mappings ?? "";
  const tmp = join(dirname(file), `.${basename(file, ".ts")}.${process.pid}.tricolor.mjs`);
  await writeFile(tmp, code);
  try {
    return await import(pathToFileURL(tmp).href);
  } catch (err) {
    if (!(err instanceof Error)) throw err;
    const line = lineInStack(err, tmp) ?? (err instanceof SyntaxError ? syntaxErrorLine(code) : null);
    throw located(path, line === null ? null : originalLine(mappings, line), err.name, err.message);
  } finally {
    await rm(tmp, { force: true });
  }
}
