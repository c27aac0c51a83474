/**
 * Binary trees in the engine's heap, shared by binary-trees and gcbench:
 * nodes are objects with two pointer slots (left, right) and optional scalar
 * bytes. Building runs on a goroutine's operand stack, so nothing is ever
 * unrooted; counting walks the heap view iteratively, with no allocation.
 */
import type { Engine } from "../engine/engine.js";

/** Builds a complete tree of `depth` bottom-up and leaves its root on top of g's stack. */
export function bottomUpTree(e: Engine, g: number, depth: number, site: number, scalarBytes = 0): void {
  if (depth <= 0) {
    e.allocPush(g, 2, scalarBytes, 0, site);
    return;
  }
  bottomUpTree(e, g, depth - 1, site, scalarBytes);
  bottomUpTree(e, g, depth - 1, site, scalarBytes);
  e.allocPush(g, 2, scalarBytes, 2, site); // pops both subtrees into the new node's fields
}

/** Nodes in the tree at `root`. `stack` is scratch space: 2·depth + 2 entries suffice. */
export function countNodes(e: Engine, root: number, stack: Uint32Array): number {
  let n = 0;
  let top = 0;
  stack[top++] = root;
  while (top > 0) {
    const p = stack[--top];
    n++;
    const left = e.field(p, 0);
    const right = e.field(p, 1);
    if (left !== 0) stack[top++] = left;
    if (right !== 0) stack[top++] = right;
  }
  return n;
}
