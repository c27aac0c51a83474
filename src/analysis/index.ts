/**
 * The memory analysis of a run: what src/analysis/findings.ts describes,
 * computed from the RunResult (browser-safe, no engine needed). One function
 * per finding kind, composed here.
 *
 * (This branch fills goroutines, escapes and oom; sites, leaks and retainers
 * come from the leak-suspect analysis, which this composer leaves empty.)
 */
import type { RunResult } from "../run/run.js";
import type { MemoryFindings } from "./findings.js";
import { goroutineFinding } from "./goroutines.js";
import { escapeFindings } from "./escapes.js";
import { oomFinding } from "./oom.js";

export function analyseMemory(r: RunResult): MemoryFindings {
  const goroutines = goroutineFinding(r);
  const oom = oomFinding(r, goroutines);
  return {
    sites: [],
    leaks: [],
    retainers: [],
    ...(goroutines ? { goroutines } : {}),
    escapes: escapeFindings(r),
    ...(oom ? { oom } : {}),
  };
}

/** The run has what --fail-on-leak fails on: a leak suspect, or leaked goroutines. */
export function hasLeak(f: MemoryFindings): boolean {
  return f.leaks.length > 0 || (f.goroutines?.leaked ?? 0) > 0;
}
