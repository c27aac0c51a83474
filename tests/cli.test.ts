/**
 * The command line (bin/tricolor.js, running the dist build that `npm test`
 * compiles first). Bad flags: non-zero exit, exactly one stderr line that
 * starts with "error:" and names the problem, nothing on stdout. A good run
 * with --json prints one parseable report.
 */
import { describe, expect, test } from "vitest";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { engine } from "./helpers.js";
import { binaryTreesLines } from "./binary-trees-spec.js";
import { cli, cliJson, ROOT, stderrLines } from "./cli-helper.js";

/** Each bad invocation, and what its one error line must name. */
const BAD: { name: string; args: string[]; names: (string | RegExp)[]; exit?: number; partialReport?: boolean }[] = [
  { name: "unknown scenario (run nosuch)", args: ["run", "nosuch"], names: ["nosuch", /unknown scenario/] },
  { name: "negative depth (--depth -3)", args: ["run", "binary-trees", "--depth", "-3"], names: ["--depth", "-3"] },
  { name: "non-integer depth (--depth 2.5)", args: ["run", "binary-trees", "--depth", "2.5"], names: ["--depth", "2.5", /integer/] },
  { name: "depth above the maximum (--depth 25)", args: ["run", "binary-trees", "--depth", "25"], names: ["--depth", "25"] },
  { name: "size that is not a size (--max-heap banana)", args: ["run", "binary-trees", "--max-heap", "banana"], names: ["--max-heap", "banana"] },
  { name: "heap limit over 3 GiB (--max-heap 4GiB)", args: ["run", "binary-trees", "--max-heap", "4GiB"], names: ["--max-heap", "4GiB"] },
  { name: "unknown option (--frobnicate)", args: ["run", "binary-trees", "--frobnicate"], names: ["--frobnicate", /unknown option/] },
  { name: "GOGC that is not a number (--gogc x)", args: ["run", "binary-trees", "--gogc", "x"], names: ["--gogc", "'x'"] },
  { name: "negative seed (--seed -1)", args: ["run", "binary-trees", "--seed", "-1"], names: ["--seed", "-1"] },
  { name: "unknown build (--build fast)", args: ["run", "binary-trees", "--build", "fast"], names: ["--build", "fast"] },
  { name: "missing scenario (run)", args: ["run"], names: ["scenario"] },
  { name: "option missing its value (--depth)", args: ["run", "binary-trees", "--depth"], names: ["--depth", /missing/] },
  {
    name: "heap too small for the run (--depth 16 --max-heap 2MiB)",
    args: ["run", "binary-trees", "--depth", "16", "--max-heap", "2MiB"],
    names: [/out of memory/, "binary-trees"],
    exit: 2,
    // A run that fails still reports what it measured up to the failure (issue 4).
    partialReport: true,
  },
];

describe("CLI bad input", () => {
  for (const bad of BAD) {
    test(`bad input: ${bad.name} → exit ${bad.exit ?? "1"}, one "error:" line naming it`, () => {
      const r = cli(...bad.args);
      expect(r.status).toBe(bad.exit ?? 1);
      const lines = r.stderr.split("\n").filter((l) => l !== "");
      expect(lines).toHaveLength(1);
      expect(r.stderr.endsWith("\n")).toBe(true);
      expect(lines[0]?.startsWith("error:")).toBe(true);
      for (const n of bad.names) {
        if (typeof n === "string") expect(lines[0]).toContain(n);
        else expect(lines[0]).toMatch(n);
      }
      if (bad.partialReport) expect(r.stdout).toContain("── tricolor · binary-trees");
      else expect(r.stdout).toBe("");
    });
  }
});

