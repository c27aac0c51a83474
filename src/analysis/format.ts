/**
 * The number format every report shares, here so that the analysis can
 * write its own texts (retainer paths) with it: src/report re-exports it.
 */

/** A count with thousands separators, as every report prints counts. */
export const count = (n: number) => n.toLocaleString("en-US");
