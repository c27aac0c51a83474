/**
 * The HTML report, opened in a real headless Chromium (the system's, through
 * playwright-core; tests/browser.ts finds it): every chart is drawn and shows
 * each run's data in its strategy's color, the page is self-contained (no
 * request but the file itself), hostile text cannot break out of the page,
 * and a GOGC matrix fits a 1024-px window. The page script is TypeScript
 * type-checked for the browser (tsconfig.page.json). Screenshots go to
 * test-output/ for a human to look at.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import ts from "typescript";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Browser, Page } from "playwright-core";
import { BARRIERS, type Barrier, type Gogc } from "../src/engine/engine.js";
import { pageAssets, renderHtml } from "../src/node/html.js";
import { binLabel, pauseHistogram } from "../src/report/html/data.js";
import { escapeHtml, jsonForScript } from "../src/report/html/escape.js";
import { STRATEGIES } from "../src/engine/strategies.js";
import { loadEngine } from "../src/node/loader.js";
import { runScenario, type RunResult } from "../src/run/run.js";
import { churn } from "../src/scenarios/churn.js";
import { launchChromium } from "./browser.js";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..");
const OUT = join(ROOT, "test-output");

/** A small churn run with several GC cycles (GOGC=50 keeps the goal near the 2 MiB minimum). */
function churnRun(barrier: Barrier, gogc: Gogc = 50, steps = 160_000): Promise<RunResult> {
  return runScenario(churn, (o) => loadEngine({ ...o, build: "release", barrier }), {
    params: { live: 20_000, goroutines: 20, "stack-depth": 8, steps },
    engine: { gogc },
  });
}

interface CanvasStats {
  id: string;
  width: number;
  height: number;
  /** Share of pixels drawn on (alpha > 0): the canvas background is transparent. */
  inked: number;
  /** Per color asked for: pixels inside the plot area (not the legend or axes) within a small distance of it. */
  colorPixels: Record<string, number>;
}

interface Opened {
  page: Page;
  requests: string[];
  errors: string[];
  canvases: CanvasStats[];
}

let browser: Browser;
let compared: RunResult[];
let single: RunResult;

beforeAll(async () => {
  mkdirSync(OUT, { recursive: true });
  // One after another, before the browser starts: each run's timing is its own.
  compared = [];
  for (const b of ["stw", "hybrid", "none"] as const) compared.push(await churnRun(b));
  single = compared[1]!;
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
});

/** Writes `html` to test-output/`name`.html, opens it in a `width`-px window and measures every canvas. */
async function open(html: string, name: string, colors: string[], width = 1240): Promise<Opened> {
  const file = join(OUT, `${name}.html`);
  writeFileSync(file, html);
  const page = await browser.newPage({ viewport: { width, height: 900 } });
  const requests: string[] = [];
  const errors: string[] = [];
  page.on("request", (r) => requests.push(r.url()));
  page.on("console", (m) => {
    if (m.type() === "error") errors.push(`console: ${m.text()}`);
  });
  page.on("pageerror", (e) => errors.push(`pageerror: ${e.message}`));
  page.on("dialog", (d) => {
    errors.push(`dialog: ${d.message()}`);
    void d.dismiss();
  });
  await page.goto(pathToFileURL(file).href, { waitUntil: "load" });
  await page.waitForSelector("body[data-ready='1']", { timeout: 10_000 });
  const canvases = await page.evaluate((wanted: string[]) => {
    const rgb = wanted.map((hex) => [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16)));
    const charts = (window as unknown as { tricolorCharts: Record<string, { chartArea: { left: number; top: number; right: number; bottom: number } }> }).tricolorCharts;
    return Array.from(document.querySelectorAll("canvas")).map((c) => {
      const ctx = c.getContext("2d")!;
      const { data } = ctx.getImageData(0, 0, c.width, c.height);
      const rect = c.getBoundingClientRect();
      const scale = c.width / rect.width;
      const area = charts[c.id]?.chartArea ?? { left: 0, top: 0, right: 0, bottom: 0 };
      let inked = 0;
      const hits = wanted.map(() => 0);
      for (let i = 0; i < data.length; i += 4) {
        if (data[i + 3] === 0) continue;
        inked++;
        const x = (i / 4) % c.width;
        const y = Math.floor(i / 4 / c.width);
        if (data[i + 3]! < 128 || x < area.left * scale || x >= area.right * scale || y < area.top * scale || y >= area.bottom * scale) continue;
        for (let k = 0; k < rgb.length; k++) {
          const [r, g, b] = rgb[k]! as [number, number, number];
          if (Math.abs(data[i]! - r) + Math.abs(data[i + 1]! - g) + Math.abs(data[i + 2]! - b) < 40) hits[k]!++;
        }
      }
      return {
        id: c.id,
        width: rect.width,
        height: rect.height,
        inked: inked / (data.length / 4),
        colorPixels: Object.fromEntries(wanted.map((w, k) => [w, hits[k] ?? 0])),
      };
    });
  }, colors);
  if (process.env.HTML_TEST_VERBOSE) console.log(name, JSON.stringify(canvases));
  return { page, requests, errors, canvases };
}

