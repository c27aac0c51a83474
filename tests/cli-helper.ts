/**
 * The one way tests run the command line: bin/tricolor.js (which runs the
 * dist build, so `npm run tsbuild` after changing src/) in a child Node, from
 * the repository root so relative paths (examples/, tests/fixtures/) work,
 * with room for a large --json document and a timeout so a hung run fails
 * its test instead of the suite.
 */
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";

/** The repository root (where package.json is). */
export const ROOT = fileURLToPath(new URL("..", import.meta.url));
export const BIN = fileURLToPath(new URL("../bin/tricolor.js", import.meta.url));

export interface CliResult {
  /** The exit code (null if the process was killed, e.g. by the timeout). */
  status: number | null;
  stdout: string;
  stderr: string;
}

export interface CliOptions {
  /** Extra environment variables (on top of this process's). */
  env?: Record<string, string | undefined>;
  timeoutMs?: number;
}

/** Runs `tricolor ARGS…` to completion, with `options`. */
export function cliWith(options: CliOptions, ...args: string[]): CliResult {
  const r = spawnSync(process.execPath, [BIN, ...args], {
    cwd: ROOT,
    encoding: "utf8",
    maxBuffer: 1 << 28,
    timeout: options.timeoutMs ?? 110_000,
    env: { ...process.env, ...options.env },
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** Runs `tricolor ARGS…` to completion. */
export const cli = (...args: string[]): CliResult => cliWith({}, ...args);

/** Runs `tricolor ARGS… --json`, expects exit 0 and a quiet stderr, and parses stdout. */
export function cliJson<T = Record<string, unknown>>(...args: string[]): T {
  const r = cli(...args, "--json");
  if (r.status !== 0 || r.stderr !== "") throw new Error(`tricolor ${args.join(" ")} --json exited ${r.status}: ${r.stderr}`);
  return JSON.parse(r.stdout) as T;
}

/** stderr's non-empty lines. */
export const stderrLines = (r: CliResult): string[] => r.stderr.split("\n").filter((l) => l !== "");
