/**
 * The module reference of docs/modules.md, read from modules/ with the TypeScript parser: every
 * exported class with its file, its JSDoc, what it exposes, and its props (name, type as written,
 * required or optional, `@default` and description) from its `*Props` interface, following
 * `extends` into the same or a relatively imported file. Files are found by scanning modules/, so
 * a new, moved or reshaped module shows up without touching this file.
 */
import { join, relative, sep } from "node:path";
import ts from "typescript";
import { PROJECT_ROOT } from "../../core/project-root";
import type { GeneratedPart } from "./generated-part";
import { anchors, byText, code, firstSentence, oneLine, table } from "./markdown";
import { docComment, findDeclaration, isExported, propertyName, repoPath, sourceFile, text, typeScriptFiles } from "./typescript-source";

/** One row of a props table. */
export interface PropRow {
  readonly name: string;
  readonly type: string;
  readonly optional: boolean;
  readonly defaultValue?: string;
  readonly description: string;
  /** The interface the prop is inherited from, when not the props type itself. */
  readonly inheritedFrom?: string;
}

export interface ConstructMember {
  /** `name`, or `name(a, b)` for a method. */
  readonly signature: string;
  readonly summary: string;
}

/** What the reference says about one exported class. */
export interface ConstructDoc {
  readonly name: string;
  /** Repository path, e.g. `modules/data/aurora-mysql.ts`. */
  readonly file: string;
  /** The folder under modules/, e.g. `data`. */
  readonly domain: string;
  readonly extendsText?: string;
  /** The class JSDoc, as Markdown blocks. */
  readonly description: readonly string[];
  readonly summary: string;
  /** The props type's name as written, or undefined for a class that takes no props. */
  readonly propsType?: string;
  readonly props: readonly PropRow[];
  /** What could not be expanded (an `extends` of a package type, a mapped type). */
  readonly notes: readonly string[];
  readonly properties: readonly ConstructMember[];
  readonly methods: readonly ConstructMember[];
}

/** An exported function or constant of a module file without a construct. */
export interface HelperDoc {
  readonly name: string;
  readonly file: string;
  readonly summary: string;
}

export const MODULES_DIR = join(PROJECT_ROOT, "modules");

/** JSDoc text as Markdown blocks: paragraphs with their lines joined, list items kept apart. */
export function markdownBlocks(docText: string): string[] {
  const blocks: string[] = [];
  let current: string[] = [];
  let list: string[] = [];
  const flushParagraph = () => {
    if (current.length) blocks.push(oneLine(current.join(" ")));
    current = [];
  };
  const flushList = () => {
    if (list.length) blocks.push(list.join("\n"));
    list = [];
  };
  for (const raw of docText.split("\n")) {
    const line = raw.trim();
    if (!line) {
      flushParagraph();
      flushList();
    } else if (/^(- |\d+\. )/.test(line)) {
      flushParagraph();
      list.push(line);
    } else if (list.length) {
      list[list.length - 1] += ` ${line}`;
    } else {
      current.push(line);
    }
  }
  flushParagraph();
  flushList();
  return blocks;
}

function isPublic(member: ts.ClassElement): boolean {
  if (member.name && ts.isPrivateIdentifier(member.name)) return false;
  const modifiers = ts.canHaveModifiers(member) ? (ts.getModifiers(member) ?? []) : [];
  return !modifiers.some((m) => m.kind === ts.SyntaxKind.PrivateKeyword || m.kind === ts.SyntaxKind.ProtectedKeyword);
}

function isStatic(member: ts.ClassElement): boolean {
  const modifiers = ts.canHaveModifiers(member) ? (ts.getModifiers(member) ?? []) : [];
  return modifiers.some((m) => m.kind === ts.SyntaxKind.StaticKeyword);
}

/** The first sentence of a JSDoc's first paragraph (a list that follows is not part of it). */
function summaryText(docText: string): string {
  const first = markdownBlocks(docText)[0] ?? "";
  return first.startsWith("- ") ? "" : firstSentence(first);
}

