/**
 * Typed errors for everything the engine refuses. Each carries the numeric
 * code from src/abi.ts and the values that explain it, and its message names
 * the offending address, index or goroutine so a user can act on it.
 */
import * as abi from "../../contract/abi.js";
import { count, formatBytes } from "../metrics/format.js";
import type { FragmentationReport } from "./fragmentation.js";
import type { RetainerStep } from "./analysis.js";

/** What the heap holds, per size class and per allocation site. */
export interface HeapComposition {
  heapAllocBytes: number;
  heapMappedBytes: number;
  heapMaxBytes: number;
  stackBytes: number;
  freePages: number;
  classes: { sizeClass: number; objectBytes: number; objects: number; bytes: number }[];
  sites: { site: number; name: string; objects: number; bytes: number }[];
}

export class TricolorError extends Error {
  constructor(message: string, readonly code: number) {
    super(message);
    this.name = new.target.name;
  }
}

/** A handle that is not the start of a live object. */
export class InvalidHandleError extends TricolorError {
  constructor(readonly address: number, readonly reason: string, code: number) {
    super(`invalid handle ${hex(address)}: ${reason}`, code);
  }
}

/** A goroutine id, frame slot, stack position, field or global out of range. */
export class OutOfRangeError extends TricolorError {}

/**
 * What an out-of-memory error explains beyond the heap's composition: the
 * request, the free memory the heap could not use for it, who holds the
 * heap, and the goroutines' stacks. The engine measures it at the failing
 * call, after the collection that failed to make room.
 */
export interface OomDetail {
  /** The engine method that failed. */
  operation: string;
  /** What it asked for: an object (of `site`), a goroutine stack, or room in the escape table. */
  request: "object" | "stack" | "escape table";
  site: string | null;
  /** Contiguous pages a new span for the request takes (its class's span, a large object's pages, a stack); 0 if a free slot would have done. */
  pagesNeeded: number;
  fragmentation: FragmentationReport;
  /** The largest retainers (objects, dominator subtrees), with one shortest path each (its text; its steps, the first and last PATH_ENDS_KEPT of `length`); empty if the analysis did not fit. */
  retainers: { handle: number; site: number; siteName: string; retainedBytes: number; fraction: number; path: string; steps: RetainerStep[]; length: number }[];
  goroutines: number;
}

/** The heap cannot satisfy an allocation even after a full collection. */
export class OutOfMemoryError extends TricolorError {
  constructor(readonly requestedBytes: number, readonly composition: HeapComposition, readonly detail?: OomDetail) {
    const top = composition.sites.slice(0, 3).map((s) => `${s.name} ${formatBytes(s.bytes)}`).join(", ");
    super(
      `out of memory: cannot allocate ${requestedBytes} bytes${requestedBytes >= 1024 ? ` (${formatBytes(requestedBytes)})` : ""}${detail ? requestText(detail) : ""}; heap ${formatBytes(composition.heapAllocBytes)} in use ` +
        `of ${formatBytes(composition.heapMaxBytes)} max (stacks ${formatBytes(composition.stackBytes)}${detail ? ` in ${count(detail.goroutines)} goroutine${detail.goroutines === 1 ? "" : "s"}` : ""})` +
        (detail ? `; ${fragmentationText(detail.fragmentation)}` : "") +
        (top ? `; largest sites: ${top}` : "") +
        (detail && detail.retainers.length ? `; top retainers: ${detail.retainers.map(retainerText).join(", ")}` : ""),
      abi.E_OUT_OF_MEMORY,
    );
  }
}

function requestText(d: OomDetail): string {
  const what = d.request === "object" ? `an object${d.site ? ` of ${d.site}` : ""}` : d.request === "stack" ? "a goroutine stack" : "the escape table";
  return ` for ${what} (${d.operation})` + (d.pagesNeeded > 0 ? `, which needs ${count(d.pagesNeeded)} contiguous free page${d.pagesNeeded === 1 ? "" : "s"}` : "");
}

/** "0 free pages; 2.6 MiB free inside 331 part-filled spans (most in 48 B slots: 1.1 MiB)". */
export function fragmentationText(f: FragmentationReport): string {
  const pages = `${count(f.freePages)} free page${f.freePages === 1 ? "" : "s"}` + (f.freePages > 0 && f.unmappedPages === 0 ? ` (longest run ${count(f.largestFreeRunPages)})` : "");
  const most = f.classes[0];
  const inside = `${formatBytes(f.freeBytesInPartialSpans)} free inside ${count(f.partialSpans)} part-filled span${f.partialSpans === 1 ? "" : "s"}`;
  return `${pages}; ${inside}` + (most && f.classes.length > 1 ? ` (most in ${formatBytes(most.slotBytes)} slots: ${formatBytes(most.freeBytes)})` : "");
}

function retainerText(r: OomDetail["retainers"][number]): string {
  return `${r.siteName} ${hex(r.handle)} retains ${formatBytes(r.retainedBytes)} (${(100 * r.fraction).toFixed(0)}%) via ${r.path}`;
}

/** An allocation larger than the heap could ever hold, or a malformed request. */
export class BadRequestError extends TricolorError {}

export function hex(a: number): string {
  return "0x" + (a >>> 0).toString(16).padStart(8, "0");
}


const HANDLE_REASONS: Record<number, string> = {
  [abi.E_NOT_IN_HEAP]: "out of range (not an address inside the heap arena)",
  [abi.E_MISALIGNED]: "misaligned (not the start of an object slot)",
  [abi.E_FREED]: "freed (the object is no longer allocated)",
  [abi.E_NOT_OBJECT]: "not an object (a goroutine stack or span tail)",
};

/** Builds the error for a code returned by the core. `arg` and `addr` are its details. */
export function errorFor(code: number, addr: number, arg: number, what: string): TricolorError {
  const reason = HANDLE_REASONS[code];
  if (reason) return new InvalidHandleError(addr, code === abi.E_NOT_IN_HEAP && addr === 0 ? "nil is not an object" : reason, code);
  switch (code) {
    case abi.E_FIELD_RANGE: return new OutOfRangeError(`${what}: field index ${arg} out of range for object ${hex(addr)}`, code);
    case abi.E_SCALAR_RANGE: return new OutOfRangeError(`${what}: scalar offset ${arg} out of range for object ${hex(addr)}`, code);
    case abi.E_NO_GOROUTINE: return new OutOfRangeError(`${what}: no goroutine with id ${arg}`, code);
    case abi.E_GOROUTINE_EXITED: return new OutOfRangeError(`${what}: goroutine ${arg} has exited`, code);
    case abi.E_NO_FRAME: return new OutOfRangeError(`${what}: goroutine ${arg} has only its first frame (exit it instead)`, code);
    case abi.E_SLOT_RANGE: return new OutOfRangeError(`${what}: slot ${arg} out of range of the top frame`, code);
    case abi.E_STACK_EMPTY: return new OutOfRangeError(`${what}: the top frame holds fewer than ${arg} values`, code);
    case abi.E_GLOBAL_RANGE: return new OutOfRangeError(`${what}: global index ${arg} out of range`, code);
    case abi.E_TOO_LARGE: return new BadRequestError(`${what}: ${arg} exceeds the heap's limits`, code);
    case abi.E_TOO_MANY_GOROUTINES: return new OutOfRangeError(`${what}: goroutine table full`, code);
    case abi.E_BAD_ARGUMENT: return new BadRequestError(`${what}: bad argument ${arg}`, code);
    case abi.E_OUT_OF_MEMORY: return new TricolorError(`${what}: out of memory`, code);
    default: return new TricolorError(`${what}: error code ${code}`, code);
  }
}
