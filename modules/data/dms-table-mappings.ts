/**
 * DMS table mappings built from typed config: one selection rule per event table, one schema
 * rename rule per event schema (into its prod schema) and a table rename rule where the prod table
 * is named differently. Only the listed tables are selected: nothing else of the event database
 * reaches prod.
 */

export interface DmsTableRef {
  readonly schema: string;
  readonly table: string;
}

export interface DmsTableMapping {
  /** The event table. */
  readonly source: DmsTableRef;
  /** The prod table it is written to. */
  readonly target: DmsTableRef;
}

interface ObjectLocator {
  readonly "schema-name": string;
  readonly "table-name"?: string;
}

export interface DmsSelectionRule {
  readonly "rule-type": "selection";
  readonly "rule-id": string;
  readonly "rule-name": string;
  readonly "object-locator": Required<ObjectLocator>;
  readonly "rule-action": "include";
  readonly filters: readonly never[];
}

export interface DmsRenameRule {
  readonly "rule-type": "transformation";
  readonly "rule-id": string;
  readonly "rule-name": string;
  readonly "rule-target": "schema" | "table";
  readonly "object-locator": ObjectLocator;
  readonly "rule-action": "rename";
  readonly value: string;
}

export interface DmsTableMappings {
  readonly rules: readonly (DmsSelectionRule | DmsRenameRule)[];
}

const IDENTIFIER = /^[A-Za-z0-9$][A-Za-z0-9_$]{0,63}$/;

/**
 * Builds the mappings, refusing anything that would make the task copy the wrong rows: no
 * mappings, a selection without a target, a wildcard, an event table mapped twice, two event
 * tables writing one prod table, or one event schema split across prod schemas (a schema rename
 * applies to the whole schema).
 */
export function buildTableMappings(mappings: readonly DmsTableMapping[]): DmsTableMappings {
  if (mappings.length === 0) throw new Error("DMS table mappings: at least one table is needed");
  const sources = new Set<string>();
  const targets = new Set<string>();
  const schemaTargets = new Map<string, string>();
  mappings.forEach((m, i) => {
    if (!m.source || !m.target) throw new Error(`DMS table mappings[${i}]: every selected table needs a source and a target`);
    for (const [side, ref] of [
      ["source", m.source],
      ["target", m.target],
    ] as const) {
      if (!IDENTIFIER.test(ref.schema) || !IDENTIFIER.test(ref.table)) {
        throw new Error(`DMS table mappings[${i}].${side}: "${ref.schema}.${ref.table}" must be plain identifiers, no wildcards`);
      }
    }
    const source = `${m.source.schema}.${m.source.table}`;
    const target = `${m.target.schema}.${m.target.table}`;
    if (sources.has(source)) throw new Error(`DMS table mappings[${i}]: ${source} is selected twice`);
    if (targets.has(target)) throw new Error(`DMS table mappings[${i}]: ${target} is the target of two event tables`);
    const schemaTarget = schemaTargets.get(m.source.schema);
    if (schemaTarget !== undefined && schemaTarget !== m.target.schema) {
      throw new Error(`DMS table mappings[${i}]: schema ${m.source.schema} goes to both ${schemaTarget} and ${m.target.schema}`);
    }
    sources.add(source);
    targets.add(target);
    schemaTargets.set(m.source.schema, m.target.schema);
  });

  let id = 0;
  const next = () => String(++id);
  const rules: (DmsSelectionRule | DmsRenameRule)[] = mappings.map((m) => ({
    "rule-type": "selection",
    "rule-id": next(),
    "rule-name": `select-${m.source.schema}-${m.source.table}`,
    "object-locator": { "schema-name": m.source.schema, "table-name": m.source.table },
    "rule-action": "include",
    filters: [],
  }));
  // Explicit even when the names match: the prod schema is stated, never inherited.
  for (const [schema, target] of schemaTargets) {
    rules.push({
      "rule-type": "transformation",
      "rule-id": next(),
      "rule-name": `schema-${schema}-to-${target}`,
      "rule-target": "schema",
      "object-locator": { "schema-name": schema },
      "rule-action": "rename",
      value: target,
    });
  }
  for (const m of mappings) {
    if (m.source.table === m.target.table) continue;
    rules.push({
      "rule-type": "transformation",
      "rule-id": next(),
      "rule-name": `table-${m.source.schema}-${m.source.table}-to-${m.target.table}`,
      "rule-target": "table",
      "object-locator": { "schema-name": m.source.schema, "table-name": m.source.table },
      "rule-action": "rename",
      value: m.target.table,
    });
  }
  return { rules };
}

/** The event schemas the mappings read from, in first-seen order (the DMS source user's SELECT grants). */
export function sourceSchemasOf(mappings: readonly DmsTableMapping[]): string[] {
  return [...new Set(mappings.map((m) => m.source.schema))];
}
