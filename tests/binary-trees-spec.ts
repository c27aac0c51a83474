/**
 * binary-trees as the Computer Language Benchmarks Game specifies it,
 * computed from the formula (independently of src/scenarios/binary-trees.ts),
 * and the published output for N = 16.
 */

export const MIN_DEPTH = 4;

/** The long-lived tree's depth: N, but at least MIN_DEPTH + 2. */
export function maxDepth(n: number): number {
  return Math.max(MIN_DEPTH + 2, n);
}

/** Nodes in a complete binary tree of depth d. */
export function nodes(d: number): number {
  return 2 ** (d + 1) - 1;
}

/** The expected output lines for depth N. */
export function binaryTreesLines(n: number): string[] {
  const max = maxDepth(n);
  const lines = [`stretch tree of depth ${max + 1}\t check: ${nodes(max + 1)}`];
  for (let d = MIN_DEPTH; d <= max; d += 2) {
    const iterations = 2 ** (max - d + MIN_DEPTH);
    lines.push(`${iterations}\t trees of depth ${d}\t check: ${iterations * nodes(d)}`);
  }
  lines.push(`long lived tree of depth ${max}\t check: ${nodes(max)}`);
  return lines;
}

/** The result binary-trees reports for depth N: the check of every tree, per depth. */
export function binaryTreesResult(n: number) {
  const max = maxDepth(n);
  const iterations: Record<string, number> = {};
  const checks: Record<string, number> = {};
  for (let d = MIN_DEPTH; d <= max; d += 2) {
    const trees = 2 ** (max - d + MIN_DEPTH);
    iterations[d] = trees;
    checks[d] = trees * nodes(d);
  }
  return { maxDepth: max, stretchDepth: max + 1, stretchCheck: nodes(max + 1), iterations, checks, longLivedCheck: nodes(max) };
}

/** Every node the run allocates: stretch tree, long-lived tree, and all the short-lived ones. */
export function totalNodes(n: number): number {
  const max = maxDepth(n);
  let total = nodes(max + 1) + nodes(max);
  for (let d = MIN_DEPTH; d <= max; d += 2) total += 2 ** (max - d + MIN_DEPTH) * nodes(d);
  return total;
}

/** The published lines for N = 16 quoted in the issue: the first two and the last two of nine. */
export const PUBLISHED_16 = {
  first: ["stretch tree of depth 17\t check: 262143", "65536\t trees of depth 4\t check: 2031616"],
  last: ["16\t trees of depth 16\t check: 2097136", "long lived tree of depth 16\t check: 131071"],
  lines: 9,
};
