/**
 * Reading TypeScript sources for the document generators: one parsed file per path (no program,
 * no type checker), JSDoc text and tags, and the declaration an identifier names in its file or in
 * a relatively imported one.
 */
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative, resolve, sep } from "node:path";
import ts from "typescript";
import { PROJECT_ROOT } from "../../core/project-root";
import { byText } from "./markdown";

const parsed = new Map<string, ts.SourceFile>();

/** The parsed file (parent pointers set), read once per process. */
export function sourceFile(path: string): ts.SourceFile {
  const absolute = resolve(path);
  let file = parsed.get(absolute);
  if (!file) {
    file = ts.createSourceFile(absolute, readFileSync(absolute, "utf8"), ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
    parsed.set(absolute, file);
  }
  return file;
}

/** Path relative to the repository root, with `/` separators. */
export function repoPath(path: string): string {
  return relative(PROJECT_ROOT, path).split(sep).join("/");
}

/** Every `.ts` file under a folder (declaration files left out), sorted. */
export function typeScriptFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .sort(byText)
    .flatMap((entry) => {
      const path = join(dir, entry);
      if (statSync(path).isDirectory()) return typeScriptFiles(path);
      return entry.endsWith(".ts") && !entry.endsWith(".d.ts") ? [path] : [];
    });
}

/** What a JSDoc comment says: its text and its tags. */
export interface DocComment {
  /** The comment's text without tags; `{@link x}` becomes `` `x` ``. */
  readonly text: string;
  /** `@default` text, if any. */
  readonly defaultValue?: string;
}

function commentText(comment: string | ts.NodeArray<ts.JSDocComment> | undefined): string {
  if (comment === undefined) return "";
  if (typeof comment === "string") return comment;
  return comment
    .map((part) => {
      if (ts.isJSDocLink(part) || ts.isJSDocLinkCode(part) || ts.isJSDocLinkPlain(part)) {
        const target = part.name ? part.name.getText() : "";
        const label = part.text.trim();
        return `\`${label && label !== target ? label : target}\``;
      }
      return part.text;
    })
    .join("");
}

/** The JSDoc right above a declaration (the last one, as TypeScript takes it), or undefined. */
export function docComment(node: ts.Node): DocComment | undefined {
  const docs = ts.getJSDocCommentsAndTags(node).filter(ts.isJSDoc);
  const doc = docs[docs.length - 1];
  if (!doc) return undefined;
  const text = commentText(doc.comment).trim();
  const tag = doc.tags?.find((t) => t.tagName.text === "default");
  const defaultValue = tag ? commentText(tag.comment).trim() : undefined;
  return defaultValue === undefined ? { text } : { text, defaultValue };
}

/** True when the statement carries `export`. */
export function isExported(node: ts.Node): boolean {
  return ts.canHaveModifiers(node) && (ts.getModifiers(node) ?? []).some((m) => m.kind === ts.SyntaxKind.ExportKeyword);
}

/** The text of a property name, or undefined for a computed one. */
export function propertyName(name: ts.PropertyName): string | undefined {
  if (ts.isIdentifier(name) || ts.isStringLiteral(name) || ts.isNumericLiteral(name) || ts.isPrivateIdentifier(name)) return name.text;
  return undefined;
}

/** A top-level declaration found by name: where it is and what it is. */
export type Declaration =
  | { readonly kind: "interface"; readonly node: ts.InterfaceDeclaration; readonly file: ts.SourceFile }
  | { readonly kind: "type"; readonly node: ts.TypeAliasDeclaration; readonly file: ts.SourceFile }
  | { readonly kind: "class"; readonly node: ts.ClassDeclaration; readonly file: ts.SourceFile }
  | { readonly kind: "variable"; readonly node: ts.VariableDeclaration; readonly file: ts.SourceFile; readonly statement: ts.VariableStatement }
  | { readonly kind: "function"; readonly node: ts.FunctionDeclaration; readonly file: ts.SourceFile };

function localDeclaration(file: ts.SourceFile, name: string): Declaration | undefined {
  for (const statement of file.statements) {
    if (ts.isInterfaceDeclaration(statement) && statement.name.text === name) return { kind: "interface", node: statement, file };
    if (ts.isTypeAliasDeclaration(statement) && statement.name.text === name) return { kind: "type", node: statement, file };
    if (ts.isClassDeclaration(statement) && statement.name?.text === name) return { kind: "class", node: statement, file };
    if (ts.isFunctionDeclaration(statement) && statement.name?.text === name) return { kind: "function", node: statement, file };
    if (ts.isVariableStatement(statement)) {
      for (const declaration of statement.declarationList.declarations) {
        if (ts.isIdentifier(declaration.name) && declaration.name.text === name) return { kind: "variable", node: declaration, file, statement };
      }
    }
  }
  return undefined;
}

/** The file a relative import names (`./x` as `x.ts` or `x/index.ts`), or undefined for a package. */
export function importedFile(from: ts.SourceFile, specifier: string): string | undefined {
  if (!specifier.startsWith(".")) return undefined;
  const base = resolve(dirname(from.fileName), specifier.replace(/\.js$/, ""));
  return [`${base}.ts`, join(base, "index.ts")].find((candidate) => existsSync(candidate));
}

/**
 * The declaration `name` refers to in `file`: declared there, or imported from a relative file
 * (followed through renames and one level of re-exports per file).
 */
export function findDeclaration(file: ts.SourceFile, name: string, depth = 0): Declaration | undefined {
  const local = localDeclaration(file, name);
  if (local || depth > 8) return local;
  for (const statement of file.statements) {
    if (ts.isImportDeclaration(statement) && ts.isStringLiteral(statement.moduleSpecifier)) {
      const bindings = statement.importClause?.namedBindings;
      if (!bindings || !ts.isNamedImports(bindings)) continue;
      const element = bindings.elements.find((e) => e.name.text === name);
      if (!element) continue;
      const target = importedFile(file, statement.moduleSpecifier.text);
      return target ? findDeclaration(sourceFile(target), (element.propertyName ?? element.name).text, depth + 1) : undefined;
    }
    if (ts.isExportDeclaration(statement) && statement.moduleSpecifier && ts.isStringLiteral(statement.moduleSpecifier)) {
      const clause = statement.exportClause;
      const element = clause && ts.isNamedExports(clause) ? clause.elements.find((e) => e.name.text === name) : undefined;
      const target = importedFile(file, statement.moduleSpecifier.text);
      if (!target) continue;
      if (element) return findDeclaration(sourceFile(target), (element.propertyName ?? element.name).text, depth + 1);
      if (!clause) {
        const found = findDeclaration(sourceFile(target), name, depth + 1);
        if (found) return found;
      }
    }
  }
  return undefined;
}

/** Source text of a node, whitespace collapsed. */
export function text(node: ts.Node): string {
  return node.getText().replace(/\s+/g, " ").trim();
}
