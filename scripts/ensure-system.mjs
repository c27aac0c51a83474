#!/usr/bin/env node
/**
 * `npm test`'s first step: make sure there is a Chromium for the HTML-report
 * test (tests/html.test.ts drives it through playwright-core, which never
 * downloads a browser here).
 *
 * A Chromium is the CHROMIUM environment variable (a path, which must be an
 * executable file) or `chromium` / `chromium-browser` on PATH — the same
 * lookup as tests/browser.ts. When there is none and we are root on a
 * machine with apt-get, install Debian's package; otherwise say in one line
 * what to install and exit 1, before the build and the suite start.
 */
import { spawnSync } from "node:child_process";
import { accessSync, constants, statSync } from "node:fs";
import { delimiter, join } from "node:path";

const NAMES = ["chromium", "chromium-browser"];

/** Whether `file` is an executable regular file. */
function executable(file) {
  try {
    accessSync(file, constants.X_OK);
    return statSync(file).isFile();
  } catch {
    return false;
  }
}

/** The first `names` executable on PATH, or undefined. */
function onPath(names) {
  const dirs = (process.env.PATH ?? "").split(delimiter).filter(Boolean);
  for (const name of names) for (const dir of dirs) if (executable(join(dir, name))) return join(dir, name);
  return undefined;
}

/** Installs Debian's chromium; apt's own output goes to the terminal. */
function aptInstall() {
  console.log("ensure-chromium: no chromium found; installing Debian's chromium with apt-get (for tests/html.test.ts)");
  const env = { ...process.env, DEBIAN_FRONTEND: "noninteractive" };
  const run = (args) => spawnSync("apt-get", args, { stdio: ["ignore", "ignore", "inherit"], env }).status === 0;
  // A fresh image has no package lists: update first.
  return run(["update", "-qq"]) && run(["install", "-y", "-qq", "chromium"]);
}

function main() {
  const fromEnv = process.env.CHROMIUM;
  if (fromEnv) {
    if (executable(fromEnv)) return 0;
    console.error(`ensure-chromium: CHROMIUM=${fromEnv} is not an executable file; point it at a Chromium or unset it to use chromium from PATH`);
    return 1;
  }
  if (onPath(NAMES)) return 0;
  const root = process.getuid?.() === 0;
  if (root && onPath(["apt-get"])) {
    if (aptInstall() && onPath(NAMES)) return 0;
    console.error("ensure-chromium: `apt-get install chromium` did not put chromium on PATH (see above); install a Chromium or set CHROMIUM=/path/to/chromium");
    return 1;
  }
  console.error("ensure-chromium: the tests need Chromium and none was found: install it (Debian/Ubuntu: sudo apt-get install chromium) or set CHROMIUM=/path/to/chromium");
  return 1;
}

process.exit(main());