function summaryOf(node: ts.Node): string {
  const doc = docComment(node);
  return doc ? summaryText(doc.text) : "";
}

function memberRow(member: ts.TypeElement, inheritedFrom: string | undefined): PropRow | undefined {
  if (!member.name) return undefined;
  const name = propertyName(member.name);
  if (name === undefined) return undefined;
  const doc = docComment(member);
  let type = "unknown";
  if (ts.isPropertySignature(member) && member.type) type = text(member.type);
  else if (ts.isMethodSignature(member)) type = `(${member.parameters.map(text).join(", ")}) => ${member.type ? text(member.type) : "void"}`;
  const row: PropRow = { name, type, optional: member.questionToken !== undefined, description: doc ? oneLine(doc.text) : "" };
  return {
    ...row,
    ...(doc?.defaultValue !== undefined ? { defaultValue: oneLine(doc.defaultValue) } : {}),
    ...(inheritedFrom ? { inheritedFrom } : {}),
  };
}

interface Collected {
  rows: PropRow[];
  notes: string[];
}

function collectMembers(typeNode: ts.TypeNode, file: ts.SourceFile, inheritedFrom: string | undefined, seen: Set<string>, out: Collected): void {
  if (ts.isParenthesizedTypeNode(typeNode)) return collectMembers(typeNode.type, file, inheritedFrom, seen, out);
  if (ts.isTypeLiteralNode(typeNode)) {
    for (const member of typeNode.members) {
      const row = memberRow(member, inheritedFrom);
      if (row) out.rows.push(row);
    }
    return;
  }
  if (ts.isIntersectionTypeNode(typeNode)) {
    for (const part of typeNode.types) collectMembers(part, file, inheritedFrom, seen, out);
    return;
  }
  if (ts.isTypeReferenceNode(typeNode) && ts.isIdentifier(typeNode.typeName) && !typeNode.typeArguments) {
    const name = typeNode.typeName.text;
    if (!collectNamed(name, file, inheritedFrom, seen, out)) out.notes.push(`Also takes ${code(name)} (not expanded here).`);
    return;
  }
  out.notes.push(`Also takes ${code(text(typeNode))} (not expanded here).`);
}

/** Members of a named interface or type alias; false when the name cannot be followed. */
function collectNamed(name: string, file: ts.SourceFile, inheritedFrom: string | undefined, seen: Set<string>, out: Collected): boolean {
  const declaration = findDeclaration(file, name);
  if (!declaration) return false;
  const key = `${declaration.file.fileName}#${name}`;
  if (seen.has(key)) return true;
  seen.add(key);
  if (declaration.kind === "type") {
    collectMembers(declaration.node.type, declaration.file, inheritedFrom, seen, out);
    return true;
  }
  if (declaration.kind !== "interface") return false;
  const own: Collected = { rows: [], notes: [] };
  for (const member of declaration.node.members) {
    const row = memberRow(member, inheritedFrom);
    if (row) own.rows.push(row);
  }
  const inherited: Collected = { rows: [], notes: [] };
  for (const clause of declaration.node.heritageClauses ?? []) {
    for (const base of clause.types) {
      const baseName = ts.isIdentifier(base.expression) && !base.typeArguments ? base.expression.text : undefined;
      if (!baseName || !collectNamed(baseName, declaration.file, inheritedFrom ?? baseName, seen, inherited)) {
        inherited.notes.push(`Also takes the props of ${code(text(base))} (not expanded here).`);
      }
    }
  }
  const ownNames = new Set(own.rows.map((r) => r.name));
  out.rows.push(...own.rows, ...inherited.rows.filter((r) => !ownNames.has(r.name)));
  out.notes.push(...own.notes, ...inherited.notes);
  return true;
}

function propsParameter(ctor: ts.ConstructorDeclaration): ts.ParameterDeclaration | undefined {
  const named = ctor.parameters.find((p) => ts.isIdentifier(p.name) && p.name.text === "props");
  if (named) return named;
  const typed = ctor.parameters.find((p) => p.type && ts.isTypeReferenceNode(p.type) && /Props$/.test(text(p.type.typeName)));
  // (scope, id, props) is the construct convention.
  return typed ?? ctor.parameters[2];
}

