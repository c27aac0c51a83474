#!/usr/bin/env node
/**
 * Self instruction counts (Ir) per function from a callgrind profile of
 * Node, with V8's JIT code (JavaScript, wasm, builtins, wrappers) named.
 *
 * Callgrind sees JIT code as anonymous addresses ("???:0x2ffcd3e35bc0").
 * Node run with --perf-basic-prof writes /tmp/perf-<pid>.map (start, size,
 * name for every code object it creates); this maps each address back to
 * its name. Wasm functions come out as "assembly/<module>/<fn>" when the
 * core carries a name section (asc --debug), with their tier (liftoff or
 * turbofan) folded away.
 *
 *   valgrind --tool=callgrind --callgrind-out-file=cg.%p.out node --perf-basic-prof \
 *     --interpreted-frames-native-stack bin/tricolor.js run binary-trees --depth 19
 *   node bench/profile/callgrind-jit.mjs cg.<pid>.out [/tmp/perf-<pid>.map] [--top N] [--json out.json]
 *
 * Prints the total, a breakdown by category (see categorize()) and the
 * top N functions by self Ir. Self cost only: a cost line right after a
 * "calls=" line is the callee's inclusive cost and is skipped.
 */
import { readFileSync, writeFileSync } from "node:fs";

const args = process.argv.slice(2);
const opt = (name, def) => {
  const i = args.indexOf(name);
  if (i < 0) return def;
  const v = args[i + 1];
  args.splice(i, 2);
  return v;
};
const top = Number(opt("--top", "40"));
const jsonOut = opt("--json", null);
const [cgFile, mapArg] = args;
if (!cgFile) {
  console.error("usage: callgrind-jit.mjs callgrind.out [perf-PID.map] [--top N] [--json FILE]");
  process.exit(1);
}

// ── the callgrind file: self cost per (object, function) ──────────────────
const text = readFileSync(cgFile, "utf8");
const pid = /^pid: (\d+)/m.exec(text)?.[1];
const mapFile = mapArg ?? `/tmp/perf-${pid}.map`;

// ── the perf map: address ranges of JIT code ──────────────────────────────
const entries = [];
try {
  for (const l of readFileSync(mapFile, "utf8").split("\n")) {
    const m = /^([0-9a-f]+) ([0-9a-f]+) (.*)$/.exec(l);
    if (m) entries.push({ start: parseInt(m[1], 16), end: parseInt(m[1], 16) + parseInt(m[2], 16), name: m[3], order: entries.length });
  }
} catch (err) {
  console.error(`warning: no perf map (${err.message}); JIT code stays anonymous`);
}
entries.sort((a, b) => a.start - b.start);
/**
 * V8 reuses code space: an address may lie in several entries over the run
 * (callgrind has no timestamps to tell them apart). Hot code is optimized
 * code, so the entry kept is the most optimized one (TurboFan JS "*" and
 * wasm first, then Maglev "+", Sparkplug "^", interpreter "~", the rest),
 * the latest written among equals. Ir at addresses where two entries of the
 * same rank compete is counted in `ambiguousIr` and printed.
 */
const rank = (name) => (/^JS:\*|-turbofan$/.test(name) ? 5 : /^JS:\+/.test(name) ? 4 : /^JS:\^/.test(name) ? 3 : /^JS:~|-liftoff$/.test(name) ? 2 : 1);
const ambiguous = new Set();
function lookup(addr) {
  let lo = 0, hi = entries.length;
  while (lo < hi) { const mid = (lo + hi) >> 1; if (entries[mid].start <= addr) lo = mid + 1; else hi = mid; }
  let best = null, tie = false;
  for (let i = lo - 1; i >= 0 && i >= lo - 256; i--) {
    const e = entries[i];
    if (addr >= e.end) continue;
    const r = rank(e.name);
    if (best && r === best.r && e.name !== best.e.name) tie = true;
    if (!best || r > best.r || (r === best.r && e.order > best.e.order)) {
      if (best && r > best.r) tie = false;
      best = { e, r };
    }
  }
  if (tie) ambiguous.add(addr);
  return best?.e.name ?? null;
}
/** The perf map's name for JIT code at addr (not V8's embedded builtins, which node's symbols name), or null. */
const jitCache = new Map();
function jitName(addr) {
  let n = jitCache.get(addr);
  if (n === undefined) {
    n = lookup(addr);
    if (n !== null && /^(Builtin|BytecodeHandler):/.test(n)) n = null;
    jitCache.set(addr, n);
  }
  return n;
}

