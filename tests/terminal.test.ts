/** Colours only on a terminal and never with NO_COLOR; nothing terminal-only leaks into pipes. */
import { afterEach, describe, expect, it } from "vitest";
import { colorsFor } from "../src/cli/terminal.js";
import { cli } from "./cli-helper.js";
const fakeStream = (isTTY: boolean) => ({ isTTY }) as unknown as NodeJS.WriteStream;
const saved = process.env.NO_COLOR;

describe("terminal output", () => {
  afterEach(() => {
    if (saved === undefined) delete process.env.NO_COLOR;
    else process.env.NO_COLOR = saved;
  });

  it("colours on a TTY, none in a pipe, none on a TTY with NO_COLOR set", () => {
    delete process.env.NO_COLOR;
    expect(colorsFor(fakeStream(true)).bold("x")).not.toBe("x");
    expect(colorsFor(fakeStream(false)).bold("x")).toBe("x");
    process.env.NO_COLOR = "1";
    expect(colorsFor(fakeStream(true)).bold("x")).toBe("x");
  });

  it("a piped run prints no escape codes and no progress bar, on stdout or stderr", () => {
    const r = cli("run", "churn", "--live", "20000", "--gctrace");
    expect(r.status).toBe(0);
    expect(r.stdout).toContain("── tricolor · churn");
    expect(r.stdout + r.stderr).not.toMatch(/\x1b\[/);
    // stderr carries only the gctrace lines.
    for (const line of r.stderr.trimEnd().split("\n")) expect(line).toMatch(/^gc \d+ @\d+\.\d+s \d+%: /);
  });
});
