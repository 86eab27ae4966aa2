/**
 * Which stacks a change touches: compares two synthesized apps (`cdktf.out` of the base and of the
 * head of a pull request or push) stack by stack. A stack changed when its Terraform JSON differs,
 * ignoring cdktf's `//` comments (construct paths, metadata) that Terraform never reads. Assets
 * are covered too: their folder names carry a hash of their content and the JSON names them.
 */
import { existsSync, readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import type { StackCatalog } from "../topology/stack-catalog";

export interface StackChanges {
  /** New or changed stacks of the head, in deploy order (catalog order; unknown stacks last). */
  readonly changed: readonly string[];
  /** Those of `changed` that the base did not have. */
  readonly added: readonly string[];
  /** Stacks the base had and the head does not: their workspaces go when `tfc` is applied. */
  readonly removed: readonly string[];
  /** Changed permanent stacks, in the order a merge applies them. */
  readonly permanent: readonly string[];
  /** Changed ephemeral (event) stacks: uploaded, not applied, on merge. */
  readonly ephemeral: readonly string[];
  /** Changed stacks the catalog does not know (neither applied nor uploaded by the workflows). */
  readonly unknown: readonly string[];
}

/** Stack ids of a synth folder; none when it holds no synthesized app. */
export function synthesizedStackIds(synthDir: string): string[] {
  const dir = join(synthDir, "stacks");
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((id) => existsSync(join(dir, id, "cdk.tf.json")))
    .sort();
}

/** A stack's Terraform JSON without cdktf's `//` comments, as a canonical string. */
export function canonicalStack(synthDir: string, id: string): string {
  const json: unknown = JSON.parse(readFileSync(join(synthDir, "stacks", id, "cdk.tf.json"), "utf8"));
  return JSON.stringify(withoutComments(json));
}

function withoutComments(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutComments);
  if (value === null || typeof value !== "object") return value;
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(value).sort()) {
    if (key !== "//") out[key] = withoutComments((value as Record<string, unknown>)[key]);
  }
  return out;
}

/** Compares the base and head synth folders; a base without stacks makes every head stack new. */
export function changedStacks(baseDir: string, headDir: string, catalog: StackCatalog): StackChanges {
  const base = new Set(synthesizedStackIds(baseDir));
  const head = synthesizedStackIds(headDir);
  const touched = head.filter((id) => !base.has(id) || canonicalStack(baseDir, id) !== canonicalStack(headDir, id));
  const order = new Map(catalog.ids().map((id, i) => [id, i]));
  const rank = (id: string) => order.get(id) ?? Number.MAX_SAFE_INTEGER;
  const changed = [...touched].sort((a, b) => rank(a) - rank(b) || a.localeCompare(b));
  return {
    changed,
    added: changed.filter((id) => !base.has(id)),
    removed: [...base].filter((id) => !head.includes(id)).sort(),
    permanent: changed.filter((id) => catalog.find(id)?.kind === "permanent"),
    ephemeral: changed.filter((id) => catalog.find(id)?.kind === "ephemeral"),
    unknown: changed.filter((id) => !catalog.find(id)),
  };
}
