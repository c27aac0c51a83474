/** Number formatting and a plain fixed-width table for the benchmark report. */

/** A duration in nanoseconds, in the unit that keeps 3–4 significant digits. */
export function fmtNs(ns: number): string {
  if (!Number.isFinite(ns)) return "—";
  if (ns < 10) return `${ns.toFixed(2)} ns`;
  if (ns < 1e3) return `${ns.toFixed(1)} ns`;
  if (ns < 1e6) return `${(ns / 1e3).toFixed(ns < 1e4 ? 2 : 1)} µs`;
  if (ns < 1e9) return `${(ns / 1e6).toFixed(ns < 1e7 ? 2 : 1)} ms`;
  return `${(ns / 1e9).toFixed(2)} s`;
}

/** A rate per second: 12.3 M/s, 1.02 G/s. */
export function fmtRate(perSecond: number): string {
  if (!Number.isFinite(perSecond)) return "—";
  if (perSecond >= 1e9) return `${(perSecond / 1e9).toFixed(2)} G/s`;
  if (perSecond >= 1e6) return `${(perSecond / 1e6).toFixed(1)} M/s`;
  if (perSecond >= 1e3) return `${(perSecond / 1e3).toFixed(1)} k/s`;
  return `${perSecond.toFixed(0)} /s`;
}

export function fmtRatio(r: number): string {
  if (!Number.isFinite(r)) return "—";
  return r >= 100 ? `${r.toFixed(0)}×` : r >= 10 ? `${r.toFixed(1)}×` : `${r.toFixed(2)}×`;
}

export function fmtInt(n: number): string {
  return Math.round(n).toLocaleString("en-US");
}

export type Align = "left" | "right";

export interface Column {
  title: string;
  align?: Align;
}

/** One line of the table: cells in column order, or a section heading spanning the table. */
export type Line = { cells: string[] } | { heading: string };

/** Renders `lines` under `columns` with box-drawing rules; widths fit the content. */
export function renderTable(columns: Column[], lines: Line[]): string {
  const width = columns.map((c) => [...c.title].length);
  for (const l of lines) {
    if ("cells" in l) l.cells.forEach((cell, i) => (width[i] = Math.max(width[i], [...cell].length)));
  }
  const total = width.reduce((a, b) => a + b, 0) + 3 * (columns.length - 1);
  const pad = (s: string, w: number, align: Align) => {
    const fill = " ".repeat(Math.max(0, w - [...s].length));
    return align === "right" ? fill + s : s + fill;
  };
  const rule = (ch: string) => columns.map((_, i) => ch.repeat(width[i])).join(ch + ch + ch);
  const out: string[] = [];
  out.push(columns.map((c, i) => pad(c.title, width[i], c.align ?? "left")).join(" │ "));
  out.push(rule("─"));
  for (const l of lines) {
    if ("heading" in l) {
      out.push(pad(l.heading, total, "left"));
    } else {
      out.push(l.cells.map((cell, i) => pad(cell, width[i], columns[i].align ?? "left")).join(" │ "));
    }
  }
  return out.map((l) => l.trimEnd()).join("\n");
}
