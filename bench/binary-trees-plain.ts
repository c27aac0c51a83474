/**
 * binary-trees with plain JS objects, the baseline tricolor's own run is
 * compared against: the same algorithm, the same output lines, V8's collector.
 * Run directly: node dist/bench/binary-trees-plain.js [depth]
 */

interface TreeNode {
  left: TreeNode | null;
  right: TreeNode | null;
}

function bottomUp(depth: number): TreeNode {
  return depth > 0 ? { left: bottomUp(depth - 1), right: bottomUp(depth - 1) } : { left: null, right: null };
}

function itemCheck(node: TreeNode): number {
  return node.left === null ? 1 : 1 + itemCheck(node.left) + itemCheck(node.right!);
}

/** Runs binary-trees at `n`, returning its output lines. */
export function plainBinaryTrees(n: number): string[] {
  const out: string[] = [];
  const maxDepth = Math.max(6, n);
  const stretchDepth = maxDepth + 1;
  out.push(`stretch tree of depth ${stretchDepth}\t check: ${itemCheck(bottomUp(stretchDepth))}`);
  const longLived = bottomUp(maxDepth);
  for (let d = 4; d <= maxDepth; d += 2) {
    const iterations = 2 ** (maxDepth - d + 4);
    let check = 0;
    for (let i = 0; i < iterations; i++) check += itemCheck(bottomUp(d));
    out.push(`${iterations}\t trees of depth ${d}\t check: ${check}`);
  }
  out.push(`long lived tree of depth ${maxDepth}\t check: ${itemCheck(longLived)}`);
  return out;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  for (const line of plainBinaryTrees(Number(process.argv[2] ?? 16))) console.log(line);
}
