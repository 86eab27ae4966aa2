/**
 * What changes inside a resource: the attribute-level difference between a resource change's
 * `before` and `after` in a Terraform JSON plan, flattened to paths (`ingress[0].cidr_blocks[1]`),
 * with the marks a reviewer needs: which attributes force the replacement (`replace_paths`),
 * which are known only after apply (`after_unknown`) and which are sensitive
 * (`before_sensitive` / `after_sensitive`, never printed).
 *
 * Also reads the construct path of each resource from cdktf's `//` metadata in a synthesized
 * stack, so the comment can name `prod/network/nat-c` rather than a hashed address.
 */
import { createHash } from "node:crypto";

/** One element of an attribute path: an object key or a list index. */
export type PathStep = string | number;

/** How one attribute changes. */
export interface AttributeChange {
  /** Printable path: `ingress[0].cidr_blocks[1]`, `tags["cost center"]`. */
  readonly path: string;
  /** Rendered old value: a JSON literal, `(none)`, `(sensitive)`, or a shortened value with its hash. */
  readonly before: string;
  /** Rendered new value, or `(known after apply)`. */
  readonly after: string;
  /** The attribute is in the change's `replace_paths`: changing it forces a new resource. */
  readonly forcesReplacement: boolean;
  readonly sensitive: boolean;
  readonly unknown: boolean;
}

/** The fields of a resource change (or an output change) the diff reads. */
export interface ChangeValues {
  readonly before?: unknown;
  readonly after?: unknown;
  readonly after_unknown?: unknown;
  readonly before_sensitive?: unknown;
  readonly after_sensitive?: unknown;
  readonly replace_paths?: readonly (readonly PathStep[])[];
}

/** Values longer than this are shortened to their start and a hash. */
export const VALUE_LIMIT = 80;

/** Placeholder of a value that must not be shown. */
export const SENSITIVE = "(sensitive)";
/** Placeholder of a value Terraform learns only while applying. */
export const UNKNOWN = "(known after apply)";
/** Placeholder of an attribute that is absent (null) on that side. */
export const NONE = "(none)";

/**
 * The changed attributes of one resource change, in path order. Unchanged attributes are left
 * out; an attribute whose whole value is unknown or sensitive is one entry, not one per leaf.
 */
export function attributeChanges(change: ChangeValues): AttributeChange[] {
  const out: AttributeChange[] = [];
  const replacePaths = change.replace_paths ?? [];
  walk([], change.before, change.after, change.after_unknown, change.before_sensitive, change.after_sensitive, (path, leaf) => {
    out.push({ ...leaf, path: formatPath(path), forcesReplacement: replacePaths.some((r) => overlaps(r, path)) });
  });
  return out;
}

type Leaf = Omit<AttributeChange, "path" | "forcesReplacement">;

function walk(
  path: PathStep[],
  before: unknown,
  after: unknown,
  unknown: unknown,
  beforeSensitive: unknown,
  afterSensitive: unknown,
  emit: (path: PathStep[], leaf: Leaf) => void,
): void {
  const sensitive = beforeSensitive === true || afterSensitive === true;
  if (unknown === true) {
    // A known value that becomes unknown: Terraform cannot say yet whether it really changes.
    emit(path, { before: sensitive ? maskOrNone(before) : render(redact(before, beforeSensitive)), after: UNKNOWN, sensitive, unknown: true });
    return;
  }
  if (sensitive) {
    if (!sameValue(before, after)) emit(path, { before: maskOrNone(before), after: maskOrNone(after), sensitive: true, unknown: false });
    return;
  }
  if (isContainer(before) || isContainer(after)) {
    const keys = childKeys(before, after, unknown);
    // A container that turns into another kind of value, or an empty one, is compared whole.
    if (keys === undefined || keys.length === 0) {
      if (!sameValue(before, after)) {
        emit(path, { before: render(redact(before, beforeSensitive)), after: render(redact(after, afterSensitive)), sensitive: false, unknown: false });
      }
      return;
    }
    for (const key of keys) {
      walk([...path, key], child(before, key), child(after, key), child(unknown, key), child(beforeSensitive, key), child(afterSensitive, key), emit);
    }
    return;
  }
  if (!sameValue(before, after)) emit(path, { before: render(before), after: render(after), sensitive: false, unknown: false });
}

function isContainer(value: unknown): value is Record<string, unknown> | unknown[] {
  return value !== null && typeof value === "object" && (Array.isArray(value) ? value.length > 0 : Object.keys(value).length > 0);
}

/** Keys of both sides (and of the unknown marks), when both sides are the same kind of container or absent. */
function childKeys(before: unknown, after: unknown, unknown: unknown): PathStep[] | undefined {
  const kinds = [before, after].filter((v) => v !== null && v !== undefined).map((v) => (Array.isArray(v) ? "list" : typeof v));
  if (kinds.some((k) => k !== kinds[0])) return undefined;
  if (kinds[0] === "list") {
    const length = Math.max(...[before, after, unknown].map((v) => (Array.isArray(v) ? v.length : 0)));
    return Array.from({ length }, (_, i) => i);
  }
  if (kinds[0] !== "object") return undefined;
  const keys = new Set<string>();
  for (const side of [before, after, unknown]) {
    if (side !== null && typeof side === "object" && !Array.isArray(side)) for (const k of Object.keys(side)) keys.add(k);
  }
  return [...keys].sort();
}

