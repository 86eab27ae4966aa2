import { cpSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { TerraformJson } from "./synth";

const K8S_PROVIDERS = ["helm", "kubernetes"];

/**
 * The AWS part of a stack that also uses the helm and kubernetes providers: the same JSON without
 * those providers and their resources. This machine has only the AWS provider, so this is the part
 * Terraform itself can validate and plan offline.
 */
export function awsPartOf(json: TerraformJson): TerraformJson {
  const out = structuredClone(json);
  const required = { ...(out.terraform?.required_providers as Record<string, unknown>) };
  for (const p of K8S_PROVIDERS) {
    delete required[p];
    delete out.provider?.[p];
  }
  out.terraform = { ...out.terraform, required_providers: required };
  for (const type of Object.keys(out.resource ?? {})) {
    if (K8S_PROVIDERS.some((p) => type.startsWith(`${p}_`))) delete out.resource![type];
  }
  return out;
}

/**
 * A synth folder holding `producers` unchanged and, for each of `stacks`, its AWS part under the
 * same id, so the offline harness can plan it against fixture states of its producers.
 */
export function awsPartSynthDir(synthDir: string, stacks: readonly string[], producers: readonly string[]): string {
  const out = mkdtempSync(join(tmpdir(), "flashcrowd-aws-part-"));
  for (const id of producers) cpSync(join(synthDir, "stacks", id), join(out, "stacks", id), { recursive: true });
  for (const id of stacks) {
    const json = JSON.parse(readFileSync(join(synthDir, "stacks", id, "cdk.tf.json"), "utf8")) as TerraformJson;
    mkdirSync(join(out, "stacks", id), { recursive: true });
    writeFileSync(join(out, "stacks", id, "cdk.tf.json"), JSON.stringify(awsPartOf(json), null, 2));
  }
  return out;
}
