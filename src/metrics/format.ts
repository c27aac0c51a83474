/**
 * The number formats every message and report shares, kept at the lowest
 * host layer so the engine's own error messages use them too (an
 * out-of-memory message and the text report print a size the same way).
 */

/**
 * A byte count in binary units: whole bytes below 1 KiB ("512 B", never
 * "0.5 KiB"), then KiB and MiB with one decimal, GiB with two.
 */
export function formatBytes(n: number): string {
  if (n < 1024) return `${Math.round(n)} B`;
  if (n < 1048576) return `${(n / 1024).toFixed(1)} KiB`;
  if (n < 1073741824) return `${(n / 1048576).toFixed(1)} MiB`;
  return `${(n / 1073741824).toFixed(2)} GiB`;
}

/** A count with thousands separators, as every report prints counts. */
export const count = (n: number) => n.toLocaleString("en-US");
