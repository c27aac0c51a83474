// The write barrier: the single entry point for every pointer store into a
// heap object or a global. Stack slots never come here (Go's rule: stack
// writes take no barrier; stacks are rescanned or scanned whole instead).
//
// With the stop-the-world collector the mutator never runs while marking, so
// the barrier is a plain store; concurrent strategies hook in here.

/** Stores pointer `value` into the heap or global word at `slot`. */
// @ts-ignore: decorator
@inline export function writePointer(slot: usize, value: usize): void {
  store<u32>(slot, <u32>value);
}
