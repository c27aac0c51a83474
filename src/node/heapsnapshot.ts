/**
 * Writing a .heapsnapshot to a file (src/report/heapsnapshot.ts makes the
 * text, browser-safe): chunk by chunk with writeSync, so a heap of millions
 * of objects is never one string in memory.
 */
import { closeSync, openSync, writeSync } from "node:fs";
import type { Engine } from "../engine/engine.js";
import { writeHeapSnapshot, type HeapSnapshotSummary } from "../report/heapsnapshot.js";

/** Writes the reachable heap of `engine` to `path` (created or truncated). */
export function writeHeapSnapshotFile(engine: Engine, path: string): HeapSnapshotSummary {
  const fd = openSync(path, "w");
  try {
    return writeHeapSnapshot(engine, (chunk) => { writeSync(fd, chunk); });
  } finally {
    closeSync(fd);
  }
}
