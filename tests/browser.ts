/**
 * The browser the tests drive: a system Chromium through playwright-core
 * (which downloads nothing). Its path is the CHROMIUM environment variable,
 * else `chromium` or `chromium-browser` on PATH — the lookup
 * scripts/ensure-system.mjs makes before `npm test` starts, so a machine
 * without one fails there with one line saying what to install.
 */
import { accessSync, constants, statSync } from "node:fs";
import { delimiter, join } from "node:path";
import { chromium, type Browser } from "playwright-core";

const NAMES = ["chromium", "chromium-browser"];
/** Headless, no sandbox (tests run as root in CI), and nothing that phones home. */
const ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"];

function executable(file: string): boolean {
  try {
    accessSync(file, constants.X_OK);
    return statSync(file).isFile();
  } catch {
    return false;
  }
}

/** The Chromium to launch; throws with what to do when there is none. */
export function chromiumPath(): string {
  const fromEnv = process.env.CHROMIUM;
  if (fromEnv) return fromEnv;
  const dirs = (process.env.PATH ?? "").split(delimiter).filter(Boolean);
  for (const name of NAMES) for (const dir of dirs) if (executable(join(dir, name))) return join(dir, name);
  throw new Error("no Chromium: set CHROMIUM=/path/to/chromium or put chromium on PATH (npm test installs Debian's when run as root)");
}

/** A headless Chromium; close it when done. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: chromiumPath(), args: ARGS });
}
