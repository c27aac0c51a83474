/**
 * The core's exports (assembly/index.ts) as the host sees them, and a table
 * of their arities that the compiler checks against this interface: a test
 * (tests/core-exports.test.ts) compares the table with the compiled wasm's
 * exports, names and parameter counts, so the two cannot drift apart.
 */

export interface Core {
  memory: WebAssembly.Memory;
  init(pages: number, globals: number, goroutines: number, queue: number): number;
  setGogc(v: number): void;
  setVerifyEachCycle(on: number): void;
  setQuarantine(on: number): void;
  alloc(site: number, nptr: number, scalar: number): number;
  allocWith(site: number, nptr: number, scalar: number, f0: number, f1: number): number;
  allocPush(g: number, site: number, nptr: number, scalar: number, npop: number): number;
  allocList(g: number, site: number, n: number): number;
  allocTree(g: number, site: number, depth: number): number;
  setBarrier(s: number): number;
  setMemoryLimitBytes(bytes: number): void;
  setBackgroundPercent(p: number): number;
  setMarkQuantum(words: number): number;
  yieldAt(g: number, units: number): number;
  startCycle(): void;
  marking(): number;
  cycleAddress(): number;
  spawn(label: number): number;
  exit(g: number): number;
  pushFrame(g: number, slots: number): number;
  popFrame(g: number): number;
  push(g: number, p: number): number;
  pop(g: number): number;
  drop(g: number, n: number): number;
  peek(g: number, k: number): number;
  setLocal(g: number, i: number, p: number): number;
  getLocal(g: number, i: number): number;
  frameSlots(g: number): number;
  frames(g: number): number;
  stackWords(g: number): number;
  setGlobal(i: number, p: number): number;
  getGlobal(i: number): number;
  writeField(obj: number, i: number, p: number): number;
  readField(obj: number, i: number): number;
  scalarAddress(obj: number, off: number, len: number): number;
  checkHandle(p: number): number;
  collect(): void;
  sweepAll(): void;
  verify(mode: number): number;
  snapshotStats(): void;
  heapProfile(): void;
  statsAddress(): number;
  verifyAddress(): number;
  profileAddress(): number;
  heapBase(): number;
  heapEnd(): number;
  slotBytes(p: number): number;
  sizeClassOf(bytes: number): number;
  classBytes(c: number): number;
  lastErrorCode(): number;
  lastErrorAddr(): number;
  lastErrorArg(): number;
  // Inspection (assembly/inspect.ts): read-only.
  heapMap(fromPage: number): number;
  heapMapAddress(): number;
  slotBits(p: number): number;
  greyQueueSize(): number;
  greyQueueAt(k: number): number;
  siteAllocAddress(): number;
  siteLiveAddress(): number;
  siteLiveEnd(): number;
  analyze(what: number): number;
  analysisFresh(): number;
  analysisAddress(which: number): number;
  analysisIndex(p: number): number;
  analysisIdom(p: number): number;
  analysisRetained(p: number): number;
  analysisTop(k: number): number;
  analysisPath(p: number, skip: number): number;
  analysisRoots(): number;
  analysisShape(p: number, skip: number): number;
  trackAges(on: number): number;
  agesCount(from: number, to: number): number;
  agesAddress(which: number): number;
  // Goroutine report, escapes, fragmentation (assembly/roots.ts, escapes.ts, spans.ts).
  allocLocal(g: number, slot: number, site: number, nptr: number, scalar: number): number;
  escapeSitesAddress(): number;
  escapeTableAddress(): number;
  escapeSampleHead(): number;
  goroutineTable(): number;
  goroutineCount(): number;
  goroutineMaskAddress(): number;
  reachableWithout(): number;
  reachableObjectsWithout(): number;
  stackSites(): number;
  fragmentation(): number;
}

/** Every export but memory, with the number of parameters the interface declares (checked: see the type below). */
export const CORE_ARITY = {
  init: 4, setGogc: 1, setVerifyEachCycle: 1, setQuarantine: 1, alloc: 3, allocWith: 5, allocPush: 5, allocList: 3, allocTree: 3,
  setBarrier: 1, setMemoryLimitBytes: 1, setBackgroundPercent: 1, setMarkQuantum: 1, yieldAt: 2, startCycle: 0, marking: 0,
  cycleAddress: 0, spawn: 1, exit: 1, pushFrame: 2, popFrame: 1, push: 2, pop: 1, drop: 2, peek: 2, setLocal: 3, getLocal: 2,
  frameSlots: 1, frames: 1, stackWords: 1, setGlobal: 2, getGlobal: 1, writeField: 3, readField: 2, scalarAddress: 3,
  checkHandle: 1, collect: 0, sweepAll: 0, verify: 1, snapshotStats: 0, heapProfile: 0, statsAddress: 0, verifyAddress: 0,
  profileAddress: 0, heapBase: 0, heapEnd: 0, slotBytes: 1, sizeClassOf: 1, classBytes: 1, lastErrorCode: 0, lastErrorAddr: 0,
  lastErrorArg: 0,
  heapMap: 1, heapMapAddress: 0, slotBits: 1, greyQueueSize: 0, greyQueueAt: 1,
  siteAllocAddress: 0, siteLiveAddress: 0, siteLiveEnd: 0, analyze: 1, analysisFresh: 0, analysisAddress: 1,
  analysisIndex: 1, analysisIdom: 1, analysisRetained: 1, analysisTop: 1, analysisPath: 2,
  analysisRoots: 0,
  analysisShape: 2, trackAges: 1, agesCount: 2, agesAddress: 1,
  allocLocal: 5, escapeSitesAddress: 0, escapeTableAddress: 0, escapeSampleHead: 0, goroutineTable: 0, goroutineCount: 0,
  goroutineMaskAddress: 0, reachableWithout: 0, reachableObjectsWithout: 0, stackSites: 0, fragmentation: 0,
} as const satisfies { [K in Exclude<keyof Core, "memory">]: Parameters<Core[K]>["length"] };

// Every function of the interface is in the table (satisfies alone checks only the other direction).
type Unlisted = Exclude<Exclude<keyof Core, "memory">, keyof typeof CORE_ARITY>;
const _everyExportListed: [Unlisted] extends [never] ? true : Unlisted = true;
void _everyExportListed;
