/**
 * User scenarios through the CLI: the README's example runs as written, a
 * scenario that throws is named with its step while the report still comes
 * out, a stale handle is caught, and bad modules are refused in one line —
 * one that does not load named with its file and line.
 */
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { cli as tricolor, ROOT } from "./cli-helper.js";

/** The ```js block of the README that defines sessions.js. */
function readmeExample(): string {
  const readme = readFileSync(join(ROOT, "README.md"), "utf8");
  const block = /```js\n(\/\/ sessions\.js[\s\S]*?)```/.exec(readme);
  expect(block, "README has the sessions.js example").not.toBeNull();
  return block![1]!;
}

describe("user scenarios", () => {
  it("the README example is examples/sessions.js, fits in 20 lines, and runs as written", () => {
    const code = readmeExample();
    expect(code).toBe(readFileSync(join(ROOT, "examples/sessions.js"), "utf8"));
    expect(code.trimEnd().split("\n").length).toBeLessThanOrEqual(20);
    const dir = mkdtempSync(join(tmpdir(), "tricolor-"));
    writeFileSync(join(dir, "sessions.js"), code);
    const r = tricolor("run", join(dir, "sessions.js"), "--users", "30000", "--json");
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
    const doc = JSON.parse(r.stdout);
    expect(doc.scenario).toBe("sessions");
    expect(doc.config.params.users).toBe(30000);
    // The store keeps every session (+ its head); the response buffers are all garbage.
    expect(doc.heap.liveObjects).toBe(30000 + 1);
    expect(doc.heap.objectsAllocated).toBe(1 + 30000 + 30000 / 4);
    expect(doc.verify.lostObjects).toBe(0);
  });

  it("a scenario that throws at step 1000: non-zero exit naming scenario and step; --json still carries the metrics", () => {
    const r = tricolor("run", "tests/fixtures/broken-scenario.js", "--json");
    expect(r.status).toBe(1);
    const lines = r.stderr.trimEnd().split("\n");
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^error: scenario broken failed at step 1000: the cache backend went away/);
    const doc = JSON.parse(r.stdout);
    expect(doc.error).toEqual({ message: expect.stringContaining("step 1000"), step: 1000 });
    expect(doc.heap.objectsAllocated).toBe(1001);
    expect(doc.gc.cycles).toBeGreaterThanOrEqual(1);
    expect(doc.gc.pauses.count).toBeGreaterThanOrEqual(1);
    expect(doc.verify.integrityErrors).toBe(0);
  });

  it("the same failure in text mode prints the summary up to the failure, then the error line", () => {
    const r = tricolor("run", "tests/fixtures/broken-scenario.js", "--fail-at", "10");
    expect(r.status).toBe(1);
    expect(r.stdout).toContain("── tricolor · broken");
    expect(r.stderr.trim()).toMatch(/^error: scenario broken failed at step 10: the cache backend went away$/);
  });

  it("a handle used after the collector freed it is refused, named with its step", () => {
    const r = tricolor("run", "tests/fixtures/freed-handle-scenario.js");
    expect(r.status).toBe(1);
    expect(r.stderr.trim()).toMatch(/^error: scenario stale-handle failed at step \d+: invalid handle 0x[0-9a-f]{8}: freed/);
  });

  it("a TypeScript scenario is compiled on the fly", () => {
    const dir = mkdtempSync(join(tmpdir(), "tricolor-"));
    const file = join(dir, "tiny.ts");
    writeFileSync(file, readmeExample().replace("export default {", "const s: { name: string; [k: string]: unknown } = {") + "export default s;\n");
    const r = tricolor("run", file, "--users", "1000", "--json");
    expect(r.status).toBe(0);
    expect(JSON.parse(r.stdout).heap.liveObjects).toBe(1001);
  });

  it("bad scenario modules are refused in one line: missing file, no scenario export, unknown parameter", () => {
    const dir = mkdtempSync(join(tmpdir(), "tricolor-"));
    writeFileSync(join(dir, "empty.js"), "export const x = 1;\n");
    for (const [args, msg] of [
      [["run", join(dir, "nope.js")], /^error: scenario file .*nope\.js does not exist$/],
      [["run", join(dir, "empty.js")], /^error: scenario file .*empty\.js does not export a scenario: it is not an object$/],
      [["run", "examples/sessions.js", "--depth", "3"], /^error: scenario sessions has no parameter --depth/],
    ] as const) {
      const r = tricolor(...args);
      expect(r.status, args.join(" ")).toBe(1);
      expect(r.stderr.trimEnd().split("\n"), args.join(" ")).toHaveLength(1);
      expect(r.stderr.trim()).toMatch(msg);
    }
  });

  it("a syntax error names the file, as typed, and the line: run and compare refuse it in one line", () => {
    for (const command of ["run", "compare"]) {
      const r = tricolor(command, "tests/fixtures/syntax-error-scenario.js");
      expect(r.status, command).toBe(1);
      expect(r.stdout, command).toBe("");
      expect(r.stderr, command).toBe("error: tests/fixtures/syntax-error-scenario.js:12: SyntaxError: Unexpected token ')'\n");
    }
  });

  it("a module that throws while it loads is named with the line that threw", () => {
    const dir = mkdtempSync(join(tmpdir(), "tricolor-"));
    writeFileSync(join(dir, "throws.js"), "// loads, then throws\nconst backend = null;\nbackend.connect();\nexport default {};\n");
    const r = tricolor("run", join(dir, "throws.js"));
    expect(r.status).toBe(1);
    expect(r.stderr.trim()).toMatch(new RegExp(`^error: ${join(dir, "throws.js").replace(/[.*+?^${}()|[\]\\/]/g, "\\$&")}:3: TypeError: Cannot read properties of null`));
  });

  it("a TypeScript scenario's syntax errors name the .ts file and its line, whoever finds them", () => {
    const dir = mkdtempSync(join(tmpdir(), "tricolor-"));
    const file = (name: string, code: string) => {
      writeFileSync(join(dir, name), code);
      return join(dir, name);
    };
    const tail = 'export default { name: "t", description: "", params: [], run() {} };\n';
    // The TypeScript parser finds this one.
    const parse = file("parse.ts", `const n: number = 1;\n\nconst m: number = ;\n${tail}`);
    // TypeScript compiles this one (a redeclaration is not a parse error to it) and V8 refuses the output, whose
    // lines moved up when the interface and type went away: the source map takes the line back to the .ts.
    const redeclared = file("redeclared.ts", `interface Opts {\n  n: number;\n}\ntype T = number;\nlet a: T = 1;\nlet a: T = 2;\n${tail}`);
    for (const [path, line, message] of [
      [parse, 3, "SyntaxError: Expression expected."],
      [redeclared, 6, "SyntaxError: Identifier 'a' has already been declared"],
    ] as const) {
      const r = tricolor("run", path);
      expect(r.status, path).toBe(1);
      expect(r.stderr, path).toBe(`error: ${path}:${line}: ${message}\n`);
    }
  });
});
