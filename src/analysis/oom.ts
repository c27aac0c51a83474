/**
 * Out of memory, explained: what the failing request was, the heap in use
 * against its limit, the free memory it could not use (fragmentation: free
 * slots inside part-filled spans per size class, against whole free pages),
 * the largest sites by live bytes, the largest retainers with a path each,
 * and the goroutines' stacks. The engine measured all of it at the failing
 * call (src/engine/engine.ts oomDetail), after the collection that failed to
 * make room; this file shapes it.
 */
import * as abi from "../../contract/abi.js";
import type { RunResult } from "../run/run.js";
import type { GoroutineFinding, OomFinding } from "./findings.js";

/** Sites listed by live bytes. */
export const OOM_TOP_SITES = 5;

export function oomFinding(r: RunResult, goroutines?: GoroutineFinding): OomFinding | undefined {
  const o = r.memoryRaw?.oom;
  if (!o) return undefined;
  const c = o.composition;
  const d = o.detail;
  const empty = { freePages: c.freePages, freePageBytes: c.freePages * abi.PAGE_BYTES, unmappedPages: 0, largestFreeRunPages: 0, partialSpans: 0, freeBytesInPartialSpans: 0, classes: [] };
  return {
    requestedBytes: o.requestedBytes,
    request: d?.request,
    site: d?.site,
    operation: d?.operation,
    heapInUseBytes: c.heapAllocBytes,
    heapMaxBytes: c.heapMaxBytes,
    stackBytes: c.stackBytes,
    fragmentation: d?.fragmentation ?? empty,
    topSites: c.sites.slice(0, OOM_TOP_SITES).map(({ name, objects, bytes }) => ({ name, objects, bytes })),
    retainers: (d?.retainers ?? []).map((x) => ({
      kind: "object" as const,
      site: x.site,
      name: x.siteName,
      handle: x.handle,
      retainedBytes: x.retainedBytes,
      fraction: x.fraction,
      path: { text: x.path, steps: x.steps, objects: 1, length: x.length },
    })),
    goroutines,
  };
}
