// Bulk builders: whole graphs built inside the core with no host call per
// object. They serve benchmarks (allocation cost without the boundary) and
// tests that need millions of objects fast. Each keeps what it builds rooted
// on a goroutine's stack the whole time, exactly as a host mutator must, so
// a collection in the middle of a build is safe.

import { HEADER_BYTES, OK } from "../contract/abi";
import { allocObject } from "./alloc";
import { writePointer } from "./barrier";
import { pushRaw, topAddress, dropValues } from "./roots";

/** A zeroed object with `nptr` pointer slots and `scalar` bytes, allocated by goroutine `d`; 0 on out of memory. */
function newNode(d: usize, site: u32, nptr: u32, scalar: u32): usize {
  return allocObject(site, nptr, HEADER_BYTES + (nptr << 2) + scalar, d);
}

/**
 * Pushes a linked list of `n` 16-byte nodes (one pointer, four scalar bytes
 * holding the node's index) onto goroutine `d`; the head is pushed last.
 * Returns false on out of memory, with the partial list still pushed.
 */
export function buildList(d: usize, site: u32, n: u32): bool {
  if (pushRaw(d, 0) != OK) return false;
  let top = topAddress(d, 0);
  for (let i: u32 = 0; i < n; i++) {
    let p = newNode(d, site, 1, 4);
    if (p == 0) return false;
    top = topAddress(d, 0); // the stack may not move, but read it fresh after an allocation anyway
    writePointer(p + HEADER_BYTES, <usize>load<u32>(top));
    store<u32>(p + HEADER_BYTES + 4, i);
    store<u32>(top, <u32>p); // a new object replaces the head: black during a mark, no stack rule
  }
  return true;
}

/** Pushes a complete binary tree of `depth` (2^(depth+1) − 1 nodes) onto goroutine `d`. */
export function buildTree(d: usize, site: u32, depth: u32): bool {
  if (depth > 0) {
    if (!buildTree(d, site, depth - 1)) return false;
    if (!buildTree(d, site, depth - 1)) return false;
  }
  let p = newNode(d, site, 2, 0);
  if (p == 0) return false;
  if (depth > 0) {
    writePointer(p + HEADER_BYTES, <usize>load<u32>(topAddress(d, 1)));
    writePointer(p + HEADER_BYTES + 4, <usize>load<u32>(topAddress(d, 0)));
    dropValues(d, 2);
  }
  return pushRaw(d, p) == OK; // a new object: black during a mark
}