/** The folder under modules/ a file is in ("general" for a file at the top). */
function domainOf(dir: string, path: string): string {
  const parts = relative(dir, path).split(sep);
  return parts.length > 1 ? parts[0]! : "general";
}

function constructDoc(node: ts.ClassDeclaration, file: ts.SourceFile, dir: string): ConstructDoc {
  const name = node.name!.text;
  const path = repoPath(file.fileName);
  const doc = docComment(node);
  const extendsClause = node.heritageClauses?.find((h) => h.token === ts.SyntaxKind.ExtendsKeyword)?.types[0];
  const ctor = node.members.find(ts.isConstructorDeclaration);
  const parameter = ctor && propsParameter(ctor);
  const collected: Collected = { rows: [], notes: [] };
  if (parameter?.type) collectMembers(parameter.type, file, undefined, new Set(), collected);

  const properties: ConstructMember[] = [];
  const methods: ConstructMember[] = [];
  for (const member of node.members) {
    if (!isPublic(member) || !member.name) continue;
    const memberName = propertyName(member.name);
    if (memberName === undefined) continue;
    const prefix = isStatic(member) ? `${name}.` : "";
    if (ts.isPropertyDeclaration(member) || ts.isGetAccessorDeclaration(member)) {
      properties.push({ signature: `${prefix}${memberName}`, summary: summaryOf(member) });
    } else if (ts.isMethodDeclaration(member)) {
      const params = member.parameters.map((p) => `${p.dotDotDotToken ? "..." : ""}${text(p.name)}${p.questionToken || p.initializer ? "?" : ""}`);
      methods.push({ signature: `${prefix}${memberName}(${params.join(", ")})`, summary: summaryOf(member) });
    }
  }
  // A parameter property (`private readonly props: XProps`) in the constructor is no public member: only `public` or `readonly` alone is.
  for (const p of ctor?.parameters ?? []) {
    const modifiers = ts.canHaveModifiers(p) ? (ts.getModifiers(p) ?? []) : [];
    const publicProperty = modifiers.some((m) => m.kind === ts.SyntaxKind.PublicKeyword || m.kind === ts.SyntaxKind.ReadonlyKeyword) &&
      !modifiers.some((m) => m.kind === ts.SyntaxKind.PrivateKeyword || m.kind === ts.SyntaxKind.ProtectedKeyword);
    if (publicProperty && ts.isIdentifier(p.name)) properties.push({ signature: p.name.text, summary: "" });
  }

  const description = doc ? markdownBlocks(doc.text) : [];
  return {
    name,
    file: path,
    domain: domainOf(dir, file.fileName),
    ...(extendsClause ? { extendsText: text(extendsClause) } : {}),
    description,
    summary: doc ? summaryText(doc.text) : "",
    ...(parameter?.type ? { propsType: text(parameter.type) } : {}),
    props: collected.rows,
    notes: [...new Set(collected.notes)],
    properties,
    methods,
  };
}

/** Every exported class of modules/, sorted by domain, name and file. */
export function constructDocs(dir: string = MODULES_DIR): ConstructDoc[] {
  const docs = typeScriptFiles(dir).flatMap((path) => {
    const file = sourceFile(path);
    return file.statements.filter((s): s is ts.ClassDeclaration => ts.isClassDeclaration(s) && isExported(s) && s.name !== undefined).map((s) => constructDoc(s, file, dir));
  });
  return docs.sort((a, b) => byText(a.domain, b.domain) || byText(a.name, b.name) || byText(a.file, b.file));
}

