/**
 * The configuration reference of docs/configuration.md, from the zod schema itself: structure,
 * types, required fields and defaults come from `z.toJSONSchema(configSchema)` (zod 4), the
 * description of each field from its `.describe()` / `.meta()` text when it has one, else from the
 * JSDoc written above the field in src/config/ (read with the TypeScript parser, following spreads,
 * `.pick()`, `.shape.x` and identifiers into the file that declares them).
 */
import { join } from "node:path";
import ts from "typescript";
import { z } from "zod";
import { configSchema } from "../../config/schema";
import { PROJECT_ROOT } from "../../core/project-root";
import type { GeneratedPart } from "./generated-part";
import { cell, code, oneLine, table } from "./markdown";
import { docComment, findDeclaration, sourceFile, type DocComment } from "./typescript-source";

/** A node of the JSON Schema zod writes (the parts read here). */
export interface JsonSchema {
  readonly type?: string | readonly string[];
  readonly properties?: Readonly<Record<string, JsonSchema>>;
  readonly required?: readonly string[];
  readonly additionalProperties?: JsonSchema | boolean;
  readonly items?: JsonSchema;
  readonly anyOf?: readonly JsonSchema[];
  readonly oneOf?: readonly JsonSchema[];
  readonly enum?: readonly unknown[];
  readonly const?: unknown;
  readonly default?: unknown;
  readonly description?: string;
  readonly format?: string;
  readonly minimum?: number;
  readonly maximum?: number;
  readonly exclusiveMinimum?: number;
  readonly exclusiveMaximum?: number;
  readonly minLength?: number;
  readonly maxLength?: number;
  readonly minItems?: number;
  readonly maxItems?: number;
}

/** One field of the reference. */
export interface ConfigField {
  /** Full path, e.g. `environments.<env>.network.cidr`, `events.calendar[].slug`. */
  readonly path: string;
  readonly type: string;
  readonly required: boolean;
  readonly defaultValue?: string;
  readonly description: string;
  /** Prefix the field's own fields are written under (`<path>`, `<path>[]`, `<path>.<name>`), when it has any. */
  readonly childPrefix?: string;
  readonly children: readonly ConfigField[];
}

// ---- Static side: the JSDoc of each field, found in the TypeScript source -----------------------

interface Located {
  readonly expr: ts.Expression;
  readonly file: ts.SourceFile;
}

interface StaticField {
  readonly doc?: DocComment;
  readonly value?: Located;
}

type StaticShape = ReadonlyMap<string, StaticField>;

type StaticNode =
  | { readonly kind: "object"; readonly shape: StaticShape }
  | { readonly kind: "array"; readonly element: Located }
  | { readonly kind: "record"; readonly value: Located }
  | { readonly kind: "union"; readonly options: readonly Located[] }
  | { readonly kind: "leaf" };

const LEAF: StaticNode = { kind: "leaf" };
const ZOD_OBJECTS = new Set(["object", "strictObject", "looseObject"]);
const ZOD_UNIONS = new Set(["union", "discriminatedUnion", "xor"]);

function strip(expr: ts.Expression): ts.Expression {
  let e = expr;
  while (ts.isParenthesizedExpression(e) || ts.isAsExpression(e) || ts.isSatisfiesExpression(e) || ts.isNonNullExpression(e)) e = e.expression;
  return e;
}

/** The initializer and the JSDoc of the variable an identifier names. */
function variable(name: string, file: ts.SourceFile): { value?: Located; doc?: DocComment } {
  const declaration = findDeclaration(file, name);
  if (declaration?.kind !== "variable") return {};
  const doc = docComment(declaration.statement) ?? docComment(declaration.node);
  return {
    ...(declaration.node.initializer ? { value: { expr: declaration.node.initializer, file: declaration.file } } : {}),
    ...(doc ? { doc } : {}),
  };
}

