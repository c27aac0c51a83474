/** The built-in scenarios, by name. */
import type { Scenario } from "../scenario.js";
import { binaryTrees } from "./binary-trees.js";

export const scenarios: ReadonlyMap<string, Scenario> = new Map([binaryTrees].map((s) => [s.name, s]));
