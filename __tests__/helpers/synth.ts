import { Testing, type TerraformStack } from "cdktf";
import type { TerraformJson } from "../../src/ci/remote-state-fixtures";

export type { TerraformJson };

/** Synthesizes one stack in-process and parses it. */
export function synthJson(stack: TerraformStack): TerraformJson {
  return JSON.parse(Testing.synth(stack)) as TerraformJson;
}

/** The configurations of every resource of `type`, keyed by logical id. */
export function resourcesOf(json: TerraformJson, type: string): Record<string, Record<string, unknown>> {
  return json.resource?.[type] ?? {};
}

/** The configurations of every resource of `type` as a list. */
export function listOf(json: TerraformJson, type: string): Record<string, unknown>[] {
  return Object.values(resourcesOf(json, type));
}

/** Total number of resources in a stack. */
export function resourceCount(json: TerraformJson): number {
  return Object.values(json.resource ?? {}).reduce((sum, byName) => sum + Object.keys(byName).length, 0);
}

/** Parses a JSON string attribute (policies, settings) of a synthesized resource. */
export function parseJsonAttribute<T = unknown>(value: unknown): T {
  if (typeof value !== "string") throw new Error(`expected a JSON string, got ${typeof value}`);
  return JSON.parse(value) as T;
}