function expectSelfContained(o: Opened, name: string): void {
  expect(o.requests).toEqual([pathToFileURL(join(OUT, `${name}.html`)).href]);
  expect(o.errors).toEqual([]);
}

/**
 * Every expected chart exists, has its fixed size, is well inked, and its plot
 * area shows each listed run color (and none of `absent`).
 */
function expectCharts(o: Opened, expected: Record<string, string[]>, absent: Record<string, string[]> = {}): void {
  expect(o.canvases.map((c) => c.id).sort()).toEqual(Object.keys(expected).sort());
  for (const c of o.canvases) {
    expect(c.width, c.id).toBeGreaterThan(300);
    expect(c.height, c.id).toBeGreaterThan(200);
    // Axes, ticks, labels and data: a good few percent of a chart is drawn on.
    expect(c.inked, c.id).toBeGreaterThan(0.02);
    for (const color of expected[c.id] ?? []) expect(c.colorPixels[color], `${c.id} ${color}`).toBeGreaterThan(25);
    for (const color of absent[c.id] ?? []) expect(c.colorPixels[color], `${c.id} ${color} (absent)`).toBeLessThan(5);
  }
}

describe("html report", () => {
  it("compares stw, hybrid and none: every chart drawn, nothing fetched, no errors", async () => {
    const html = renderHtml(compared);
    // Static: one document, no external resources.
    expect(html.startsWith("<!doctype html>")).toBe(true);
    // (Matched as booleans: a failing toMatch would print the whole 300 kB page.)
    expect(/<(script|link|img|iframe)[^>]+(src|href)=/i.test(html)).toBe(false);
    const css = html.match(/<style>([\s\S]*?)<\/style>/)?.[1] ?? "";
    expect(css.length).toBeGreaterThan(100);
    expect(/@import|url\(|@font-face/i.test(css)).toBe(false);
    const colors = compared.map((r) => STRATEGIES[r.config.barrier].colour);
    const o = await open(html, "html-report", colors);
    try {
      expectSelfContained(o, "html-report");
      const [stw, hybrid, none] = colors as [string, string, string];
      expectCharts(o, {
        "heap-0": [stw],
        "heap-1": [hybrid],
        "heap-2": [none],
        "pause-timeline": colors,
        "pause-hist": colors,
        // stw scans stacks inside its one pause: only the concurrent runs have stack-scan pauses.
        "stack-hist": [hybrid, none],
        mmu: colors,
      }, { "heap-0": [hybrid, none], "heap-1": [stw, none], "heap-2": [stw, hybrid], "stack-hist": [stw] });
      // Header and per-run text.
      const text = await o.page.locator("header").innerText();
      for (const s of ["churn", "stw", "hybrid", "none", "GOGC", "50", "live=20000", "max heap", "memory limit", "seed", "release"]) expect(text).toContain(s);
      expect(await o.page.locator("table.figures tbody tr").count()).toBe(3);
      const gctrace = await o.page.locator("pre.gctrace").allInnerTexts();
      expect(gctrace).toHaveLength(3);
      gctrace.forEach((g, i) => {
        const lines = g.split("\n");
        expect(lines).toHaveLength(compared[i]!.cycles.length);
        expect(lines[0]).toMatch(/^gc 1 @\d+\.\d{3}s \d+%: .* ms clock, .* MB goal, .* 1 P/);
      });
      await o.page.screenshot({ path: join(OUT, "html-report.png"), fullPage: true });
    } finally {
      await o.page.close();
    }
  });

  it("renders a single run", async () => {
    const color = STRATEGIES.hybrid.colour;
    const o = await open(renderHtml([single], { title: "hybrid alone" }), "html-report-single", [color]);
    try {
      expectSelfContained(o, "html-report-single");
      expectCharts(o, { "heap-0": [color], "pause-timeline": [color], "pause-hist": [color], "stack-hist": [color], mmu: [color] });
      expect(await o.page.title()).toBe("hybrid alone");
      await o.page.screenshot({ path: join(OUT, "html-report-single.png"), fullPage: true });
    } finally {
      await o.page.close();
    }
  });

  it("escapes hostile text: names and output lines cannot close the script or inject markup", async () => {
    const evil = '</script><script>alert("pwned")</script><!-- <b>bold</b> &amp;';
    const run: RunResult = { ...single, scenario: `churn${evil}`, output: [...single.output, evil, "\u2028line separator\u2029"] };
    const html = renderHtml([run], { title: `title ${evil}` });
    const o = await open(html, "html-report-escape", [STRATEGIES.hybrid.colour]);
    try {
      expectSelfContained(o, "html-report-escape");
      // The data element and the page script: nothing the hostile text added.
      expect(await o.page.evaluate(() => document.querySelectorAll("script").length)).toBe(2);
      expect(await o.page.evaluate(() => document.querySelectorAll("b").length)).toBe(0);
      expect(await o.page.title()).toBe(`title ${evil}`);
      expect(await o.page.locator("pre.output").innerText()).toContain(evil);
      expect(await o.page.locator("dl.meta").innerText()).toContain(`churn${evil}`);
      expect(o.canvases).toHaveLength(5);
    } finally {
      await o.page.close();
    }
  });

  it("escaping and binning helpers", () => {
    expect(escapeHtml(`<a href="x">'&'</a>`)).toBe("&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;");
    const json = jsonForScript({ s: "</script><!--\u2028" });
    expect(json).not.toMatch(/[<>\u2028]/);
    expect(JSON.parse(json)).toEqual({ s: "</script><!--\u2028" });
    // The built page script carries Chart.js (its licence banner) and nothing that closes a script element.
    expect(pageAssets().script).toMatch(/Chart\.js v4/);
    expect(pageAssets().script).not.toMatch(/<\/script/i);
    // 1-2-5 bins from the edge at or below the minimum past the maximum; [lo, hi).
    const h = pauseHistogram([[1_500, 2_000, 9_999], [45_000], []]);
    expect(h.edgesNs).toEqual([1_000, 2_000, 5_000, 10_000, 20_000, 50_000]);
    expect(h.labels).toEqual(["1–2 µs", "2–5 µs", "5–10 µs", "10–20 µs", "20–50 µs"]);
    expect(binLabel(200, 500)).toBe("200–500 ns");
    expect(binLabel(500, 1000)).toBe("0.5–1 µs");
    expect(binLabel(5e8, 1e9)).toBe("0.5–1 s");
    expect(h.counts).toEqual([
      [1, 1, 1, 0, 0],
      [0, 0, 0, 0, 1],
      [0, 0, 0, 0, 0],
    ]);
    expect(pauseHistogram([[], []])).toEqual({ edgesNs: [], labels: [], counts: [[], []] });
    expect(() => renderHtml([])).toThrow(RangeError);
  });
});

describe("html report layout", () => {
  it("a GOGC matrix (every strategy × three GOGC values) fits a 1024-px window: no sideways scrolling", async () => {
    const runs: RunResult[] = [];
    for (const gogc of [50, 100, 200]) for (const b of BARRIERS) runs.push(await churnRun(b, gogc, 20_000));
    const colors = runs.slice(0, BARRIERS.length).map((r) => STRATEGIES[r.config.barrier].colour);
    const o = await open(renderHtml(runs), "html-report-1024", colors, 1024);
    try {
      expectSelfContained(o, "html-report-1024");
      const widths = await o.page.evaluate(() => ({
        page: document.scrollingElement!.scrollWidth,
        // Every card holds its content: nothing pokes out of a header or section.
        spills: Array.from(document.querySelectorAll("header, section")).filter((el) => el.scrollWidth > el.clientWidth).map((el) => el.querySelector("h1, h2")?.textContent),
        // The figures table fits whole, without its own scrollbar.
        table: [document.querySelector(".table-scroll")!.scrollWidth, document.querySelector(".table-scroll")!.clientWidth],
      }));
      expect(widths.page).toBeLessThanOrEqual(1024);
      expect(widths.spills).toEqual([]);
      expect(widths.table[0], `figures table ${widths.table.join(" px in ")} px`).toBeLessThanOrEqual(widths.table[1]!);
      // Every chart still drawn, each at least a usable size.
      expect(o.canvases).toHaveLength(runs.length + 4);
      for (const c of o.canvases) {
        expect(c.width, c.id).toBeGreaterThan(300);
        expect(c.inked, c.id).toBeGreaterThan(0.02);
      }
      await o.page.screenshot({ path: join(OUT, "html-report-1024.png"), fullPage: true });
    } finally {
      await o.page.close();
    }
  });
});

describe("the page script", () => {
  it("is TypeScript type-checked for the browser: DOM and Chart.js types, no Node types, no errors", () => {
    const parsed = ts.getParsedCommandLineOfConfigFile(join(ROOT, "tsconfig.page.json"), {}, { ...ts.sys, onUnRecoverableConfigFileDiagnostic: (d) => expect.fail(String(d.messageText)) })!;
    const page = join(ROOT, "src/report/html/page.ts");
    expect(parsed.fileNames).toEqual([page]);
    expect(parsed.options.lib).toContain("lib.dom.d.ts");
    expect(parsed.options.types).toEqual([]);
    expect(parsed.options.strict).toBe(true);
    const program = ts.createProgram(parsed.fileNames, parsed.options);
    const diagnostics = ts.getPreEmitDiagnostics(program).map((d) => ts.flattenDiagnosticMessageText(d.messageText, "\n"));
    expect(diagnostics).toEqual([]);
    // It sees Chart.js's own declarations, and no Node globals.
    const files = program.getSourceFiles().map((f) => f.fileName);
    expect(files.some((f) => /node_modules\/chart\.js\/dist\/types/.test(f))).toBe(true);
    expect(files.some((f) => /@types\/node/.test(f))).toBe(false);
    // tsconfig.json (Node types) leaves it to this project.
    const main = ts.getParsedCommandLineOfConfigFile(join(ROOT, "tsconfig.json"), {}, { ...ts.sys, onUnRecoverableConfigFileDiagnostic: () => {} })!;
    expect(main.fileNames).not.toContain(page);
  });
});
