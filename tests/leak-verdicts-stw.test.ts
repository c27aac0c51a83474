/** Acceptance 4 of issue 9 under stw: tests/leak-verdicts.ts. */
import { describe } from "vitest";
import { verdicts } from "./leak-verdicts.js";

describe("leak verdicts, stw", () => verdicts("stw"));
