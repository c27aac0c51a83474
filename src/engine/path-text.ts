/**
 * A retainer path as one short line, for messages the engine itself writes
 * (an out-of-memory error names what holds the heap):
 * `global[0] → cache.map.1 → cache.bucket.7 → (× 4,095 cache.entry.0) → cache.entry`.
 * A root, then each holder as site.field, then the object's site; a run of
 * three or more identical steps shows its first and a count of the rest.
 */
import type { RetainerStep } from "./analysis.js";
import { count } from "../metrics/format.js";

function rootText(s: RetainerStep): string {
  switch (s.kind) {
    case "global": return `global[${s.index}]`;
    case "pin": return `pin[${s.index}]`;
    case "stack": return `goroutine ${s.goroutine} frame ${s.frame}`;
    case "field": return `${s.holderSiteName}.${s.field}`;
  }
}

export function retainerPathText(steps: readonly RetainerStep[]): string {
  if (steps.length === 0) return "";
  const labels = steps.map(rootText);
  const parts: string[] = [];
  for (let i = 0; i < labels.length; ) {
    let j = i + 1;
    while (j < labels.length && labels[j] === labels[i]) j++;
    const run = j - i;
    parts.push(labels[i]);
    if (run >= 3) parts.push(`(× ${count(run - 1)} ${labels[i]})`);
    else if (run === 2) parts.push(labels[i]);
    i = j;
  }
  parts.push(steps[steps.length - 1].targetSiteName);
  return parts.join(" → ");
}
