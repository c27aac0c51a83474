/**
 * The HTML report's memory panel (src/report/html/memory.ts), opened in a
 * real headless Chromium (tests/browser.ts): a fixture of findings with
 * numbers chosen here (a leak suspect with its path, top retainers, leaked
 * goroutines, an escape, an out-of-memory with its fragmentation) and a
 * live-by-site series shows those numbers, formatted as every tricolor
 * report formats them, and the stacked chart holds the series' values; a
 * clean run gets no panel at all.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Browser, Page } from "playwright-core";
import { renderHtml } from "../src/node/html.js";
import { loadEngine } from "../src/node/loader.js";
import { runScenario, type RunResult } from "../src/run/run.js";
import { scenarios } from "../src/scenarios/index.js";
import type { LiveSeries } from "../src/engine/analysis.js";
import type { MemoryFindings } from "../src/analysis/findings.js";
import { OTHER_SITES_COLOR, SITE_COLORS, clientSiteLive, growthText } from "../src/report/html/memory.js";
import { formatP } from "../src/report/memory.js";
import { at } from "./helpers.js";
import { launchChromium } from "./browser.js";

const OUT = join(dirname(fileURLToPath(import.meta.url)), "..", "test-output");
const KiB = 1024;

/** Four cycles; eight sites, so the two smallest are summed as "2 other sites". */
const series: LiveSeries = {
  cycles: [1, 2, 3, 4],
  sites: [
    { site: 1, name: "fx.entry", objects: [1, 2, 3, 4], bytes: [100 * KiB, 200 * KiB, 300 * KiB, 400 * KiB] },
    { site: 2, name: "fx.value", objects: [1, 1, 1, 1], bytes: [50 * KiB, 50 * KiB, 50 * KiB, 50 * KiB] },
    ...[6, 5, 4, 3, 2, 1].map((k, i) => ({ site: 3 + i, name: `fx.s${i + 1}`, objects: [1, 1, 1, 1], bytes: [k * KiB, k * KiB, 0, k * KiB] })),
  ],
};

const findings: MemoryFindings = {
  sites: [],
  leaks: [{
    site: 1, name: "fx.entry", signals: ["trend", "middle-third"], bytesPerCycle: 100 * KiB, bytesPerMillionAllocs: 3 * KiB * KiB, cycles: 14, pValue: 0.0004,
    middleThirdObjects: 3_000, liveObjects: 100_001, liveBytes: 8_178_892, retainedBytes: 8_178_892, sampledObjects: 100_001,
    paths: [{ text: "global[0] → fx.head.0 → fx.entry.0 → (× 99,998 fx.entry.0) → fx.entry", steps: [], objects: 100_001, length: 100_002 }],
  }],
  retainers: [
    { kind: "object", site: 9, name: "fx.head", handle: 0x100010, retainedBytes: 8_178_908, fraction: 0.93, path: { text: "global[0] → fx.head", steps: [], objects: 1, length: 1 } },
    { kind: "site", site: 1, name: "fx.entry", retainedBytes: 8_178_892, fraction: 0.9, path: undefined },
  ],
  goroutines: {
    alive: 3_412, main: 14, series: { cycles: [1, 2], alive: [10, 3_412] }, growing: true, pValue: 0.0001, perCycle: 243.7, trendCycles: 14, leaked: 3_398, stackBytes: 22_334_668, retainedBytes: 1_887_436, retainedObjects: 3_398,
    groups: [{ label: "goroutine-leak.worker", count: 3_398, blockedSinceCycle: 2, stackBytes: 22_334_668, retainedBytes: 1_887_436, retainedObjects: 3_398, sites: [{ name: "fx.request", objects: 3_398, bytes: 108_736 }] }],
  },
  escapes: [{ site: 4, name: "escape.local", allocObjects: 600_000, allocBytes: 28_800_000, escapedObjects: 59_400, escapedBytes: 2_851_200, stayedObjects: 540_600, pendingObjects: 0, escapedTo: [{ to: "global 0", objects: 59_400 }], savedBytes: 28_311_552, savedCycles: 40, cycles: 44 }],
  oom: {
    requestedBytes: 16_392, heapInUseBytes: 4 * KiB * KiB, heapMaxBytes: 4 * KiB * KiB, stackBytes: 8 * KiB,
    fragmentation: {
      freePages: 0, freePageBytes: 0, unmappedPages: 0, largestFreeRunPages: 0, partialSpans: 331, freeBytesInPartialSpans: 2_726_297,
      classes: [{ sizeClass: 9, slotBytes: 144, partialSpans: 300, freeSlots: 15_000, usedSlots: 0, freeBytes: 2_160_000 }, { sizeClass: 3, slotBytes: 32, partialSpans: 31, freeSlots: 17_697, usedSlots: 0, freeBytes: 566_304 }],
    },
    topSites: [{ name: "fx.value", objects: 8_192, bytes: 1_179_648 }],
    retainers: [{ kind: "site", site: 2, name: "fx.value", retainedBytes: 1_179_648, fraction: 0.28 }],
  },
};

