/**
 * Generated parts of the documentation. A part is the text between two marker comments in a
 * Markdown file; everything outside the markers is written by hand and never touched.
 * `npm run docs` rewrites every part from the code, `npm run docs -- --check` names the files
 * whose parts are stale, and __tests__/docs/generated-docs.test.ts fails on any stale part.
 */
import { join } from "node:path";
import { PROJECT_ROOT } from "../../core/project-root";

/** One generated part of one document. */
export interface GeneratedPart {
  /** Name in the markers, e.g. `modules`. */
  readonly name: string;
  /** The document, relative to the repository root, e.g. `docs/modules.md`. */
  readonly file: string;
  /** The part's Markdown as the code says it now (without markers). */
  render(): string;
}

export const beginMarker = (name: string) => `<!-- BEGIN GENERATED: ${name} (npm run docs; do not edit by hand) -->`;
export const endMarker = (name: string) => `<!-- END GENERATED: ${name} -->`;

/** Absolute path of a part's document. */
export const documentPath = (part: Pick<GeneratedPart, "file">) => join(PROJECT_ROOT, part.file);

/** Markers and content, as they stand in the document. */
export function region(name: string, content: string): string {
  return `${beginMarker(name)}\n\n${content.trim()}\n\n${endMarker(name)}`;
}

function bounds(document: string, name: string): { start: number; end: number } | undefined {
  const start = document.indexOf(beginMarker(name));
  const endAt = document.indexOf(endMarker(name));
  if (start < 0 || endAt < start) return undefined;
  return { start, end: endAt + endMarker(name).length };
}

/** The part as it stands in the document (markers included), or undefined when its markers are missing. */
export function currentRegion(document: string, name: string): string | undefined {
  const at = bounds(document, name);
  return at && document.slice(at.start, at.end);
}

/** The document with the part replaced by `content`. Throws when the markers are missing. */
export function withRegion(document: string, file: string, name: string, content: string): string {
  const at = bounds(document, name);
  if (!at) throw new Error(`${file}: the markers of the generated part "${name}" are missing; put "${beginMarker(name)}" and "${endMarker(name)}" back`);
  return document.slice(0, at.start) + region(name, content) + document.slice(at.end);
}
