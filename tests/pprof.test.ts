/**
 * --pprof (src/report/pprof.ts): the profile's layout decoded back with
 * pprof-format (and gunzipped with node:zlib, not the library that
 * compressed it); its totals against the run's own counters (RunResult) and
 * a heap whose allocations are counted here by hand; and Go's own reader:
 * `go tool pprof -top` names leaky-cache's top site first, and `-base`
 * subtracts one run from another. Go is Debian's golang-go
 * (scripts/ensure-system.mjs installs it before `npm test`).
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gunzipSync } from "node:zlib";
import { afterAll, describe, expect, test } from "vitest";
import { Profile } from "pprof-format";
import { encodeHeapProfile, heapProfile, siteProfiles, siteStack } from "../src/report/pprof.js";
import { runScenario, type RunResult } from "../src/run/run.js";
import { scenarios } from "../src/scenarios/index.js";
import { loadEngine } from "../src/node/loader.js";
import type { Engine } from "../src/engine/engine.js";
import { at, engine } from "./helpers.js";
import { cli } from "./cli-helper.js";

const dir = mkdtempSync(join(tmpdir(), "tricolor-pprof-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A decoded profile, read as plain data: sample types, and each sample's stack (names, leaf first) and values. */
interface Decoded {
  sampleTypes: string[];
  defaultSampleType: string;
  periodType: string;
  period: number;
  samples: { stack: string[]; values: number[] }[];
  comments: string[];
  mappings: string[];
  locations: number;
}

function decode(gz: Uint8Array): Decoded {
  const p = Profile.decode(new Uint8Array(gunzipSync(gz)));
  const s = (i: number | bigint) => at(p.stringTable.strings, Number(i));
  const fn = new Map(p.function.map((f) => [Number(f.id), s(f.name)]));
  const loc = new Map(p.location.map((l) => [Number(l.id), l.line.map((x) => fn.get(Number(x.functionId))!)]));
  return {
    sampleTypes: p.sampleType.map((t) => `${s(t.type)}/${s(t.unit)}`),
    defaultSampleType: s(p.defaultSampleType),
    periodType: `${s(p.periodType!.type)}/${s(p.periodType!.unit)}`,
    period: Number(p.period),
    samples: p.sample.map((x) => ({ stack: x.locationId.flatMap((id) => loc.get(Number(id))!), values: x.value.map(Number) })),
    comments: p.comment.map(s),
    mappings: p.mapping.map((m) => s(m.filename)),
    locations: p.location.length,
  };
}

/** Sum of sample type `k` over the samples. */
const total = (d: Decoded, k: number) => d.samples.reduce((sum, x) => sum + at(x.values, k), 0);

/** Runs a built-in scenario on the release core and makes the profile from the engine at its end, as the CLI's hook does. */
async function profiled(name: string, params: Record<string, number>): Promise<{ result: RunResult; gz: Uint8Array; topSite: string }> {
  let gz: Uint8Array = new Uint8Array(0);
  let topSite = "";
  const result = await runScenario(scenarios.get(name)!, (o) => loadEngine({ ...o, build: "release" }), {
    params,
    onEnd: (e: Engine) => {
      gz = heapProfile({ sites: siteProfiles(e.sitesAllocated(), e.liveBySite()) });
      // The heap's own per-site composition (the core's profile block, not the live-by-site table the profile is made from).
      topSite = at(e.composition().sites, 0).name;
    },
  });
  return { result, gz, topSite };
}

/** `go tool pprof ARGS…`; fails the test with Go's own words if it does not exit 0. */
function pprof(...args: string[]): string {
  const r = spawnSync("go", ["tool", "pprof", ...args], { encoding: "utf8", timeout: 60_000 });
  if (r.error) throw new Error(`go tool pprof could not start (${r.error.message}): install Debian's golang-go (npm test does, via scripts/ensure-system.mjs)`);
  expect(r.status, r.stderr).toBe(0);
  return r.stdout;
}

