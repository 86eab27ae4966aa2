/**
 * Compares what the stack catalog declares with what the synthesized stacks really do: the
 * cross-stack `terraform_remote_state` sources each reads and the providers each requires. The app
 * is built from the catalog, so the two name the same stacks; but the reads and providers come
 * from the code that wires each stack. A read missing from the catalog would leave the producer's
 * workspace without that consumer, and the consumer's runs would fail to read the state; so that
 * is an error. A dependency the catalog declares but the code does not (yet) use only shares state
 * more widely than needed; that is reported apart.
 */
import type { StackCatalog } from "../topology/stack-catalog";
import type { TerraformJson } from "../core/terraform-json";

/** Producers whose state `json` reads through cdktf cross-stack references. */
export function remoteStateReads(json: TerraformJson): string[] {
  const sources = json.data?.terraform_remote_state ?? {};
  return Object.keys(sources)
    .map((name) => /^cross-stack-reference-input-(.+)$/.exec(name)?.[1])
    .filter((producer): producer is string => producer !== undefined)
    .sort();
}

/** Local names of the providers `json` requires, sorted. */
export function requiredProviders(json: TerraformJson): string[] {
  return Object.keys((json.terraform?.required_providers ?? {}) as Record<string, unknown>).sort();
}

export interface CatalogDrift {
  /** Differences that break runs or leak state: stacks, reads or providers the catalog does not know, or catalog stacks not synthesized. */
  readonly errors: readonly string[];
  /** Declared reads and providers the code does not use (yet). */
  readonly notes: readonly string[];
}

/** Drift between the catalog and synthesized stacks (by stack id). */
export function catalogDrift(catalog: StackCatalog, synthesized: Readonly<Record<string, TerraformJson>>): CatalogDrift {
  const errors: string[] = [];
  const notes: string[] = [];
  for (const [id, json] of Object.entries(synthesized)) {
    const entry = catalog.find(id);
    if (!entry) {
      errors.push(`${id}: synthesized, but the catalog does not list it; the app builds only the catalog's stacks (src/topology/stack-catalog.ts)`);
      continue;
    }
    const reads = remoteStateReads(json);
    for (const producer of reads.filter((p) => !entry.reads.includes(p))) {
      errors.push(
        `${id}: reads the state of ${producer} (terraform_remote_state cross-stack-reference-input-${producer}) but the catalog does not list ${producer} in its reads; ` +
          `add it, or the ${producer} workspace will not share its state with ${id}`,
      );
    }
    for (const producer of entry.reads.filter((p) => !reads.includes(p) && p in synthesized)) {
      notes.push(`${id}: the catalog says it reads ${producer}, but no cross-stack reference does yet`);
    }
    const providers = requiredProviders(json);
    const unknown = providers.filter((p) => !(entry.providers as readonly string[]).includes(p));
    if (unknown.length > 0) {
      errors.push(`${id}: requires provider(s) ${unknown.join(", ")} that the catalog does not list (${entry.providers.join(", ")})`);
    }
    const unused = entry.providers.filter((p) => !providers.includes(p));
    if (unused.length > 0) notes.push(`${id}: the catalog lists provider(s) ${unused.join(", ")} the stack does not require yet`);
  }
  for (const id of catalog.ids().filter((s) => !(s in synthesized))) {
    errors.push(`${id}: in the catalog, but not synthesized`);
  }
  return { errors, notes };
}
