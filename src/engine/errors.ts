/**
 * Typed errors for everything the engine refuses. Each carries the numeric
 * code from src/abi.ts and the values that explain it, and its message names
 * the offending address, index or goroutine so a user can act on it.
 */
import * as abi from "../../contract/abi.js";

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

/** The heap cannot satisfy an allocation even after a full collection. */
export class OutOfMemoryError extends TricolorError {
  constructor(readonly requestedBytes: number, readonly composition: HeapComposition) {
    const top = composition.sites.slice(0, 3).map((s) => `${s.name} ${mib(s.bytes)}`).join(", ");
    super(
      `out of memory: cannot allocate ${requestedBytes} bytes; heap ${mib(composition.heapAllocBytes)} in use ` +
        `of ${mib(composition.heapMaxBytes)} max (stacks ${mib(composition.stackBytes)})` + (top ? `; largest sites: ${top}` : ""),
      abi.E_OUT_OF_MEMORY,
    );
  }
}

/** An allocation larger than the heap could ever hold, or a malformed request. */
export class BadRequestError extends TricolorError {}

export function hex(a: number): string {
  return "0x" + (a >>> 0).toString(16).padStart(8, "0");
}

function mib(bytes: number): string {
  return bytes < 1048576 ? `${(bytes / 1024).toFixed(1)} KiB` : `${(bytes / 1048576).toFixed(1)} MiB`;
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