/** Exported functions and constants of files that hold no construct (helpers the modules share). */
export function helperDocs(dir: string = MODULES_DIR): HelperDoc[] {
  return typeScriptFiles(dir).flatMap((path) => {
    const file = sourceFile(path);
    if (file.statements.some((s) => ts.isClassDeclaration(s) && isExported(s))) return [];
    return file.statements.flatMap((statement): HelperDoc[] => {
      if (!isExported(statement)) return [];
      if (ts.isFunctionDeclaration(statement) && statement.name) {
        return [{ name: `${statement.name.text}()`, file: repoPath(file.fileName), summary: summaryOf(statement) }];
      }
      if (ts.isVariableStatement(statement)) {
        return statement.declarationList.declarations
          .filter((d) => ts.isIdentifier(d.name))
          .map((d) => {
            const isFunction = d.initializer !== undefined && (ts.isArrowFunction(d.initializer) || ts.isFunctionExpression(d.initializer));
            return { name: `${(d.name as ts.Identifier).text}${isFunction ? "()" : ""}`, file: repoPath(file.fileName), summary: summaryOf(statement) };
          });
      }
      return [];
    });
  });
}

function headingOf(doc: ConstructDoc): string {
  return `\`${doc.name}\` (${doc.domain})`;
}

function propsSection(doc: ConstructDoc): string[] {
  if (doc.propsType === undefined) return ["Takes no props."];
  const rows = doc.props.map((p) => [
    code(p.name),
    code(p.type),
    p.optional ? "optional" : "required",
    p.defaultValue ?? (p.optional ? "" : "-"),
    p.inheritedFrom ? `${p.description} (from ${code(p.inheritedFrom)})`.trim() : p.description,
  ]);
  const out = [`Props: ${code(doc.propsType)}.`];
  if (rows.length) out.push("", table(["prop", "type", "required", "default", "description"], rows));
  if (doc.notes.length) out.push("", ...doc.notes);
  return out;
}

function membersSection(doc: ConstructDoc): string[] {
  const out: string[] = [];
  if (doc.properties.length) {
    const described = doc.properties.filter((p) => p.summary);
    const plain = doc.properties.filter((p) => !p.summary);
    if (described.length === 0) out.push(`Exposes: ${plain.map((p) => code(p.signature)).join(", ")}.`);
    else {
      out.push("Exposes:", "", ...described.map((p) => `- ${code(p.signature)}: ${oneLine(p.summary)}`));
      if (plain.length) out.push(`- also ${plain.map((p) => code(p.signature)).join(", ")}`);
    }
  }
  if (doc.methods.length) {
    if (out.length) out.push("");
    out.push("Methods:", "", ...doc.methods.map((m) => `- ${code(m.signature)}${m.summary ? `: ${oneLine(m.summary)}` : ""}`));
  }
  return out;
}

/** The generated Markdown of docs/modules.md. */
export function modulesReference(dir: string = MODULES_DIR): string {
  const docs = constructDocs(dir);
  const links = anchors(docs.map(headingOf));
  const domains = [...new Set(docs.map((d) => d.domain))];
  const out: string[] = [
    "## Index",
    "",
    table(
      ["domain", "construct", "file", "summary"],
      docs.map((d, i) => [d.domain, `[${code(d.name)}](#${links[i]})`, code(d.file), d.summary]),
    ),
  ];
  for (const domain of domains) {
    out.push("", `## ${domain}`);
    for (const doc of docs) {
      if (doc.domain !== domain) continue;
      out.push("", `### ${headingOf(doc)}`, "", `${code(doc.file)}${doc.extendsText ? `, extends ${code(doc.extendsText)}` : ""}.`);
      if (doc.description.length) out.push("", ...doc.description.flatMap((block, j) => (j ? ["", block] : [block])));
      const members = membersSection(doc);
      if (members.length) out.push("", ...members);
      out.push("", ...propsSection(doc));
    }
  }
  const helpers = helperDocs(dir);
  if (helpers.length) {
    out.push("", "## Helpers", "", "Files of modules/ without a construct: what they export.", "", table(["export", "file", "summary"], helpers.map((h) => [code(h.name), code(h.file), h.summary])));
  }
  return out.join("\n");
}

export const modulesPart: GeneratedPart = { name: "modules", file: "docs/modules.md", render: () => modulesReference() };
