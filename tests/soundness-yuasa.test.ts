/**
 * Soundness of the `yuasa` collector against the reference model: random
 * multi-goroutine programs with verifyEachCycle off, so a reachable object
 * the collector misses is really freed and the model sees it (the property
 * and its checks: tests/soundness.ts). 2,000 programs on the debug core,
 * 300 on the release core; seeds are random per run and printed, and a
 * failure prints the command that replays it.
 */
import { describe, it } from "vitest";
import { checkSoundness } from "./soundness.js";

const FILE = "tests/soundness-yuasa.test.ts";

describe("yuasa never frees a reachable object", () => {
  it("debug core", async () => {
    await checkSoundness(FILE, "yuasa", "debug", 2000);
  }, 600_000);

  it("release core", async () => {
    await checkSoundness(FILE, "yuasa", "release", 300);
  }, 600_000);
});
