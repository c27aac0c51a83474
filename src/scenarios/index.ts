/** The built-in scenarios, by name. */
import type { Scenario } from "../scenario/scenario.js";
import { binaryTrees } from "./binary-trees.js";
import { churn } from "./churn.js";
import { gcbench } from "./gcbench.js";
import { lruCache } from "./lru-cache.js";
import { leakyCache } from "./leaky-cache.js";
import { goroutineLeak } from "./goroutine-leak.js";
import { producerConsumer } from "./producer-consumer.js";
import { sliceAppend } from "./slice-append.js";
import { mapIndirection } from "./map-indirection.js";
import { deepNesting } from "./deep-nesting.js";
import { arraySlice } from "./array-slice.js";
import { escape } from "./escape.js";

export const scenarios: ReadonlyMap<string, Scenario> = new Map(
  [binaryTrees, churn, gcbench, lruCache, leakyCache, goroutineLeak, producerConsumer, sliceAppend, mapIndirection, deepNesting, arraySlice, escape].map((s) => [s.name, s]),
);