const names = { ob: new Map(), fn: new Map() };
// Without --dump-instr=yes, JIT code is attributed to the address a call entered it by
// (for wasm: a jump-table slot), so the core's functions cannot be told apart. With it,
// every cost line carries its instruction address, which the perf map resolves.
const withInstr = /^positions:.*\binstr\b/m.test(text);
if (!withInstr) console.error("warning: profile without --dump-instr=yes: wasm code is attributed to jump-table slots, not to functions");
const self = new Map(); // "ob\tfn" -> Ir, for code with symbols
const jit = new Map(); // instruction address -> Ir, for anonymous code (ob ???)
let ob = "", fn = "", afterCalls = false, total = 0, addr = 0;
const nameOf = (kind, rest) => {
  const m = /^\((\d+)\)(?: (.*))?$/.exec(rest);
  if (!m) return rest;
  if (m[2] !== undefined) names[kind].set(m[1], m[2]);
  return names[kind].get(m[1]) ?? rest;
};
const subpos = (tok, last) => {
  if (tok === "*") return last;
  if (tok[0] === "+") return last + Number(tok.slice(1));
  if (tok[0] === "-") return last - Number(tok.slice(1));
  return Number(tok); // decimal or 0x…
};
for (const line of text.split("\n")) {
  if (line === "") continue;
  const c = line.charCodeAt(0);
  if ((c >= 48 && c <= 57) || c === 43 || c === 45 || c === 42) { // digit + - *: a cost line
    const sp = line.lastIndexOf(" ");
    const ir = Number(line.slice(sp + 1));
    if (withInstr) addr = subpos(line.slice(0, line.indexOf(" ")), addr);
    if (afterCalls) { afterCalls = false; continue; } // the callee's inclusive cost
    total += ir;
    // JIT code is looked up by address whatever callgrind calls it: it sometimes files V8's
    // JIT code under a symbol of node (e.g. copies of the interpreter trampoline).
    if (withInstr && (ob === "???" || ob === "" || jitName(addr) !== null)) jit.set(addr, (jit.get(addr) ?? 0) + ir);
    else { const key = ob + "\t" + fn; self.set(key, (self.get(key) ?? 0) + ir); }
    continue;
  }
  if (line.startsWith("ob=")) ob = nameOf("ob", line.slice(3));
  else if (line.startsWith("fn=")) fn = nameOf("fn", line.slice(3));
  else if (line.startsWith("cob=")) nameOf("ob", line.slice(4));
  else if (line.startsWith("cfn=")) nameOf("fn", line.slice(4));
  else if (line.startsWith("calls=")) afterCalls = true;
}

