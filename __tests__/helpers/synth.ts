import { Testing, type TerraformStack } from "cdktf";
import { parse as parseYaml } from "yaml";
import type { TerraformJson } from "../../src/core/terraform-json";

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

/**
 * A value parsed from a YAML document in a test: its shape is what the test asserts, so it is
 * deliberately untyped.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Parsed = any;

/** A helm_release as synthesized, with its values document parsed. */
export interface SynthesizedRelease {
  readonly id: string;
  readonly config: Record<string, unknown>;
  readonly chart: string;
  readonly version?: string;
  readonly namespace: string;
  /** The first values document, parsed. */
  readonly values: Record<string, Parsed>;
}

/** Every helm_release of a stack by release name, values parsed from YAML. */
export function releasesOf(json: TerraformJson): Record<string, SynthesizedRelease> {
  const out: Record<string, SynthesizedRelease> = {};
  for (const [id, config] of Object.entries(resourcesOf(json, "helm_release"))) {
    const [document] = config.values as string[];
    out[config.name as string] = {
      id,
      config,
      chart: config.chart as string,
      version: config.version as string | undefined,
      namespace: config.namespace as string,
      values: (parseYaml(document ?? "") ?? {}) as Record<string, Parsed>,
    };
  }
  return out;
}
