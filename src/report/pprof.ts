/**
 * `--pprof FILE`: the run's per-site heap profile as Go writes one
 * (runtime/pprof's writeHeapProto), so `go tool pprof -top FILE`,
 * `-base OLD` diffs, flame graphs and every other pprof tool read it.
 *
 * A gzipped profile.proto, encoded with the `pprof-format` package and
 * compressed with `fflate` (both plain JavaScript: this module is
 * browser-safe and returns bytes; the CLI writes them to the file):
 *
 *   period_type  space/bytes, period 1 (every object counted, not sampled
 *                as Go's MemProfileRate does: the values are exact)
 *   sample_type  alloc_objects/count, alloc_space/bytes,
 *                inuse_objects/count, inuse_space/bytes   (Go's order)
 *   default      inuse_space, what Go's heap profile shows by default
 *   mapping      one, file "tricolor", functions already named (no binary)
 *   sample       one per allocation site: cumulative allocations, and what
 *                the run's final collection found live (its slot bytes)
 *
 * Call stacks. A site name is dotted (`leaky-cache.entry`, the
 * scenario, then the place); each site becomes a stack of its prefixes, one
 * function and one location per distinct prefix, listed leaf first as
 * pprof wants: `leaky-cache.entry` is the leaf, called from `leaky-cache`.
 * The leaf keeps the whole name, so two scenarios' `entry` sites never fold
 * into one row of `-top`; and a scenario's sites add up under their common
 * caller (its `cum` column, a flame graph's parent box). A name without a
 * dot is a single frame. Sizes are slot bytes, the unit of every other
 * tricolor report (header and size-class padding included).
 */
import { Function as PprofFunction, Line, Location, Mapping, Profile, Sample, StringTable, ValueType } from "pprof-format";
import { gzipSync } from "fflate";
import type { LiveBySite, SiteCount } from "../engine/analysis.js";
import type { SiteFinding } from "../analysis/findings.js";

/** What the profile says of one site: SiteFinding's counters (a SiteFinding is one). */
export type SiteProfile = Pick<SiteFinding, "name" | "allocObjects" | "allocBytes" | "liveObjects" | "liveBytes">;

export interface HeapProfileInput {
  sites: readonly SiteProfile[];
  /** When the run started (Unix ns), and how long it ran (ns); 0 when unknown. */
  timeNanos?: number;
  durationNanos?: number;
  /** Comment lines pprof shows (`go tool pprof -comments`), e.g. the scenario and its flags. */
  comments?: readonly string[];
}

/** Go's heap profile's sample types, in Go's order. */
export const SAMPLE_TYPES = [
  ["alloc_objects", "count"],
  ["alloc_space", "bytes"],
  ["inuse_objects", "count"],
  ["inuse_space", "bytes"],
] as const;

/** The call stack a site name stands for, leaf first: `a.b.c` → [`a.b.c`, `a.b`, `a`]. */
export function siteStack(name: string): string[] {
  const stack = [name];
  for (let i = name.lastIndexOf("."); i > 0; i = name.lastIndexOf(".", i - 1)) stack.push(name.slice(0, i));
  return stack;
}

/** The profile, uncompressed (profile.proto bytes). */
export function encodeHeapProfile(input: HeapProfileInput): Uint8Array {
  const strings = new StringTable();
  const functions: PprofFunction[] = [];
  const locations: Location[] = [];
  const locationOf = new Map<string, number>();
  const location = (fn: string): number => {
    let id = locationOf.get(fn);
    if (id === undefined) {
      id = locations.length + 1;
      const name = strings.dedup(fn);
      functions.push(new PprofFunction({ id, name, systemName: name }));
      locations.push(new Location({ id, mappingId: 1, line: [new Line({ functionId: id })] }));
      locationOf.set(fn, id);
    }
    return id;
  };
  const samples = input.sites
    .filter((s) => s.allocObjects > 0 || s.liveObjects > 0)
    .map((s) => new Sample({ locationId: siteStack(s.name).map(location), value: [s.allocObjects, s.allocBytes, s.liveObjects, s.liveBytes] }));
  const profile = new Profile({
    sampleType: SAMPLE_TYPES.map(([type, unit]) => new ValueType({ type: strings.dedup(type), unit: strings.dedup(unit) })),
    sample: samples,
    // One mapping, "tricolor", already symbolized: pprof then names the file and never looks for a binary.
    mapping: [new Mapping({ id: 1, filename: strings.dedup("tricolor"), hasFunctions: true })],
    location: locations,
    function: functions,
    stringTable: strings,
    timeNanos: Math.round(input.timeNanos ?? 0),
    durationNanos: Math.round(input.durationNanos ?? 0),
    periodType: new ValueType({ type: strings.dedup("space"), unit: strings.dedup("bytes") }),
    period: 1,
    comment: (input.comments ?? []).map((c) => strings.dedup(c)),
    defaultSampleType: strings.dedup("inuse_space"),
  });
  return profile.encode();
}

/** The profile as `--pprof` writes it: gzipped profile.proto. */
export function heapProfile(input: HeapProfileInput): Uint8Array {
  return gzipSync(encodeHeapProfile(input));
}

/**
 * Per-site rows from the engine's own tables: cumulative allocations
 * (engine.sitesAllocated()) joined with what a cycle found live
 * (engine.liveBySite(), the run's final collection at its end); a site
 * with allocations and nothing live has zeros there.
 */
export function siteProfiles(allocated: readonly SiteCount[], live: LiveBySite | null): SiteProfile[] {
  const liveOf = new Map((live?.sites ?? []).map((s) => [s.site, s]));
  const rows: SiteProfile[] = allocated.map((a) => {
    const l = liveOf.get(a.site);
    liveOf.delete(a.site);
    return { name: a.name, allocObjects: a.objects, allocBytes: a.bytes, liveObjects: l?.objects ?? 0, liveBytes: l?.bytes ?? 0 };
  });
  // (A live site always has allocations; kept anyway rather than dropped, should the tables ever disagree.)
  for (const l of liveOf.values()) rows.push({ name: l.name, allocObjects: 0, allocBytes: 0, liveObjects: l.objects, liveBytes: l.bytes });
  return rows;
}