/** A readable name: JIT code looked up, wasm tiers and V8's markers folded. */
function resolve(obName, fnName) {
  const f = fnName.replace(/'\d+$/, "");
  const hex = /^0x([0-9a-f]+)$/i.exec(f);
  if (hex && (obName === "???" || obName === "")) {
    const n = lookup(parseInt(hex[1], 16));
    if (!n) return "JIT:(unnamed)";
    return n
      .replace(/^JS:(assembly\/.*?)-\d+-(liftoff|turbofan)$/, "wasm:$1")
      .replace(/^JS:(wasm-to-js:.*?)-\d+-(liftoff|turbofan)$/, "wrap:$1")
      .replace(/^JS:js-to-wasm:/, "wrap:js-to-wasm:")
      .replace(/^JS:[~^+*]?/, "JS:");
  }
  return `${obName.split("/").pop()}:${f}`;
}

const byName = new Map();
const add = (n, ir) => byName.set(n, (byName.get(n) ?? 0) + ir);
for (const [key, ir] of self) {
  const [o, f] = key.split("\t");
  add(resolve(o, f), ir);
}
for (const [a, ir] of jit) add(resolve("???", "0x" + a.toString(16)), ir);

/** Coarse buckets for the breakdown. */
function categorize(n) {
  if (n.startsWith("wasm:")) return "wasm (core)";
  if (n.startsWith("wrap:") || /JSToWasm|WasmToJs|GenericJSToWasm|WasmInt32ToHeapNumber|WasmFloat64ToNumber|WasmTaggedToFloat64|WasmTaggedNonSmiToInt32/.test(n)) return "JS<->wasm wrappers";
  if (n === "JIT:(unnamed)") return "JIT code, unnamed";
  if (/^JS:.*(node:|internal\/)/.test(n)) return "JS (Node internals)";
  if (/^JS:.*\/node_modules\//.test(n)) return "JS (dependencies)";
  if (n.startsWith("JS:")) return "JS (tricolor host)";
  if (/^(Builtin|BytecodeHandler|Stub|RegExp):/.test(n)) return "V8 builtins / interpreter";
  if (/node:.*v8::internal::(Heap|Mark|Scaveng|Concurrent|Minor|Sweep|Evacuat|Pointers|Remembered|MemoryAllocator|PagedSpace|NewSpace|Young|GCTracer|LocalHeap|Safepoint|CppHeap|cppgc)/.test(n) || /node:.*(cppgc|heap::base)/.test(n)) return "V8 GC (of the JS heap)";
  if (/node:.*v8::internal::(compiler|maglev|wasm|baseline|Parser|Scanner|Compiler|Code|Assembler|interpreter|Bytecode|Deoptimizer|Turbofan|Pipeline|Zone|Regexp|RegExp)/i.test(n) || /node:.*(CalculateLineEnds|Utf16CharacterStream|ParserBase)/.test(n)) return "V8 compilers / parser";
  if (/^node:/.test(n)) return "node / V8 runtime (other)";
  if (/^(libc|ld-linux|libstdc|libm|libpthread|libgcc)/.test(n)) return "libc / system";
  return "other";
}

/** tricolor's concerns (bench/PROFILE.md): which part of the engine a function's cost belongs to. */
function concern(n) {
  const w = /^wasm:assembly\/([a-z]+)\/(.+)$/.exec(n);
  if (w) {
    const [, mod, fn] = w;
    if (mod === "index" && /^alloc/.test(fn)) return "core: allocPush/alloc export (checks, stack push/pop, field init)";
    if ((mod === "index" && /^check(Ref|Obj|Handle)$/.test(fn)) || (mod === "verify" && fn === "classify")) return "core: handle checks (checkRef/classify; classify also serves the verifier)";
    if (mod === "index" && /^(write|read)Field$/.test(fn)) return "core: writeField/readField exports (range check, store)";
    if (mod === "index") return "core: other exports (stack ops, fields, globals)";
    if (mod === "alloc" && fn === "allocObject") return "core: allocation (size-class cache, zeroing, clock)";
    if (mod === "alloc" || mod === "spans" || mod === "pages" || mod === "sizeclasses") return "core: span refill, new spans, pages";
    if (mod === "scheduler" || mod === "limiter") return "core: safe points (scheduler, assists)";
    if (mod === "barrier") return "core: write barrier (slow path)";
    if (mod === "mark" || mod === "roots") return "core: marking (drain, shade, roots)";
    if (mod === "sweep") return "core: sweeping";
    if (mod === "verify") return "core: verifier (end of run)";
    if (mod === "gc" || mod === "pacer" || mod === "strategy" || mod === "state") return "core: cycle control, pacer";
    return `core: ${mod}`;
  }
  if (/^JS:.*\/scenarios\/|^JS:.*churn-peer\.js/.test(n)) return "host: the scenario's JS (workload, incl. inlined JS→wasm calls)";
  if (/^JS:.*\/(metrics|engine\/records)/.test(n)) return "host: records (MMU, pause stats, slice sample)";
  if (/^JS:.*\/engine\/engine\.js/.test(n)) return "host: Engine methods (checks, events, views)";
  if (/^JS:.*\/(report|run|cli|node)\//.test(n)) return "host: runner, reports, CLI";
  if (n.startsWith("wrap:") || /JSToWasm|WasmToJs/.test(n)) return "boundary: JS<->wasm wrappers (not inlined)";
  return "Node/V8 (startup, compilers, JS GC, libc, other)";
}

const concerns = new Map();
for (const [n, ir] of byName) { const c = concern(n); concerns.set(c, (concerns.get(c) ?? 0) + ir); }
const cats = new Map();
for (const [n, ir] of byName) { const c = categorize(n); cats.set(c, (cats.get(c) ?? 0) + ir); }
const pct = (x) => ((100 * x) / total).toFixed(2).padStart(6) + "%";
const fmt = (x) => x.toLocaleString("en-US").padStart(16);
console.log(`# ${cgFile}: ${total.toLocaleString("en-US")} Ir total (map: ${entries.length ? mapFile : "none"})`);
let ambiguousIr = 0;
for (const [a, ir] of jit) if (ambiguous.has(a)) ambiguousIr += ir;
console.log(`# Ir at JIT addresses two code objects of the same tier shared over the run: ${ambiguousIr.toLocaleString("en-US")} (${pct(ambiguousIr).trim()})`);
console.log("\n## by category (self Ir)");
for (const [c, ir] of [...cats].sort((a, b) => b[1] - a[1])) console.log(`${fmt(ir)} ${pct(ir)}  ${c}`);
console.log("\n## by tricolor concern (self Ir)");
for (const [c, ir] of [...concerns].sort((a, b) => b[1] - a[1])) console.log(`${fmt(ir)} ${pct(ir)}  ${c}`);
console.log(`\n## top ${top} functions (self Ir)`);
for (const [n, ir] of [...byName].sort((a, b) => b[1] - a[1]).slice(0, top)) console.log(`${fmt(ir)} ${pct(ir)}  ${n.length > 150 ? n.slice(0, 150) + "…" : n}`);
if (jsonOut) writeFileSync(jsonOut, JSON.stringify({ total, categories: Object.fromEntries(cats), concerns: Object.fromEntries(concerns), functions: Object.fromEntries([...byName].sort((a, b) => b[1] - a[1])) }, null, 1));