function shapeOfLiteral(literal: ts.ObjectLiteralExpression, file: ts.SourceFile, depth: number): Map<string, StaticField> {
  const shape = new Map<string, StaticField>();
  for (const property of literal.properties) {
    if (ts.isPropertyAssignment(property) || ts.isShorthandPropertyAssignment(property)) {
      const name = ts.isIdentifier(property.name) || ts.isStringLiteral(property.name) ? property.name.text : undefined;
      if (name === undefined) continue;
      const doc = docComment(property);
      const value = ts.isPropertyAssignment(property) ? property.initializer : property.name;
      shape.set(name, { ...(doc && doc.text ? { doc } : {}), value: { expr: value, file } });
    } else if (ts.isSpreadAssignment(property)) {
      const spread = staticNode({ expr: property.expression, file }, depth + 1);
      if (spread.kind === "object") for (const [key, field] of spread.shape) shape.set(key, field);
    }
  }
  return shape;
}

/** What a schema expression is, as far as the source says. */
function staticNode(located: Located, depth = 0): StaticNode {
  if (depth > 40) return LEAF;
  const expr = strip(located.expr);
  const { file } = located;
  if (ts.isObjectLiteralExpression(expr)) return { kind: "object", shape: shapeOfLiteral(expr, file, depth) };
  if (ts.isIdentifier(expr)) {
    const { value } = variable(expr.text, file);
    return value ? staticNode(value, depth + 1) : LEAF;
  }
  if (ts.isPropertyAccessExpression(expr)) {
    // `schema.shape.field`
    const owner = strip(expr.expression);
    if (ts.isPropertyAccessExpression(owner) && owner.name.text === "shape") {
      const base = staticNode({ expr: owner.expression, file }, depth + 1);
      const field = base.kind === "object" ? base.shape.get(expr.name.text) : undefined;
      return field?.value ? staticNode(field.value, depth + 1) : LEAF;
    }
    return LEAF;
  }
  if (ts.isCallExpression(expr) && ts.isPropertyAccessExpression(expr.expression)) {
    const method = expr.expression.name.text;
    const target = strip(expr.expression.expression);
    const [first, second] = expr.arguments;
    if (ts.isIdentifier(target) && target.text === "z") {
      if (ZOD_OBJECTS.has(method) && first) return staticNode({ expr: first, file }, depth + 1);
      if (method === "array" && first) return { kind: "array", element: { expr: first, file } };
      if (method === "record" && (second ?? first)) return { kind: "record", value: { expr: (second ?? first)!, file } };
      if (ZOD_UNIONS.has(method)) {
        const list = expr.arguments.map(strip).find(ts.isArrayLiteralExpression);
        return list ? { kind: "union", options: list.elements.map((e) => ({ expr: e, file })) } : LEAF;
      }
      return LEAF;
    }
    const base = () => staticNode({ expr: target, file }, depth + 1);
    if ((method === "extend" || method === "safeExtend" || method === "merge") && first) {
      const own = base();
      const extra = staticNode({ expr: first, file }, depth + 1);
      const shape = new Map(own.kind === "object" ? own.shape : []);
      if (extra.kind === "object") for (const [key, field] of extra.shape) shape.set(key, field);
      return { kind: "object", shape };
    }
    if (method === "array") return { kind: "array", element: { expr: target, file } };
    // .pick(), .omit(), .default(), .prefault(), .optional(), .refine(), .min() ...: same shape.
    return base();
  }
  return LEAF;
}

/** The leftmost identifier of a call chain (`logRetention` in `logRetention.default(365)`). */
function rootIdentifier(expr: ts.Expression): ts.Identifier | undefined {
  let e = strip(expr);
  for (;;) {
    if (ts.isCallExpression(e)) e = strip(e.expression);
    else if (ts.isPropertyAccessExpression(e)) e = strip(e.expression);
    else break;
  }
  return ts.isIdentifier(e) && e.text !== "z" ? e : undefined;
}

/** A field's JSDoc, or the JSDoc of the schema constant it is built from. */
function fieldDoc(field: StaticField | undefined): DocComment | undefined {
  if (!field) return undefined;
  if (field.doc?.text) return field.doc;
  const root = field.value && rootIdentifier(field.value.expr);
  const fallback = root && field.value ? variable(root.text, field.value.file).doc : undefined;
  return fallback?.text ? fallback : field.doc;
}

// ---- Runtime side: the JSON Schema, walked with the static side alongside -----------------------

const SAFE = Number.MAX_SAFE_INTEGER;