/** The rows of `go tool pprof -top`: flat (a number, in the unit asked for) and the function name. */
function topRows(out: string): { flat: number; name: string }[] {
  const lines = out.split("\n");
  const header = lines.findIndex((l) => /^\s*flat\s+flat%/.test(l));
  expect(header, out).toBeGreaterThanOrEqual(0);
  return lines.slice(header + 1).filter((l) => l.trim() !== "").map((l) => {
    const cols = l.trim().split(/\s+/);
    return { flat: Number.parseFloat(at(cols, 0)), name: cols.slice(5).join(" ") };
  });
}

describe("pprof: the profile's layout", () => {
  test("a site name becomes the stack of its prefixes, leaf first", () => {
    expect(siteStack("leaky-cache.entry")).toEqual(["leaky-cache.entry", "leaky-cache"]);
    expect(siteStack("a.b.c")).toEqual(["a.b.c", "a.b", "a"]);
    expect(siteStack("(default)")).toEqual(["(default)"]);
    expect(siteStack(".hidden")).toEqual([".hidden"]);
  });

  test("Go's four sample types in Go's order, inuse_space by default, exact values beyond 2^32, one location per prefix", () => {
    const gz = heapProfile({
      sites: [
        { name: "a.b.c", allocObjects: 3, allocBytes: 5_000_000_000, liveObjects: 1, liveBytes: 48 },
        { name: "a.b", allocObjects: 7, allocBytes: 112, liveObjects: 0, liveBytes: 0 },
        { name: "z", allocObjects: 2 ** 40, allocBytes: 2 ** 44, liveObjects: 2 ** 33, liveBytes: 2 ** 37 },
        { name: "never.allocated", allocObjects: 0, allocBytes: 0, liveObjects: 0, liveBytes: 0 },
      ],
      comments: ["tricolor run x"],
    });
    expect(gz[0]).toBe(0x1f); // gzip's magic
    expect(gz[1]).toBe(0x8b);
    const d = decode(gz);
    expect(d.sampleTypes).toEqual(["alloc_objects/count", "alloc_space/bytes", "inuse_objects/count", "inuse_space/bytes"]);
    expect(d.defaultSampleType).toBe("inuse_space");
    expect(d.periodType).toBe("space/bytes");
    expect(d.period).toBe(1);
    expect(d.comments).toEqual(["tricolor run x"]);
    expect(d.mappings).toEqual(["tricolor"]);
    expect(d.samples).toEqual([
      { stack: ["a.b.c", "a.b", "a"], values: [3, 5_000_000_000, 1, 48] },
      { stack: ["a.b", "a"], values: [7, 112, 0, 0] },
      { stack: ["z"], values: [2 ** 40, 2 ** 44, 2 ** 33, 2 ** 37] },
    ]);
    // a.b.c, a.b, a, z: the shared prefixes are one location each.
    expect(d.locations).toBe(4);
  });

  test("heapProfile is encodeHeapProfile gzipped", () => {
    const input = { sites: [{ name: "s.x", allocObjects: 1, allocBytes: 16, liveObjects: 1, liveBytes: 16 }], timeNanos: 1.7e18, durationNanos: 5e8 };
    expect(new Uint8Array(gunzipSync(heapProfile(input)))).toEqual(encodeHeapProfile(input));
  });
});

describe("pprof: totals are the run's", () => {
  test("a heap counted by hand: 5 objects of two sites allocated, 2 kept, after a collection", async () => {
    const e = await engine();
    const a = e.site("t.a");
    const b = e.site("t.b");
    const g = e.spawn();
    e.allocPush(g, 1, 0, 0, a); // 8 header + 4 → a 16-byte slot, kept
    e.setGlobal(1, e.pop(g));
    e.allocPush(g, 1, 0, 0, a); // 16, dropped
    e.drop(g);
    e.allocPush(g, 0, 100, 0, b); // 108 → a 112-byte slot, kept
    e.setGlobal(0, e.pop(g));
    e.allocPush(g, 0, 100, 0, b); // 112, dropped
    e.drop(g);
    e.allocPush(g, 1, 0, 0, a); // 16, dropped
    e.drop(g);
    e.collect();
    const d = decode(heapProfile({ sites: siteProfiles(e.sitesAllocated(), e.liveBySite()) }));
    const bySite = Object.fromEntries(d.samples.map((x) => [at(x.stack, 0), x.values]));
    expect(bySite).toEqual({ "t.a": [3, 48, 1, 16], "t.b": [2, 224, 1, 112] });
  });

  test("leaky-cache: every sample type adds up to the RunResult's counters (allocated; live after the final collection)", async () => {
    const { result, gz } = await profiled("leaky-cache", { entries: 20_000 });
    const d = decode(gz);
    expect(total(d, 0)).toBe(result.heap.objectsAllocated);
    expect(total(d, 1)).toBe(result.heap.bytesAllocated);
    expect(total(d, 2)).toBe(result.heap.liveObjects);
    expect(total(d, 3)).toBe(result.heap.liveBytes);
    expect(result.heap.liveObjects).toBeGreaterThan(20_000); // the cache's entries are all still there
  });
});

