/** Acceptance 4 of issue 9 under hybrid (Go's collector): tests/leak-verdicts.ts. */
import { describe } from "vitest";
import { verdicts } from "./leak-verdicts.js";

describe("leak verdicts, hybrid", () => verdicts("hybrid"));