function range(min: string | undefined, max: string | undefined): string {
  if (min !== undefined && max !== undefined) return `${min}-${max}`;
  if (min !== undefined) return `>= ${min}`;
  return max !== undefined ? `<= ${max}` : "";
}

function numberRange(schema: JsonSchema): string {
  const min = schema.minimum !== undefined && schema.minimum > -SAFE ? schema.minimum : undefined;
  const max = schema.maximum !== undefined && schema.maximum < SAFE ? schema.maximum : undefined;
  if (min !== undefined && max !== undefined) return `${min} to ${max}`;
  const lower = min !== undefined ? `>= ${min}` : schema.exclusiveMinimum !== undefined ? `> ${schema.exclusiveMinimum}` : undefined;
  const upper = max !== undefined ? `<= ${max}` : schema.exclusiveMaximum !== undefined ? `< ${schema.exclusiveMaximum}` : undefined;
  return [lower, upper].filter((part) => part !== undefined).join(", ");
}

function withDetail(base: string, detail: string): string {
  return detail ? `${base}, ${detail}` : base;
}

/** The type of a JSON Schema node, in a few words. */
export function typeOf(schema: JsonSchema): string {
  const options = schema.anyOf ?? schema.oneOf;
  if (options) return [...new Set(options.map(typeOf))].join(" | ");
  if ("const" in schema) return JSON.stringify(schema.const);
  if (schema.enum) return schema.enum.map((v) => JSON.stringify(v)).join(" | ");
  const type: string | undefined = typeof schema.type === "string" || schema.type === undefined ? schema.type : schema.type.join(" | ");
  switch (type) {
    case "string": {
      const length =
        schema.minLength === 1 && schema.maxLength === undefined
          ? "non-empty"
          : range(schema.minLength !== undefined && schema.minLength > 0 ? String(schema.minLength) : undefined, schema.maxLength !== undefined ? String(schema.maxLength) : undefined);
      return withDetail(schema.format ? `string (${schema.format})` : "string", length && length !== "non-empty" ? `${length} chars` : length);
    }
    case "integer":
    case "number":
      return withDetail(type, numberRange(schema));
    case "array": {
      const item = schema.items ? typeOf(schema.items) : "unknown";
      const items = range(schema.minItems !== undefined && schema.minItems > 0 ? String(schema.minItems) : undefined, schema.maxItems !== undefined ? String(schema.maxItems) : undefined);
      return withDetail(item.includes(" | ") || item.includes(",") ? `(${item})[]` : `${item}[]`, items && `${items} items`);
    }
    case "object":
      if (schema.properties) return "object";
      if (schema.additionalProperties && typeof schema.additionalProperties === "object") return `record<string, ${typeOf(schema.additionalProperties)}>`;
      return "object";
    case undefined:
      return "any";
    default:
      return type;
  }
}

function defaultOf(schema: JsonSchema, doc: DocComment | undefined): string | undefined {
  if ("default" in schema) return code(JSON.stringify(schema.default));
  return doc?.defaultValue ? oneLine(doc.defaultValue) : undefined;
}

/** Containers of fields in a schema node: the object itself, an array's items, a record's values, a union's options. */
function fieldContainers(schema: JsonSchema, placed: StaticNode, path: string, key: string): { prefix: string; schema: JsonSchema; static: StaticNode; label?: string }[] {
  if (schema.properties) return [{ prefix: path, schema, static: placed }];
  if (schema.items && (schema.items.properties || schema.items.anyOf || schema.items.oneOf)) {
    const element = placed.kind === "array" ? staticNode(placed.element) : LEAF;
    return fieldContainers(schema.items, element, `${path}[]`, key);
  }
  const values = schema.additionalProperties;
  if (values && typeof values === "object" && (values.properties || values.anyOf || values.oneOf)) {
    const value = placed.kind === "record" ? staticNode(placed.value) : LEAF;
    return fieldContainers(values, value, `${path}.<${key === "environments" ? "env" : "name"}>`, key);
  }
  const options = schema.anyOf ?? schema.oneOf;
  if (options && options.some((o) => o.properties)) {
    return options.flatMap((option, i) => {
      if (!option.properties) return [];
      const staticOption = placed.kind === "union" && placed.options[i] ? staticNode(placed.options[i]!) : LEAF;
      const discriminator = Object.entries(option.properties).find(([, p]) => "const" in p);
      const label = discriminator ? `when ${discriminator[0]} is ${JSON.stringify(discriminator[1].const)}` : `option ${i + 1}`;
      return [{ prefix: path, schema: option, static: staticOption, label }];
    });
  }
  return [];
}

