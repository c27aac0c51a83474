/**
 * What the CLI does for a person at a terminal and never in a pipe: colours
 * (only on a TTY, and never with NO_COLOR set), a progress bar on stderr for
 * runs longer than a second, and a small chart of the heap over time.
 */
import pc from "picocolors";
import cliProgress from "cli-progress";
import asciichart from "asciichart";
import type { RunResult } from "../run/run.js";

/** Colours for a stream: on only if it is a terminal and NO_COLOR is unset (https://no-color.org). */
export function colorsFor(stream: NodeJS.WriteStream): ReturnType<typeof pc.createColors> {
  const on = !!stream.isTTY && !("NO_COLOR" in process.env && process.env.NO_COLOR !== "");
  return pc.createColors(on);
}

/**
 * A progress bar on stderr that appears only once a run has lasted a second,
 * and only when stderr is a terminal; silent in pipes and CI. Scenarios run
 * synchronously, so no timer could fire meanwhile: the bar appears from
 * update(), which the run calls as it progresses.
 */
export class Progress {
  private bar: cliProgress.SingleBar | null = null;
  private readonly enabled = !!process.stderr.isTTY && !process.env.CI;
  private readonly started = performance.now();

  constructor(private readonly label: string, private readonly total = 1000) {}

  /** Progress in [0, 1]. */
  update(fraction: number): void {
    if (!this.enabled) return;
    const value = Math.round(fraction * this.total);
    if (!this.bar) {
      if (performance.now() - this.started < 1000) return;
      this.bar = new cliProgress.SingleBar(
        { stream: process.stderr, format: `${this.label} [{bar}] {percentage}% · {eta_formatted} left`, hideCursor: true, clearOnComplete: true },
        cliProgress.Presets.shades_classic,
      );
      this.bar.start(this.total, value);
      return;
    }
    this.bar.update(value);
  }

  stop(): void {
    this.bar?.stop();
    this.bar = null;
  }
}

/** Heap in use over the run (each cycle's start and end), as a terminal chart of `height` rows. */
export function heapChart(r: RunResult, width = 64, height = 8): string {
  const points: number[] = [];
  for (const c of r.cycles) points.push(c.heapStartBytes / 1048576, c.heapEndBytes / 1048576);
  if (points.length < 2) return "";
  // Resample to the chart width so long runs still fit one screen.
  const series = Array.from({ length: Math.min(width, points.length) }, (_, i) => points[Math.floor((i * points.length) / Math.min(width, points.length))]);
  return asciichart.plot(series, { height, format: (x: number) => `${x.toFixed(1).padStart(7)} MiB ` });
}