function child(value: unknown, key: PathStep): unknown {
  if (value === null || typeof value !== "object") return undefined;
  return (value as Record<string | number, unknown>)[key];
}

function sameValue(a: unknown, b: unknown): boolean {
  return canonical(a ?? null) === canonical(b ?? null);
}

function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v !== null && typeof v === "object" && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => a.localeCompare(b)))
      : v,
  );
}

/** The value with every part marked sensitive replaced by the placeholder, so a whole block can be printed. */
function redact(value: unknown, marks: unknown): unknown {
  if (marks === true) return value === null || value === undefined ? value : SENSITIVE;
  if (marks === null || typeof marks !== "object" || value === null || typeof value !== "object") return value;
  if (Array.isArray(value)) return value.map((v, i) => redact(v, (marks as unknown[])[i]));
  return Object.fromEntries(Object.entries(value as Record<string, unknown>).map(([k, v]) => [k, redact(v, (marks as Record<string, unknown>)[k])]));
}

function maskOrNone(value: unknown): string {
  return value === null || value === undefined ? NONE : SENSITIVE;
}

/**
 * A value as a JSON literal; absent values as `(none)`; values longer than {@link VALUE_LIMIT} as
 * their start and a short hash of the whole, so two long values can still be told apart.
 */
export function render(value: unknown): string {
  if (value === null || value === undefined) return NONE;
  const text = canonical(value);
  if (text.length <= VALUE_LIMIT) return text;
  const hash = createHash("sha256").update(text).digest("hex").slice(0, 8);
  return `${text.slice(0, VALUE_LIMIT - 30)}… (${text.length} chars, sha256 ${hash})`;
}

/** `ingress[0].cidr_blocks[1]`; keys that are not identifiers in brackets: `tags["cost center"]`. */
export function formatPath(path: readonly PathStep[]): string {
  let out = "";
  for (const step of path) {
    if (typeof step === "number") out += `[${step}]`;
    else if (/^[A-Za-z_][A-Za-z0-9_-]*$/.test(step)) out += out === "" ? step : `.${step}`;
    else out += `[${JSON.stringify(step)}]`;
  }
  return out;
}

/** One path is a prefix of the other: a replace path on a block marks each changed leaf in it. */
function overlaps(a: readonly PathStep[], b: readonly PathStep[]): boolean {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** How an output changes: `output.<name>`, with the same rendering as attributes. */
export interface OutputChange {
  readonly name: string;
  readonly action: "create" | "update" | "delete";
  readonly before: string;
  readonly after: string;
  readonly sensitive: boolean;
}

/** Outputs whose value changes, by name. No-ops are left out. */
export function outputChanges(outputs: Readonly<Record<string, ChangeValues & { readonly actions?: readonly string[] }>> | undefined): OutputChange[] {
  const out: OutputChange[] = [];
  for (const name of Object.keys(outputs ?? {}).sort()) {
    const change = outputs![name]!;
    const actions = change.actions ?? [];
    const action = actions.includes("create") ? "create" : actions.includes("delete") ? "delete" : actions.includes("update") ? "update" : undefined;
    if (!action) continue;
    const sensitive = change.before_sensitive === true || change.after_sensitive === true;
    const unknown = change.after_unknown === true;
    out.push({
      name,
      action,
      before: sensitive ? maskOrNone(change.before) : render(redact(change.before, change.before_sensitive)),
      after: unknown ? UNKNOWN : sensitive ? maskOrNone(change.after) : render(redact(change.after, change.after_sensitive)),
      sensitive,
    });
  }
  return out;
}

/**
 * Construct paths by Terraform address (`aws_nat_gateway.network_nat-c_F53CCFC9` ->
 * `prod/network/nat-c`), from the `//` metadata cdktf writes on each resource and data source.
 */
export function constructPaths(stackJson: unknown): Map<string, string> {
  const paths = new Map<string, string>();
  const json = (stackJson ?? {}) as { resource?: Record<string, Record<string, unknown>>; data?: Record<string, Record<string, unknown>> };
  const add = (prefix: string, blocks: Record<string, Record<string, unknown>> | undefined) => {
    for (const [type, byName] of Object.entries(blocks ?? {})) {
      for (const [name, body] of Object.entries(byName ?? {})) {
        const path = ((body as { "//"?: { metadata?: { path?: unknown } } })?.["//"]?.metadata?.path);
        if (typeof path === "string") paths.set(`${prefix}${type}.${name}`, path);
      }
    }
  };
  add("", json.resource);
  add("data.", json.data);
  return paths;
}

/**
 * The construct path of a plan address, keeping its instance key (`prod/queue/shard["a"]`);
 * undefined when the synthesized stack has no metadata for it (a module's resource, or no stack given).
 */
export function constructPathOf(address: string, paths: ReadonlyMap<string, string>): string | undefined {
  const match = /^((?:data\.)?[^.[\]]+\.[^.[\]]+)(\[.*\])?$/.exec(address);
  if (!match) return undefined;
  const path = paths.get(match[1]!);
  return path === undefined ? undefined : `${path}${match[2] ?? ""}`;
}