describe("pprof: go tool pprof reads it", () => {
  test("`go tool pprof -top` lists leaky-cache's top site (by live bytes at the end) first", async () => {
    const { gz, topSite } = await profiled("leaky-cache", { entries: 20_000 });
    const file = join(dir, "leaky.pb.gz");
    writeFileSync(file, gz);
    const out = pprof("-top", "-unit=B", file);
    expect(out).toContain("Type: inuse_space");
    const rows = topRows(out);
    expect(at(rows, 0).name).toBe(topSite);
    expect(topSite).toBe("leaky-cache.value"); // the 128-byte values outweigh the entries
  });

  test("`go tool pprof -base` diffs two runs: the top site grew by exactly the difference of its live bytes", async () => {
    const small = await profiled("leaky-cache", { entries: 10_000 });
    const large = await profiled("leaky-cache", { entries: 30_000 });
    const base = join(dir, "base.pb.gz");
    const now = join(dir, "now.pb.gz");
    writeFileSync(base, small.gz);
    writeFileSync(now, large.gz);
    const live = (gz: Uint8Array, site: string) => at(decode(gz).samples.find((x) => at(x.stack, 0) === site)!.values, 3);
    const rows = topRows(pprof("-top", "-unit=B", "-base", base, now));
    const top = at(rows, 0);
    expect(top.name).toBe("leaky-cache.value");
    // 20,000 more 128-byte values, each in a 144-byte slot.
    expect(top.flat).toBe(live(large.gz, "leaky-cache.value") - live(small.gz, "leaky-cache.value"));
    expect(top.flat).toBe(20_000 * 144);
  });
});

describe("pprof: the CLI", () => {
  test("run --pprof FILE writes the profile the run's end makes, and says so", () => {
    const file = join(dir, "cli.pb.gz");
    const r = cli("run", "leaky-cache", "--entries", "5000", "--pprof", file);
    expect(r.status).toBe(0);
    expect(r.stderr).toBe(`wrote ${file}\n`);
    const d = decode(readFileSync(file));
    expect(d.comments).toEqual(["tricolor run leaky-cache --entries 5000 --value-bytes 128 --garbage-bytes 512 --lookups 2 --barrier hybrid --gogc 100 --seed 1"]);
    const value = d.samples.find((x) => at(x.stack, 0) === "leaky-cache.value")!;
    expect(value.stack).toEqual(["leaky-cache.value", "leaky-cache"]);
    expect(value.values).toEqual([5000, 5000 * 144, 5000, 5000 * 144]);
  });

  test("bad input: --pprof into a directory that does not exist → exit 1, one error line, nothing run", () => {
    const r = cli("run", "binary-trees", "--depth", "4", "--pprof", "/nonexistent-dir/p.pb.gz");
    expect(r.status).toBe(1);
    expect(r.stdout).toBe("");
    expect(r.stderr).toBe("error: cannot write --pprof /nonexistent-dir/p.pb.gz: directory /nonexistent-dir does not exist\n");
  });

  test("bad input: --pprof is run's, not compare's → commander's unknown-option line", () => {
    const r = cli("compare", "binary-trees", "--depth", "4", "--pprof", join(dir, "c.pb.gz"));
    expect(r.status).toBe(1);
    expect(r.stderr).toBe("error: unknown option '--pprof'\n");
  });
});