describe("CLI good runs", () => {
  test("run binary-trees --depth 10 --json: one JSON report with every documented field", async () => {
    const r = cli("run", "binary-trees", "--depth", "10", "--json");
    expect(r.status).toBe(0);
    expect(r.stderr).toBe("");
    const j = JSON.parse(r.stdout);
    expect(j.scenario).toBe("binary-trees");
    // `run` defaults to hybrid, Go's collector.
    expect(j.config).toEqual({ params: { depth: 10, goroutines: 1, "stack-depth": 0 }, barrier: "hybrid", maxHeapBytes: 2 ** 30, gogc: 100, memoryLimitBytes: 0, verifyEachCycle: false, seed: 1, build: "release" });
    expect(j.output).toEqual(binaryTreesLines(10));
    for (const k of ["count", "totalNs", "p50Ns", "p95Ns", "p99Ns", "maxNs"]) expect(typeof j.gc.pauses[k]).toBe("number");
    expect(j.gc.cycles).toBeGreaterThanOrEqual(1);
    // hybrid: a sweep-termination and a mark-termination pause per cycle.
    expect(j.gc.pauses.count).toBe(2 * j.gc.cycles);
    const p = j.gc.pauses;
    expect(p.p50Ns <= p.p99Ns && p.p99Ns <= p.maxNs && p.maxNs <= p.totalNs).toBe(true);
    const e = await engine({ maxHeap: 16 << 20 });
    const nodes = 2 ** 11 - 1;
    expect(j.heap.liveBytes).toBe(nodes * e.slotBytesFor(2, 0));
    expect(j.heap.liveObjects).toBe(nodes);
    expect(j.heap.peakBytes).toBeGreaterThanOrEqual(j.heap.liveBytes);
    expect(j.heap.objectsAllocated - j.heap.objectsFreed).toBe(nodes);
    expect(j.verify).toEqual({ heapCorruptions: 0, lostObjects: 0, lostAtMark: 0, integrityErrors: 0, reachableObjects: nodes, reachableBytes: j.heap.liveBytes });
    expect(Number.isInteger(j.wallNs) && j.wallNs > 0).toBe(true);
    expect(typeof j.gc.stwWork.totalWords).toBe("number");
  });

  test("flags reach the run: --gogc off --max-heap 64MiB --seed 7 --build debug --depth 6 are echoed in config", () => {
    const r = cli("run", "binary-trees", "--depth", "6", "--gogc", "off", "--max-heap", "64MiB", "--seed", "7", "--build", "debug", "--json");
    expect(r.status).toBe(0);
    const j = JSON.parse(r.stdout);
    expect(j.config).toEqual({ params: { depth: 6, goroutines: 1, "stack-depth": 0 }, barrier: "hybrid", maxHeapBytes: 64 * 2 ** 20, gogc: "off", memoryLimitBytes: 0, verifyEachCycle: false, seed: 7, build: "debug" });
    expect(j.output).toEqual(binaryTreesLines(6));
    // GOGC=off: the only cycle is the run's final collection.
    expect(j.gc.cycles).toBe(1);
    expect(j.heap.maxBytes).toBe(64 * 2 ** 20);
  });

  test("sizes accept binary units and plain bytes: --max-heap 1.5MiB and 3145728", () => {
    for (const [flag, bytes] of [["1.5MiB", 1.5 * 2 ** 20], ["3145728", 3145728]] as const) {
      const j = JSON.parse(cli("run", "binary-trees", "--depth", "4", "--max-heap", flag, "--json").stdout);
      expect(j.config.maxHeapBytes).toBe(bytes);
    }
  });

  test("text mode: the scenario's lines, then a summary with 0 lost objects", () => {
    const r = cli("run", "binary-trees", "--depth", "8");
    expect(r.status).toBe(0);
    const lines = r.stdout.split("\n");
    expect(lines.slice(0, binaryTreesLines(8).length)).toEqual(binaryTreesLines(8));
    expect(r.stdout).toMatch(/verify\s+0 lost objects · 0 integrity errors/);
    expect(r.stdout).toContain("binary-trees");
  });

  test("list names every scenario with its parameters", () => {
    const r = cli("list");
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^binary-trees\s/m);
    expect(r.stdout).toContain("--depth");
  });
});

