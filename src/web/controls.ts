/**
 * The settings form: the scenario (the built-ins with their parameters, from
 * src/scenarios' registry and each ParamSpec, or a user's module loaded from a
 * Blob URL), the strategy and what to compare it with, GOGC, memory limit,
 * max heap, mark quantum, verification, the seed and the step grain. It reads
 * the form into the fields of a RunRequest, refusing bad input with one
 * sentence naming the field, as the CLI does.
 *
 * Every control is a native form element with a visible label, so the whole
 * form works from the keyboard with Tab, arrows and Space as any form does.
 */
import { BARRIERS, type Barrier, type Gogc } from "../engine/engine.js";
import { STRATEGIES } from "../engine/strategies.js";
import { gogcValue, MAX_GOGC, sizeValue } from "../metrics/values.js";
import { parseParam, scenarioShapeError, type ParamSpec, type Scenario } from "../scenario/scenario.js";
import { scenarios } from "../scenarios/index.js";
import type { RunRequest, ScenarioRef } from "./protocol.js";

/** A scenario the form offers: a built-in, or a user's module (its Blob URL). */
interface Offered {
  scenario: Scenario;
  ref: ScenarioRef;
}

/** What the form says, less what the page decides (paused, watchCalls, slotLimit). */
export type Settings = Omit<RunRequest, "paused" | "watchCalls" | "slotLimit" | "barrier"> & { barriers: Barrier[] };

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;

/** A size as the CLI reads one ("64MiB", "1.5 GiB", "64m", "4096": src/metrics/values.ts); undefined for blank, "none" or "off". */
export function parseSize(field: string, text: string): number | undefined {
  const t = text.trim();
  if (t === "" || t.toLowerCase() === "none" || t.toLowerCase() === "off") return undefined;
  const bytes = sizeValue(t);
  if (bytes === null) throw new Error(`${field} must be a size such as 64MiB, got "${t}"`);
  return bytes;
}

/** GOGC as the CLI reads it: "off" or a whole percentage up to MAX_GOGC; undefined for blank. */
function parseGogc(text: string): Gogc | undefined {
  if (text.trim() === "") return undefined;
  const g = gogcValue(text);
  if (g === null) throw new Error(`GOGC must be off or a whole percentage from 0 to ${MAX_GOGC}, got "${text.trim()}"`);
  return g;
}

function option(value: string, text: string): HTMLOptionElement {
  const o = document.createElement("option");
  o.value = value;
  o.textContent = text;
  return o;
}

export class Controls {
  private readonly offered = new Map<string, Offered>();
  readonly scenario = $<HTMLSelectElement>("scenario");
  readonly barrier = $<HTMLSelectElement>("barrier");
  readonly compare = $<HTMLSelectElement>("compare");
  readonly grain = $<HTMLSelectElement>("grain");
  private readonly params = $<HTMLDivElement>("params");
  /** Called when the form changes what a run would be (the page may say so). */
  onChange: () => void = () => {};

  constructor() {
    for (const s of scenarios.values()) this.offer({ scenario: s, ref: { kind: "builtin", name: s.name } }, false);
    for (const b of BARRIERS) {
      this.barrier.append(option(b, `${b} — ${STRATEGIES[b].label}`));
      this.compare.append(option(b, b));
    }
    this.compare.prepend(option("", "— (one run)"));
    this.compare.value = "";
    this.barrier.value = "hybrid";
    this.scenario.value = "binary-trees";
    this.scenario.addEventListener("change", () => this.showParams());
    this.showParams();
    $<HTMLInputElement>("scenario-file").addEventListener("change", (ev) => {
      const file = (ev.target as HTMLInputElement).files?.[0];
      if (file) void this.loadFile(file);
    });
  }

  private offer(o: Offered, user: boolean): void {
    const key = o.ref.kind === "builtin" ? o.ref.name : o.ref.url;
    this.offered.set(key, o);
    this.scenario.append(option(key, user ? `${o.scenario.name} (your module)` : o.scenario.name));
  }

  private current(): Offered {
    return this.offered.get(this.scenario.value)!;
  }

  /** One number field per parameter of the chosen scenario, at its default, with its range. */
  private showParams(): void {
    const s = this.current().scenario;
    $<HTMLParagraphElement>("scenario-about").textContent = s.description;
    this.params.replaceChildren(...s.params.map((p) => this.paramField(p)));
    this.onChange();
  }

