#!/usr/bin/env node
/**
 * `npm test`'s first step: make sure the system programs the suite drives
 * are there, before the build and the suite start.
 *
 *  - a Chromium, for the HTML-report tests (tests/html.test.ts drives it
 *    through playwright-core, which never downloads a browser here): the
 *    CHROMIUM environment variable (a path, which must be an executable
 *    file) or `chromium` / `chromium-browser` on PATH — the same lookup as
 *    tests/browser.ts;
 *  - Go, for the --pprof tests (tests/pprof.test.ts runs `go tool pprof`):
 *    `go` on PATH, the lookup tests/pprof.test.ts makes.
 *
 * When one is missing and we are root on a machine with apt-get, install
 * Debian's package (chromium, golang-go; one `apt-get update` for both);
 * otherwise say in one line what to install and exit 1.
 */
import { spawnSync } from "node:child_process";
import { accessSync, constants, statSync } from "node:fs";
import { delimiter, join } from "node:path";

const CHROMIUM_NAMES = ["chromium", "chromium-browser"];

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

/** What the suite needs: a name, how to tell it is there, the Debian package, and the line to print when it cannot be had. */
const NEEDS = [
  {
    name: "chromium",
    package: "chromium",
    why: "tests/html.test.ts",
    present: () => onPath(CHROMIUM_NAMES) !== undefined,
    missing: "the tests need Chromium and none was found: install it (Debian/Ubuntu: sudo apt-get install chromium) or set CHROMIUM=/path/to/chromium",
  },
  {
    name: "go",
    package: "golang-go",
    why: "tests/pprof.test.ts runs `go tool pprof`",
    present: () => onPath(["go"]) !== undefined,
    missing: "the tests need Go for `go tool pprof` and `go` is not on PATH: install it (Debian/Ubuntu: sudo apt-get install golang-go)",
  },
];

/** Installs Debian's `packages`; apt's own output goes to the terminal. */
function aptInstall(packages) {
  console.log(`ensure-system: installing Debian's ${packages.join(", ")} with apt-get`);
  const env = { ...process.env, DEBIAN_FRONTEND: "noninteractive" };
  const run = (args) => spawnSync("apt-get", args, { stdio: ["ignore", "ignore", "inherit"], env }).status === 0;
  // A fresh image has no package lists: update first.
  return run(["update", "-qq"]) && run(["install", "-y", "-qq", ...packages]);
}

function main() {
  const fromEnv = process.env.CHROMIUM;
  if (fromEnv && !executable(fromEnv)) {
    console.error(`ensure-system: CHROMIUM=${fromEnv} is not an executable file; point it at a Chromium or unset it to use chromium from PATH`);
    return 1;
  }
  const missing = NEEDS.filter((n) => !(n.name === "chromium" && fromEnv) && !n.present());
  if (missing.length === 0) return 0;
  for (const n of missing) console.log(`ensure-system: no ${n.name} found (${n.why})`);
  const root = process.getuid?.() === 0;
  if (root && onPath(["apt-get"])) {
    const installed = aptInstall(missing.map((n) => n.package));
    const still = missing.filter((n) => !n.present());
    if (installed && still.length === 0) return 0;
    for (const n of still) console.error(`ensure-system: \`apt-get install ${n.package}\` did not put ${n.name} on PATH (see above); ${n.missing}`);
    return 1;
  }
  for (const n of missing) console.error(`ensure-system: ${n.missing}`);
  return 1;
}

process.exit(main());
