/**
 * How `--help` and `list` describe things: a scenario parameter's default and
 * range, sizes as people write them (`1 GiB`, not `1073741824`), choices and
 * defaults without JSON quotes, and the strategies' descriptions.
 *
 * Commander prints an option's default as JSON unless it is given a
 * description of it; every default the CLI shows goes through here so `run`,
 * `compare` and `list` print the same words.
 */
import type { Help, Option } from "commander";
import { BARRIERS, STRATEGIES } from "../engine/strategies.js";
import type { ParamSpec } from "../scenario/scenario.js";

export { formatSize } from "../report/text.js";

/** A parameter's range in words ("from 4 to 24", "≥ 1"), or "" when it has none. */
export function paramRange(p: ParamSpec): string {
  if (p.min !== undefined && p.max !== undefined) return `from ${p.min} to ${p.max}`;
  if (p.min !== undefined) return `≥ ${p.min}`;
  if (p.max !== undefined) return `≤ ${p.max}`;
  return "";
}

/** "default: 16, from 4 to 24": what `--help` and `list` print after a parameter's description. */
export function paramDetails(p: ParamSpec): string {
  const range = paramRange(p);
  return `default: ${p.default}${range ? `, ${range}` : ""}`;
}

/** A parameter's help line: its description with its default and range, as commander prints an option's extras. */
export function paramDescription(p: ParamSpec): string {
  return `${p.description} (${paramDetails(p)})`;
}

/**
 * Commander's option description with plain words: choices and defaults
 * unquoted (`choices: stw, dijkstra`, `default: hybrid`), where commander
 * writes them as JSON. Options give their default's words with
 * `.default(value, words)`; a default without words is printed as is.
 */
export function optionDescription(option: Option): string {
  const extra: string[] = [];
  if (option.argChoices) extra.push(`choices: ${option.argChoices.join(", ")}`);
  if (option.defaultValue !== undefined && (option.required || option.optional)) {
    extra.push(`default: ${option.defaultValueDescription ?? String(option.defaultValue)}`);
  }
  return extra.length ? `${option.description} (${extra.join("; ")})` : option.description;
}

/** The help settings every command shares. */
export const helpConfiguration: Partial<Help> = { optionDescription };

/** The strategies, one a line, for the end of `run --help` and `compare --help`. */
export function strategiesHelp(): string {
  const width = Math.max(...BARRIERS.map((b) => b.length));
  return ["Strategies:", ...BARRIERS.map((b) => `  ${b.padEnd(width)}  ${STRATEGIES[b].description}`)].join("\n");
}
