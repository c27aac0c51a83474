/**
 * Puppeteer's configuration (it looks this file up from its install script).
 * Puppeteer is only here as a dependency of @memlab/heap-analysis (the
 * differential test of --heapsnapshot, tests/heapsnapshot-memlab.test.ts),
 * which never launches a browser; its install script would otherwise
 * download Chrome, which fails offline. Tests that need a browser use the
 * system Chromium (tests/browser.ts). (npm 11's allowScripts in package.json
 * also denies that script; this file is what every npm version honours.)
 *
 * @type {import("puppeteer").Configuration}
 */
module.exports = {
  skipDownload: true,
};