  private paramField(p: ParamSpec): HTMLLabelElement {
    const label = document.createElement("label");
    const input = document.createElement("input");
    input.type = "number";
    input.name = p.name;
    input.value = String(p.default);
    if (p.min !== undefined) input.min = String(p.min);
    if (p.max !== undefined) input.max = String(p.max);
    input.step = p.type === "int" ? "1" : "any";
    input.title = p.description;
    label.append(`--${p.name}`, input);
    label.title = p.description;
    return label;
  }

  /**
   * A user's scenario module: imported here from a Blob URL to read its name
   * and parameters, and imported again by the worker from the same URL.
   */
  async loadFile(file: File): Promise<void> {
    if (!/\.m?js$/i.test(file.name)) throw new Error(`${file.name}: a scenario module is a .js or .mjs file (TypeScript needs compiling first)`);
    const url = URL.createObjectURL(new Blob([await file.text()], { type: "text/javascript" }));
    const mod = (await import(/* @vite-ignore */ url)) as { default?: unknown };
    const why = scenarioShapeError(mod.default);
    if (why) throw new Error(`${file.name} is not a scenario: ${why}`);
    const scenario = mod.default as Scenario;
    this.offer({ scenario, ref: { kind: "module", url, name: scenario.name } }, true);
    this.scenario.value = url;
    this.showParams();
  }

  /** The form as run settings; throws one sentence for the first bad field. */
  read(): Settings {
    const s = this.current();
    const params: Record<string, number> = {};
    for (const p of s.scenario.params) {
      const input = this.params.querySelector<HTMLInputElement>(`input[name="${CSS.escape(p.name)}"]`)!;
      params[p.name] = parseParam(p, input.value);
    }
    const barriers = [this.barrier.value as Barrier];
    if (this.compare.value && this.compare.value !== this.barrier.value) barriers.push(this.compare.value as Barrier);
    const quantumText = $<HTMLInputElement>("quantum").value.trim();
    const quantum = quantumText === "" ? undefined : Number(quantumText);
    if (quantum !== undefined && (!Number.isInteger(quantum) || quantum < 1)) throw new Error(`the mark quantum must be a whole number of words ≥ 1, got "${quantumText}"`);
    const seed = Number($<HTMLInputElement>("seed").value);
    if (!Number.isInteger(seed) || seed < 0) throw new Error(`the seed must be a whole number ≥ 0`);
    return {
      scenario: s.ref,
      params,
      barriers,
      gogc: parseGogc($<HTMLInputElement>("gogc").value),
      memoryLimit: parseSize("the memory limit", $<HTMLInputElement>("memory-limit").value),
      maxHeap: parseSize("the max heap", $<HTMLInputElement>("max-heap").value),
      markQuantum: quantum,
      verify: $<HTMLInputElement>("verify").checked,
      seed,
    };
  }

  /** Sets the form (for the small-heap preset, and for tests): only the fields given. */
  set(values: { scenario?: string; params?: Record<string, number>; barrier?: Barrier; compare?: Barrier | ""; gogc?: string; memoryLimit?: string; maxHeap?: string; quantum?: string; seed?: number; verify?: boolean }): void {
    if (values.scenario !== undefined) {
      this.scenario.value = values.scenario;
      this.showParams();
    }
    for (const [name, v] of Object.entries(values.params ?? {})) {
      const input = this.params.querySelector<HTMLInputElement>(`input[name="${CSS.escape(name)}"]`);
      if (input) input.value = String(v);
    }
    if (values.barrier !== undefined) this.barrier.value = values.barrier;
    if (values.compare !== undefined) this.compare.value = values.compare;
    if (values.gogc !== undefined) $<HTMLInputElement>("gogc").value = values.gogc;
    if (values.memoryLimit !== undefined) $<HTMLInputElement>("memory-limit").value = values.memoryLimit;
    if (values.maxHeap !== undefined) $<HTMLInputElement>("max-heap").value = values.maxHeap;
    if (values.quantum !== undefined) $<HTMLInputElement>("quantum").value = values.quantum;
    if (values.seed !== undefined) $<HTMLInputElement>("seed").value = String(values.seed);
    if (values.verify !== undefined) $<HTMLInputElement>("verify").checked = values.verify;
    this.onChange();
  }
}