describe("CLI report files", () => {
  // Report paths are ordinary paths: a directory in them must not make the CLI take them for a scenario module.
  test("--trace DIR/trace.json and --html DIR/report.html write their files next to a normal run", () => {
    const dir = mkdtempSync(join(tmpdir(), "tricolor-cli-"));
    try {
      const trace = join(dir, "trace.json");
      const html = join(dir, "report.html");
      const r = cli("run", "binary-trees", "--depth", "4", "--trace", trace, "--html", html);
      expect(r.stderr).not.toMatch(/^error:/m);
      expect(r.status).toBe(0);
      expect(r.stdout.split("\n").slice(0, binaryTreesLines(4).length)).toEqual(binaryTreesLines(4));
      expect(existsSync(trace) && existsSync(html)).toBe(true);
      expect(() => JSON.parse(readFileSync(trace, "utf8"))).not.toThrow();
      expect(readFileSync(html, "utf8")).toMatch(/^<!doctype html>/i);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test("a scenario parameter of another scenario (bad input: run binary-trees --live 5) is refused naming it", () => {
    const r = cli("run", "binary-trees", "--live", "5");
    expect(r.status).toBe(1);
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
    expect(r.stderr).toMatch(/^error: .*--live/);
  });

  test("an unknown barrier (bad input: --barrier banana) is refused naming the choices", () => {
    const r = cli("run", "binary-trees", "--barrier", "banana");
    expect(r.status).toBe(1);
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
    expect(r.stderr).toMatch(/^error: .*--barrier.*banana.*stw/);
  });
});

describe("CLI exit codes for lost objects", () => {
  test("a run that loses objects (lru-cache under none) exits 3 with one line saying how many and under which strategy", () => {
    const r = cli("run", "lru-cache", "--barrier", "none");
    expect(r.status).toBe(3);
    const lines = r.stderr.split("\n").filter((l) => l !== "");
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^error: [\d,]+ reachable objects? lost under none$/);
    const lost = Number(lines[0]!.match(/^error: ([\d,]+)/)![1]!.replace(/,/g, ""));
    expect(lost).toBeGreaterThan(0);
    // The report is still printed, and agrees.
    expect(r.stdout).toMatch(new RegExp(`verify\\s+${lost.toLocaleString("en-US")} lost objects`));
  });

  test("the same run under the default strategy (hybrid) loses nothing and exits 0", () => {
    const r = cli("run", "lru-cache");
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
    expect(r.stdout).toContain("hybrid barrier (Go 1.8+)");
  });
});

describe("CLI report paths are checked before the run", () => {
  test.each([
    ["--html", "/nonexistent-dir/r.html", /directory \/nonexistent-dir does not exist/],
    ["--trace", "/nonexistent-dir/t.json", /directory \/nonexistent-dir does not exist/],
    ["--json", "/nonexistent-dir/r.json", /directory \/nonexistent-dir does not exist/],
  ])("bad input: %s %s → exit 1, one error line, nothing run", (flag, path, why) => {
    const r = cli("run", "binary-trees", "--depth", "4", flag, path);
    expect(r.status).toBe(1);
    expect(r.stdout).toBe(""); // not even the scenario's first line: the run never started
    const lines = r.stderr.split("\n").filter((l) => l !== "");
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain(`error: cannot write ${flag} ${path}`);
    expect(lines[0]).toMatch(why);
  });

  test("bad input: a report path that is a directory (--html DIR) → exit 1 naming it", () => {
    const dir = mkdtempSync(join(tmpdir(), "tricolor-cli-"));
    try {
      const r = cli("run", "binary-trees", "--depth", "4", "--html", dir);
      expect(r.status).toBe(1);
      expect(r.stdout).toBe("");
      expect(r.stderr.trim()).toBe(`error: cannot write --html ${dir}: ${dir} is a directory`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test("--json FILE writes the JSON report there and prints the text report", () => {
    const dir = mkdtempSync(join(tmpdir(), "tricolor-cli-"));
    try {
      const file = join(dir, "run.json");
      const r = cli("run", "binary-trees", "--depth", "4", "--json", file);
      expect(r.status).toBe(0);
      expect(r.stdout).toContain("── tricolor · binary-trees");
      const j = JSON.parse(readFileSync(file, "utf8"));
      expect(j.output).toEqual(binaryTreesLines(4));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

/** Help text with its wrapping undone: commander breaks lines at the terminal width. */
const unwrapped = (text: string) => text.replace(/\s+/g, " ");

describe("CLI help", () => {
  test("run SCENARIO --help shows that scenario's parameters, with its own defaults and ranges", () => {
    const r = cli("run", "binary-trees", "--help");
    expect(r.status).toBe(0);
    expect(r.stderr).toBe("");
    const help = unwrapped(r.stdout);
    expect(help).toContain("Usage: tricolor run binary-trees [options]");
    expect(help).toContain("binary-trees parameters: --depth <int> N: depth of the long-lived tree (the stretch tree is N+1) (default: 16, from 0 to 24)");
    expect(help).toContain("--goroutines <int>");
    // Other scenarios' parameters are not shown.
    expect(help).not.toContain("--live");
    expect(help).not.toContain("--gc-every");
  });

  test("deep-nesting's --depth shows deep-nesting's default, in run and in compare", () => {
    for (const command of ["run", "compare"]) {
      const r = cli(command, "deep-nesting", "--help");
      expect(r.status, command).toBe(0);
      const help = unwrapped(r.stdout);
      expect(help, command).toContain("deep-nesting parameters: --depth <int> levels of the nested chain (each an object) (default: 100000, from 1 to 50000000)");
      expect(help, command).toContain("--gc-every <int>");
      expect(help, command).not.toContain("(default: 16, from 0 to 24)");
    }
  });

  test("a user scenario file's parameters show the same way", () => {
    const r = cli("compare", "examples/sessions.js", "--help");
    expect(r.status).toBe(0);
    expect(unwrapped(r.stdout)).toContain("sessions parameters: --users <int> logins to simulate (default: 200000, ≥ 1)");
  });

  test("run --help without a scenario lists the engine options and says how to see a scenario's parameters", () => {
    const r = cli("run", "--help");
    expect(r.status).toBe(0);
    const help = unwrapped(r.stdout);
    for (const flag of ["--barrier <name>", "--gogc <n|off>", "--max-heap <size>", "--memory-limit <size|off>", "--seed <n>", "--json [file]", "--gctrace"]) expect(help).toContain(flag);
    expect(help).not.toMatch(/--depth|--live|--users/);
    expect(help).toContain("`tricolor run SCENARIO --help` shows them with their defaults and ranges");
  });

  test("defaults are printed as people write them: 1 GiB, off, hybrid, 100; compare's lists unquoted", () => {
    const run = unwrapped(cli("run", "binary-trees", "--help").stdout);
    expect(run).toContain("(default: 1 GiB)");
    expect(run).toMatch(/--memory-limit <size\|off> .*?\(default: off\)/);
    expect(run).toMatch(/--barrier <name> .*?default: hybrid\)/);
    expect(run).toMatch(/--gogc <n\|off> .*?\(default: 100\)/);
    expect(run).not.toMatch(/1073741824|default: 0\)|default: "|\["/);
    const compare = unwrapped(cli("compare", "churn", "--help").stdout);
    expect(compare).toMatch(/--barriers <list> .*?\(default: stw,dijkstra,yuasa,hybrid,none\)/);
    expect(compare).toMatch(/--gogc <list> .*?\(default: 100\)/);
    expect(compare).not.toMatch(/default: \[|default: "/);
  });

  test("--version prints package.json's version", () => {
    const r = cli("--version");
    expect(r.status).toBe(0);
    expect(r.stdout.trim()).toBe(JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")).version);
  });
});

describe("CLI wording", () => {
  test("one of a thing is singular: a one-cycle run says 1 cycle", () => {
    const r = cli("run", "binary-trees", "--depth", "6");
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^gc\s+1 cycle · /m);
    expect(r.stdout).toMatch(/^stacks\s+1 goroutine pause · .*\(\d+ words?\)$/m);
  });
});

describe("CLI compare", () => {
  test("the title names the scenario by its name, not the path typed", () => {
    const r = cli("compare", "./examples/sessions.js", "--users", "2000", "--barriers", "stw,hybrid");
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
    expect(r.stdout).toContain("── tricolor compare · sessions · GOGC=100 · seed 1 ──");
    expect(r.stdout).not.toContain("./examples");
    // Every verdict is a row of the table above it.
    const table = r.stdout.slice(r.stdout.indexOf("── tricolor compare"), r.stdout.indexOf("\nverdict"));
    for (const row of ["max wall", "max work (words)", "p99 wall", "MMU at 1 ms", "GC work (words)", "GC CPU share (wall)", "heap peak", "wall"]) {
      expect(table).toMatch(new RegExp(`^\\s*${row.replace(/[()]/g, "\\$&")}\\s`, "m"));
    }
    // stw has no barrier and no goroutine pauses of its own: those figures do not apply.
    expect(table).toMatch(/^goroutine pauses\s+–\s+\d/m);
    expect(table).toMatch(/^barrier calls\s+–\s+[\d,]+$/m);
  });

  test("a failing scenario prints the partial table, then its error line, with run's exit code", () => {
    const r = cli("compare", "tests/fixtures/broken-scenario.js", "--barriers", "stw,hybrid");
    expect(r.status).toBe(1);
    const lines = r.stderr.split("\n").filter((l) => l !== "");
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^error: scenario broken failed at step 1000: the cache backend went away$/);
    expect(r.stdout).toContain("── tricolor compare · broken · GOGC=100 · seed 1 ──");
    expect(r.stdout).toMatch(/^\s+stw\s+hybrid$/m);
    expect(r.stdout).toMatch(/^failed at step\s+1000\s+1000$/m);
    expect(r.stdout).toMatch(/^cycles\s+\d+\s+\d+$/m);
  });

  test("a failing scenario under --json still prints what was measured, each run with its error", () => {
    const r = cli("compare", "tests/fixtures/broken-scenario.js", "--barriers", "stw,hybrid", "--fail-at", "10", "--json");
    expect(r.status).toBe(1);
    expect(r.stderr.trim()).toMatch(/^error: scenario broken failed at step 10: /);
    const doc = JSON.parse(r.stdout);
    expect(Object.keys(doc)).toEqual(["stw", "hybrid"]);
    for (const k of ["stw", "hybrid"]) expect(doc[k].error).toEqual({ message: expect.stringContaining("step 10"), step: 10 });
  });
});

describe("CLI: goroutine leaks, escapes, out of memory", () => {
  test("run goroutine-leak --fail-on-leak exits 4 with one line naming the leaked goroutines; --fixed 1 exits 0", () => {
    const r = cli("run", "goroutine-leak", "--fail-on-leak");
    expect(r.status).toBe(4);
    const lines = stderrLines(r);
    expect(lines).toHaveLength(1);
    const blocked = /goroutines left blocked: (\d+) /.exec(r.stdout)?.[1];
    expect(Number(blocked)).toBeGreaterThan(0);
    // The leak suspects are what the leaked goroutines' stacks hold (tests/leak-verdicts.ts), then the goroutines themselves.
    const n = Number(blocked).toLocaleString("en-US");
    expect(lines[0]).toMatch(new RegExp(`^error: 4 leak suspects \\(goroutine-leak\\.request, (goroutine-leak\\.(body|result|chan)(, )?){3}\\) and ${n} leaked goroutines \\(${n} × goroutine-leak\\.worker\\) in goroutine-leak under hybrid$`));
    // The report's memory section names them in goleak's words (under the leak suspects).
    expect(r.stdout).toMatch(new RegExp(`^(memory   | {9})${Number(blocked).toLocaleString("en-US")} goroutines still running: ${Number(blocked).toLocaleString("en-US")} × goroutine-leak\\.worker \\(blocked since cycle \\d+\\), [\\d.]+ MiB of stacks, retaining [\\d.]+ \\w?i?B$`, "m"));
    const fixed = cli("run", "goroutine-leak", "--fixed", "1", "--fail-on-leak");
    expect(fixed.status).toBe(0);
    expect(fixed.stderr).toBe("");
    expect(fixed.stdout).not.toContain("memory ");
  });

  test("--fail-on-leak before the scenario name (a flag that takes no value); without the flag a leak exits 0", () => {
    const r = cli("run", "--fail-on-leak", "goroutine-leak", "--requests", "3000");
    expect(r.status).toBe(4);
    expect(cli("run", "goroutine-leak", "--requests", "3000").status).toBe(0);
  });

  test("compare --fail-on-leak exits 4 when a run leaks, naming each", () => {
    const r = cli("compare", "goroutine-leak", "--requests", "3000", "--barriers", "stw,hybrid", "--fail-on-leak");
    expect(r.status).toBe(4);
    const lines = stderrLines(r);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^error: (\d+ leak suspects? \([^)]*\) and )?[\d,]+ leaked goroutines \([\d,]+ × goroutine-leak\.worker\) in goroutine-leak under stw; (\d+ leak suspects? \([^)]*\) and )?[\d,]+ leaked goroutines .* under hybrid$/);
  });

  test("compare --fail-on-leak exits 4 on a leak suspect alone (examples/sessions.js leaks no goroutine): its runs get the heap analysis", () => {
    const r = cli("compare", "examples/sessions.js", "--barriers", "stw,hybrid", "--fail-on-leak");
    expect(r.status).toBe(4);
    expect(stderrLines(r)).toEqual(["error: 1 leak suspect (sessions.entry) in sessions under stw; 1 leak suspect (sessions.entry) in sessions under hybrid"]);
    // Without the flag, compare skips the analysis and exits 0.
    expect(cli("compare", "examples/sessions.js", "--barriers", "stw,hybrid").status).toBe(0);
  });

  test("--help of run and compare lists --fail-on-leak and exit 4", () => {
    for (const cmd of ["run", "compare"]) expect(cli(cmd, "--help").stdout).toMatch(/--fail-on-leak\s+exit 4 if/);
  });

  test("--json carries goroutines, escapes (and no raw memory figures)", () => {
    const j = cliJson<Record<string, any>>("run", "goroutine-leak", "--requests", "3000");
    expect(j.goroutines.leaked).toBe(j.result.blockedGoroutines);
    expect(j.goroutines.groups[0].label).toBe("goroutine-leak.worker");
    expect(j.escapes).toEqual([]);
    expect(j.memoryRaw).toBeUndefined();
    const esc = cliJson<Record<string, any>>("run", "escape", "--calls", "20000");
    expect(esc.escapes.map((x: { name: string; escapedObjects: number }) => [x.name, x.escapedObjects])).toEqual([["escape.local", esc.result.escaped]]);
    expect(esc.escapes[0].escapedTo).toEqual([{ to: "global 0", objects: 64 }]);
  });

  test("run escape prints its -gcflags=-m line in the memory section", () => {
    const r = cli("run", "escape", "--calls", "20000");
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^memory   escape\.local: 40,000 allocated, \d+\.\d% escape to heap \(stored in global 0\) · the other \d+\.\d% could live on the stack: [\d.]+ \w?i?B and ~\d+ of \d+ cycles? saved$/m);
  });

  test("run leaky-cache --max-heap 4MiB: exit 2, one error line explaining fragmentation, sites and retainers", () => {
    const r = cli("run", "leaky-cache", "--max-heap", "4MiB");
    expect(r.status).toBe(2);
    const lines = stderrLines(r);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^error: scenario leaky-cache failed at step \d+: out of memory: cannot allocate \d+ bytes/);
    for (const part of [/free pages \(longest run \d+\)/, /free inside \d+ part-filled spans?/, /largest sites: leaky-cache\./, /top retainers: leaky-cache\.\S+ 0x[0-9a-f]+ retains /, /via global\[0\]/]) expect(lines[0]).toMatch(part);
    expect(r.stdout).toMatch(/^memory   out of memory: /m);
  });
});
