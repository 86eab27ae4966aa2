/**
 * Every generated part of the documentation, and the two things done with them: rewrite the
 * documents (`npm run docs`) or name the stale ones (`npm run docs -- --check`).
 */
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { configurationPart } from "./configuration";
import { currentRegion, documentPath, region, withRegion, type GeneratedPart } from "./generated-part";
import { leastPrivilegePart } from "./least-privilege";
import { modulesPart } from "./modules";
import { policyRulesPart } from "./policy-rules";
import { rehearsalScenariosPart } from "./rehearsal-scenarios";

/** Every generated part, one generator each. */
export const GENERATED_PARTS: readonly GeneratedPart[] = [modulesPart, configurationPart, policyRulesPart, leastPrivilegePart, rehearsalScenariosPart];

/** A part as the code says it now, and as the document has it. */
export interface PartState {
  readonly part: GeneratedPart;
  readonly expected: string;
  /** Undefined when the document lacks the part's markers. */
  readonly actual: string | undefined;
}

/** Renders every part once and reads what each document holds. */
export function partStates(parts: readonly GeneratedPart[] = GENERATED_PARTS): PartState[] {
  const documents = new Map<string, string>();
  return parts.map((part) => {
    const path = documentPath(part);
    const document = documents.get(part.file) ?? (existsSync(path) ? readFileSync(path, "utf8") : "");
    documents.set(part.file, document);
    return { part, expected: region(part.name, part.render()), actual: currentRegion(document, part.name) };
  });
}

/** Documents (relative paths) with at least one stale or missing part, sorted. */
export function staleDocuments(states: readonly PartState[]): string[] {
  return [...new Set(states.filter((s) => s.actual !== s.expected).map((s) => s.part.file))].sort();
}

/** Rewrites every document with a stale part; returns the documents written. */
export function writeDocuments(states: readonly PartState[]): string[] {
  const written: string[] = [];
  for (const file of staleDocuments(states)) {
    const path = documentPath({ file });
    if (!existsSync(path)) throw new Error(`${file} is missing: create it with the markers of its generated parts`);
    let document = readFileSync(path, "utf8");
    for (const state of states.filter((s) => s.part.file === file)) document = withRegion(document, file, state.part.name, state.part.render());
    writeFileSync(path, document);
    written.push(file);
  }
  return written;
}
