/**
 * The self-contained HTML report, in Node: the page (src/report/html/, all
 * browser-safe) with its two built parts read from disk and inlined —
 * dist/html/page.js (the page script bundled with Chart.js by
 * scripts/build.mjs) and dist/html/report.css. Node-only for the file
 * reads; the page itself needs no network.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { RunResult } from "../run/run.js";
import { renderReport, type HtmlOptions, type PageAssets } from "../report/html/templates.js";
import { packageRoot } from "./package-root.js";

export type { HtmlOptions, PageAssets } from "../report/html/templates.js";

/** Where the build puts the page's assets, relative to the package root. */
export const PAGE_SCRIPT = "dist/html/page.js";
export const PAGE_CSS = "dist/html/report.css";

let assets: PageAssets | undefined;

/** A built asset's text; a missing one names the file and the command that makes it. */
function readAsset(rel: string): string {
  const file = join(packageRoot(), rel);
  try {
    return readFileSync(file, "utf8");
  } catch (err) {
    throw new Error(`the HTML report needs ${file}, made by \`npm run build\`: ${(err as Error).message}`);
  }
}

/** The built page script and stylesheet, read once per process. */
export function pageAssets(): PageAssets {
  assets ??= { script: readAsset(PAGE_SCRIPT), css: readAsset(PAGE_CSS) };
  return assets;
}

/** The report page for `runs` (one run, or several compared). */
export function renderHtml(runs: readonly RunResult[], opts: HtmlOptions = {}): string {
  return renderReport(runs, pageAssets(), opts);
}
