/**
 * The scenario table of docs/rehearsal.md: every `flashcrowd rehearse` scenario with its summary,
 * as `flashcrowd rehearse --list` prints them.
 */
import { SCENARIOS } from "../../rehearsal/scenarios";
import type { GeneratedPart } from "./generated-part";
import { code, table } from "./markdown";

export function scenarioTable(): string {
  return table(
    ["scenario", "what it rehearses"],
    SCENARIOS.map((s) => [code(s.name), s.summary]),
  );
}

export const rehearsalScenariosPart: GeneratedPart = { name: "rehearsal-scenarios", file: "docs/rehearsal.md", render: scenarioTable };
