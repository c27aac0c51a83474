/**
 * The value syntaxes a person types — a size, a GOGC — read the same way by
 * the CLI's flags (src/cli/flags.ts) and the page's form (src/web/controls.ts).
 * Each returns null for text that is not such a value; the caller words the
 * error and applies its own bounds (the CLI's heap sizes start at 1 MiB, the
 * page's step-mode heaps are smaller).
 */

/** Binary units, as in GOMEMLIMIT: "64m", "64MiB" and "64MB" are all 64 × 2^20. */
const UNITS: Record<string, number> = { "": 1, b: 1, k: 2 ** 10, kb: 2 ** 10, kib: 2 ** 10, m: 2 ** 20, mb: 2 ** 20, mib: 2 ** 20, g: 2 ** 30, gb: 2 ** 30, gib: 2 ** 30 };

/** "512MiB", "1.5 GiB", "64m", "1048576" → bytes (rounded down); null if it is not a size. */
export function sizeValue(text: string): number | null {
  const m = /^\s*(\d+(?:\.\d+)?)\s*([a-z]*)\s*$/i.exec(text);
  const unit = m ? UNITS[m[2]!.toLowerCase()] : undefined;
  return m && unit !== undefined ? Math.floor(Number(m[1]) * unit) : null;
}

/** The largest GOGC either reader takes. */
export const MAX_GOGC = 1e6;

/** "off" or a whole percentage from 0 to MAX_GOGC; null otherwise. */
export function gogcValue(text: string): number | "off" | null {
  if (text.trim().toLowerCase() === "off") return "off";
  const n = Number(text);
  return /^\s*\d+\s*$/.test(text) && n <= MAX_GOGC ? n : null;
}
