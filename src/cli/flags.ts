/** Parsers for CLI flag values: each throws commander's InvalidArgumentError with what was expected. */
import { InvalidArgumentError } from "commander";
import { BARRIERS, MAX_HEAP_LIMIT, type Barrier, type Gogc } from "../engine/engine.js";
import { gogcValue, MAX_GOGC, sizeValue } from "../metrics/values.js";

export type { Gogc };

/** Parses "512MiB", "1GiB", "64m", "1048576" (units are binary, as in GOMEMLIMIT; src/metrics/values.ts). */
export function parseSize(text: string): number {
  const bytes = sizeValue(text);
  if (bytes === null) throw new InvalidArgumentError(`expected a size like 64MiB, 1GiB or 1048576, got "${text}"`);
  if (bytes < 2 ** 20 || bytes > MAX_HEAP_LIMIT) throw new InvalidArgumentError(`size must be between 1MiB and 3GiB, got "${text}"`);
  return bytes;
}

export function parseMemoryLimit(text: string): number {
  return text.trim().toLowerCase() === "off" ? 0 : parseSize(text);
}

export function parseSeed(text: string): number {
  const n = Number(text);
  if (!/^\s*\d+\s*$/.test(text) || !Number.isSafeInteger(n) || n > 2 ** 32 - 1) throw new InvalidArgumentError(`expected an integer from 0 to 4294967295, got "${text}"`);
  return n;
}


export function parseGogc(text: string): Gogc {
  const g = gogcValue(text);
  if (g === null) throw new InvalidArgumentError(`expected "off" or a percentage from 0 to ${MAX_GOGC}, got "${text}"`);
  return g;
}

/** "50,100,200" → [50, 100, 200]; each value as parseGogc. */
export function parseGogcList(text: string): Gogc[] {
  const parts = text.split(",").map((s) => s.trim()).filter(Boolean);
  if (parts.length === 0) throw new InvalidArgumentError(`expected GOGC values like 50,100,200, got "${text}"`);
  return [...new Set(parts.map(parseGogc))];
}

export function parseBarriers(text: string): Barrier[] {
  const names = text.split(",").map((s) => s.trim()).filter(Boolean);
  const bad = names.filter((n) => !BARRIERS.includes(n as Barrier));
  if (names.length === 0 || bad.length) throw new InvalidArgumentError(`expected a comma-separated list of ${BARRIERS.join(", ")}, got "${text}"`);
  return [...new Set(names)] as Barrier[];
}

export function parseJobs(text: string): number {
  const n = Number(text);
  if (!/^\s*\d+\s*$/.test(text) || n < 1 || n > 64) throw new InvalidArgumentError(`expected a number of worker threads from 1 to 64, got "${text}"`);
  return n;
}