function field(schema: JsonSchema, placed: StaticNode, path: string, key: string, required: boolean, doc: DocComment | undefined, label?: string): ConfigField {
  const containers = fieldContainers(schema, placed, path, key);
  const children = containers.flatMap((container) =>
    Object.entries(container.schema.properties ?? {}).map(([name, child]) => {
      const staticField = container.static.kind === "object" ? container.static.shape.get(name) : undefined;
      const childStatic = staticField?.value ? staticNode(staticField.value) : LEAF;
      return field(child, childStatic, `${container.prefix}.${name}`, name, container.schema.required?.includes(name) ?? false, fieldDoc(staticField), container.label);
    }),
  );
  const description = oneLine(schema.description ?? doc?.text ?? "");
  const defaultValue = defaultOf(schema, doc);
  return {
    path,
    type: typeOf(schema),
    required,
    ...(defaultValue !== undefined ? { defaultValue } : {}),
    description: label ? `(${label}) ${description}`.trim() : description,
    ...(containers[0] ? { childPrefix: containers[0].prefix } : {}),
    children,
  };
}

/** Where `configSchema` is declared; the walk starts at its source. */
const SCHEMA_FILE = join(PROJECT_ROOT, "src", "config", "schema.ts");

/** The configuration as a tree of fields, from `configSchema`. */
export function configFields(): ConfigField[] {
  const json = z.toJSONSchema(configSchema, { io: "input", unrepresentable: "any" }) as JsonSchema;
  const { value } = variable("configSchema", sourceFile(SCHEMA_FILE));
  const root = field(json, value ? staticNode(value) : LEAF, "", "", true, undefined);
  return root.children.map(function relativeTo(f): ConfigField {
    return { ...f, path: f.path.replace(/^\./, ""), ...(f.childPrefix ? { childPrefix: f.childPrefix.replace(/^\./, "") } : {}), children: f.children.map(relativeTo) };
  });
}

// ---- Rendering --------------------------------------------------------------------------------

const hasFields = (f: ConfigField) => f.children.length > 0;

/** Sections: the first node on each path that has a field of its own without fields below it. */
function sections(fields: readonly ConfigField[]): ConfigField[] {
  return fields.filter(hasFields).flatMap((f) => (f.children.some((c) => !hasFields(c)) ? [f] : sections(f.children)));
}

function flatten(fields: readonly ConfigField[]): ConfigField[] {
  return fields.flatMap((f) => [f, ...flatten(f.children)]);
}

function rows(fields: readonly ConfigField[], prefix: string): string[][] {
  return fields.map((f) => [
    code(f.path.startsWith(`${prefix}.`) ? f.path.slice(prefix.length + 1) : f.path),
    f.type,
    f.required ? "required" : "optional",
    f.defaultValue ?? "",
    f.description,
  ]);
}

const HEADER = ["field", "type", "required", "default", "description"];

/** The generated Markdown of docs/configuration.md. */
export function configurationReference(): string {
  const out: string[] = [];
  for (const section of sections(configFields())) {
    const prefix = section.childPrefix ?? section.path;
    out.push(`## ${code(prefix)}`, "");
    if (section.description) out.push(cell(section.description), "");
    out.push(table(HEADER, rows(section.children, prefix)));
    for (const child of section.children.filter(hasFields)) {
      const childPrefix = child.childPrefix ?? child.path;
      out.push("", `### ${code(childPrefix)}`, "");
      if (child.description) out.push(cell(child.description), "");
      out.push(table(HEADER, rows(flatten(child.children), childPrefix)));
    }
    out.push("");
  }
  return out.join("\n").trim();
}

export const configurationPart: GeneratedPart = { name: "configuration", file: "docs/configuration.md", render: configurationReference };
