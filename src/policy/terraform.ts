/**
 * Reading synthesized Terraform JSON: resources by type, nested blocks (cdktf writes a single block
 * as an object, Terraform also accepts a one-element list), references between resources, and
 * JSON-in-a-string attributes (IAM policies, container definitions, DMS settings).
 */
import type { TerraformJson } from "./types";

export interface TfResource {
  readonly type: string;
  /** Logical name (the key under the type), e.g. `network_vpc_4E8F0223`. */
  readonly name: string;
  /** `type.name`, the Terraform address. */
  readonly address: string;
  readonly config: Readonly<Record<string, unknown>>;
}

export type Block = Readonly<Record<string, unknown>>;

/** Every resource of the given types, in document order. */
export function resourcesOf(json: TerraformJson, ...types: string[]): TfResource[] {
  const out: TfResource[] = [];
  for (const type of types) {
    for (const [name, config] of Object.entries(json.resource?.[type] ?? {})) {
      out.push({ type, name, address: `${type}.${name}`, config });
    }
  }
  return out;
}

/** True for a string holding a Terraform expression (`${...}`): its value is known only at apply time. */
export function isExpression(value: unknown): value is string {
  return typeof value === "string" && value.includes("${");
}

/** The blocks of a nested-block attribute, whether written as an object or a list. */
export function blocks(value: unknown): Block[] {
  if (Array.isArray(value)) return value.filter(isObject);
  return isObject(value) ? [value] : [];
}

/** The first (single) block of a nested-block attribute. */
export function block(value: unknown): Block | undefined {
  return blocks(value)[0];
}

/** Follows a dotted path through attributes and single blocks: `vpc_config.endpoint_public_access`. */
export function attribute(config: Block | undefined, path: string): unknown {
  let current: unknown = config;
  for (const key of path.split(".")) {
    const b = Array.isArray(current) ? block(current) : isObject(current) ? current : undefined;
    if (!b) return undefined;
    current = b[key];
  }
  return current;
}

/** `true` and `"true"` (Terraform converts the string); nothing else. */
export function isTrue(value: unknown): boolean {
  return value === true || value === "true";
}

export function isFalse(value: unknown): boolean {
  return value === false || value === "false";
}

/** A literal number (or numeric string), else undefined. */
export function asNumber(value: unknown): number | undefined {
  if (typeof value === "number") return value;
  if (typeof value === "string" && value.trim() !== "" && !Number.isNaN(Number(value))) return Number(value);
  return undefined;
}

/** A value that is a string or a list of strings, as a list (IAM Action/Resource, list attributes). */
export function stringList(value: unknown): string[] {
  if (typeof value === "string") return [value];
  if (Array.isArray(value)) return value.filter((v): v is string => typeof v === "string");
  return [];
}

/** Absent, null, or an empty string. */
export function isBlank(value: unknown): boolean {
  return value === undefined || value === null || (typeof value === "string" && value.trim() === "");
}

/**
 * Whether `value` (searched through nested lists and objects) holds a reference to the resource at
 * `address`, e.g. `${aws_s3_bucket.logs_1A2B.id}` refers to `aws_s3_bucket.logs_1A2B`.
 */
export function refersTo(value: unknown, address: string): boolean {
  if (typeof value === "string") {
    if (!value.includes("${")) return false;
    return referencePattern(address).test(value);
  }
  if (Array.isArray(value)) return value.some((v) => refersTo(v, address));
  if (isObject(value)) return Object.values(value).some((v) => refersTo(v, address));
  return false;
}

const patterns = new Map<string, RegExp>();
function referencePattern(address: string): RegExp {
  let re = patterns.get(address);
  if (!re) {
    re = new RegExp(`(^|[^A-Za-z0-9_.-])${address.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}(\\.|\\[|\\})`);
    patterns.set(address, re);
  }
  return re;
}

/**
 * The resources of `type` that point at `target` through `attributeName`: by reference, or by the
 * same literal value as the target's `literalKey` attribute (a bucket named in full).
 */
export function partnersOf(
  json: TerraformJson,
  type: string,
  attributeName: string,
  target: TfResource,
  literalKey?: string,
): TfResource[] {
  const literal = literalKey ? target.config[literalKey] : undefined;
  return resourcesOf(json, type).filter((p) => {
    const value = p.config[attributeName];
    if (refersTo(value, target.address)) return true;
    return typeof literal === "string" && !isExpression(literal) && value === literal;
  });
}

export type ParsedJson = { readonly ok: true; readonly value: unknown } | { readonly ok: false; readonly reason: string };

/** Parses a JSON string attribute. An attribute that is one whole expression cannot be read. */
export function parseJsonAttribute(value: unknown, what: string): ParsedJson {
  if (value === undefined || value === null) return { ok: false, reason: `${what} is not set` };
  if (typeof value !== "string") return { ok: true, value };
  const trimmed = value.trim();
  if (trimmed.startsWith("${") && trimmed.endsWith("}")) {
    return { ok: false, reason: `${what} is the expression ${short(value)}, known only at apply time; write it as literal JSON so it can be checked` };
  }
  try {
    return { ok: true, value: JSON.parse(value) };
  } catch {
    return { ok: false, reason: `${what} is not valid JSON` };
  }
}

/** A value for a message: strings quoted, long values cut. */
export function show(value: unknown): string {
  return short(typeof value === "string" ? JSON.stringify(value) : (JSON.stringify(value) ?? String(value)));
}

function short(text: string): string {
  return text.length > 120 ? `${text.slice(0, 117)}...` : text;
}

export function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

/** `*` wildcard match of a whole string (for stack id and address patterns). */
export function globMatch(pattern: string, text: string): boolean {
  const re = new RegExp(`^${pattern.split("*").map((part) => part.replace(/[.+?^${}()|[\]\\]/g, "\\$&")).join(".*")}$`);
  return re.test(text);
}
