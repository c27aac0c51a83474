/** The built-in scenarios, by name. */
import type { Scenario } from "../scenario.js";
import { binaryTrees } from "./binary-trees.js";
import { churn } from "./churn.js";

export const scenarios: ReadonlyMap<string, Scenario> = new Map([binaryTrees, churn].map((s) => [s.name, s]));