const clean: MemoryFindings = { sites: [{ site: 1, name: "x", allocObjects: 1, allocBytes: 16, liveObjects: 1, liveBytes: 16, retainedBytes: 16 }], leaks: [], retainers: [], escapes: [] };

let browser: Browser;
let run: RunResult;

beforeAll(async () => {
  mkdirSync(OUT, { recursive: true });
  run = await runScenario(scenarios.get("leaky-cache")!, (o) => loadEngine({ ...o, build: "release" }), { params: { entries: 2_000 } });
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
});

async function open(html: string, name: string): Promise<{ page: Page; errors: string[] }> {
  const file = join(OUT, `${name}.html`);
  writeFileSync(file, html);
  const page = await browser.newPage({ viewport: { width: 1240, height: 900 } });
  const errors: string[] = [];
  page.on("pageerror", (e) => errors.push(e.message));
  page.on("console", (m) => { if (m.type() === "error") errors.push(m.text()); });
  await page.goto(pathToFileURL(file).href, { waitUntil: "load" });
  await page.waitForSelector("body[data-ready='1']", { timeout: 10_000 });
  return { page, errors };
}

describe("html memory panel: the fixture's numbers", () => {
  it("suspects with paths, retainers, goroutines, escapes, out of memory, and the stacked live-by-site chart", async () => {
    const { page, errors } = await open(renderHtml([run], { memory: [{ findings, series }] }), "html-memory");
    try {
      expect(errors).toEqual([]);
      expect(await page.locator("section.memory").count()).toBe(1);
      const text = await page.locator("section.memory").innerText();
      for (const s of [
        // leak suspect row and its path
        "fx.entry", "+100.0 KiB/cycle", "+3.0 MiB/M allocs", "14 cycles, p < 0.001", "3,000", "100,001", "7.8 MiB", "trend, middle-third",
        "global[0] → fx.head.0 → fx.entry.0 → (× 99,998 fx.entry.0) → fx.entry   (100,001 objects)",
        // top retainers
        "fx.head @0x00100010", "93.0%", "global[0] → fx.head", "fx.entry (all its objects)", "90.0%",
        // goroutines
        "3,412 goroutines alive at the end, 3,398 counted as leaked (the count grows, p < 0.001): 21.3 MiB of stacks, retaining 1.8 MiB.",
        "goroutine-leak.worker", "cycle 2", "fx.request 106.2 KiB",
        // escapes
        "escape.local", "600,000", "27.5 MiB", "59,400 (9.9%)", "global 0 59,400", "27.0 MiB", "~40 of 44",
        // out of memory
        "Could not allocate 16.0 KiB: 4.0 MiB in use of 4.0 MiB max (stacks 8.0 KiB).",
        "Free: 0 whole pages (0 B); 2.6 MiB inside 331 part-filled spans.",
        "144 B", "15,000", "2.1 MiB", "17,697", "553.0 KiB", "8,192", "1.1 MiB", "28.0%",
      ]) expect(text, s).toContain(s);
      expect(await page.locator("table.memory.fragmentation tbody tr").count()).toBe(2);
      // The chart: the six largest sites by peak, then the rest summed; values in KiB, the tallest stack being 400 + 50 + 4 KiB at cycle 4.
      const chart = await page.evaluate(() => {
        const c = (window as unknown as { tricolorCharts: Record<string, { data: { labels: string[]; datasets: { label: string; data: number[] }[] }; options: { scales: { y: { title: { text: string } } } } }> }).tricolorCharts["site-live-0"]!;
        return { labels: c.data.labels, datasets: c.data.datasets.map((d) => ({ label: d.label, data: d.data })), y: c.options.scales.y.title.text };
      });
      expect(chart.labels).toEqual(["gc 1", "gc 2", "gc 3", "gc 4"]);
      expect(chart.y).toBe("live (KiB)");
      expect(chart.datasets).toEqual([
        { label: "fx.entry", data: [100, 200, 300, 400] },
        { label: "fx.value", data: [50, 50, 50, 50] },
        { label: "fx.s1", data: [6, 6, 0, 6] },
        { label: "fx.s2", data: [5, 5, 0, 5] },
        { label: "fx.s3", data: [4, 4, 0, 4] },
        { label: "fx.s4", data: [3, 3, 0, 3] },
        { label: "2 other sites", data: [3, 3, 0, 3] },
      ]);
      // Drawn: the top site's colour fills a good part of the plot.
      const top = await page.evaluate((hex) => {
        const c = document.getElementById("site-live-0") as HTMLCanvasElement;
        const { data } = c.getContext("2d")!.getImageData(0, 0, c.width, c.height);
        const rgb = [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16));
        let n = 0;
        for (let i = 0; i < data.length; i += 4) if (data[i + 3]! > 128 && Math.abs(data[i]! - rgb[0]!) + Math.abs(data[i + 1]! - rgb[1]!) + Math.abs(data[i + 2]! - rgb[2]!) < 40) n++;
        return n;
      }, at(SITE_COLORS, 0));
      expect(top).toBeGreaterThan(2000);
      await page.screenshot({ path: join(OUT, "html-memory.png"), fullPage: true });
    } finally {
      await page.close();
    }
  });

  it("a clean run has no panel and no chart, whatever series it brings", async () => {
    for (const memory of [undefined, [{ findings: clean, series }], [{ series }]]) {
      const html = renderHtml([run], memory ? { memory } : {});
      const { page, errors } = await open(html, "html-memory-clean");
      try {
        expect(errors).toEqual([]);
        expect(await page.locator("section.memory").count()).toBe(0);
        expect(await page.locator("canvas[id^='site-live']").count()).toBe(0);
      } finally {
        await page.close();
      }
    }
  });

  it("in a comparison, only the run with findings gets a panel, named after it; without a series, no chart", async () => {
    const first: RunResult = { ...run, config: { ...run.config, barrier: "hybrid" } };
    const second: RunResult = { ...run, config: { ...run.config, barrier: "stw" } };
    const onlyLeaks: MemoryFindings = { ...clean, leaks: findings.leaks };
    const { page, errors } = await open(renderHtml([first, second], { memory: [undefined, { findings: onlyLeaks }] }), "html-memory-compare");
    try {
      expect(errors).toEqual([]);
      const panels = page.locator("section.memory");
      expect(await panels.count()).toBe(1);
      expect(await panels.locator("h2").innerText()).toBe("Memory · stw · leaky-cache");
      expect(await panels.locator("h3").allInnerTexts()).toEqual(["LEAK SUSPECTS"]); // (h3s are upper-cased by the stylesheet)
      expect(await page.locator("canvas[id^='site-live']").count()).toBe(0);
    } finally {
      await page.close();
    }
  });
});

describe("html memory panel: its formats and the chart's data", () => {
  it("p-values, growth, units", () => {
    expect(formatP(0.0004)).toBe("p < 0.001");
    expect(formatP(0.012345)).toBe("p = 0.012");
    expect(growthText(200)).toBe("+200 B");
    expect(growthText(-1536)).toBe("−1.5 KiB");
    expect(growthText(0)).toBe("0 B");
    const small = clientSiteLive({ cycles: [7], sites: [{ site: 0, name: "a", objects: [1], bytes: [512] }] })!;
    expect(small).toEqual({ cycles: [7], unit: "B", sites: [{ name: "a", color: at(SITE_COLORS, 0), values: [512] }] });
    expect(clientSiteLive({ cycles: [], sites: [] })).toBeNull();
    expect(at(clientSiteLive(series)!.sites, 6).color).toBe(OTHER_SITES_COLOR);
  });
});
