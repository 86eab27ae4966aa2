/**
 * Markdown helpers shared by the document generators: table cells that survive any text (a `|` in
 * a TypeScript union, a newline in a JSDoc paragraph), code spans, tables and heading anchors.
 */

/** One line of text fit for a table cell: whitespace collapsed, `|` escaped. */
export function cell(text: string): string {
  return oneLine(text).replace(/\|/g, "\\|");
}

/** Whitespace (newlines included) collapsed to single spaces, trimmed. */
export function oneLine(text: string): string {
  return text.replace(/\s+/g, " ").trim();
}

/** A code span around any text, on one line, with the fence chosen so a backtick inside survives. */
export function code(text: string): string {
  const value = oneLine(text);
  if (!value.includes("`")) return `\`${value}\``;
  const longest = Math.max(...(value.match(/`+/g) ?? []).map((run) => run.length));
  const fence = "`".repeat(longest + 1);
  return `${fence} ${value} ${fence}`;
}

/** A Markdown table; cells are escaped here. */
export function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const line = (cells: readonly string[]) => `| ${cells.map(cell).join(" | ")} |`;
  return [line(header), `| ${header.map(() => "---").join(" | ")} |`, ...rows.map(line)].join("\n");
}

/** The anchor GitHub gives a heading: lowercase, punctuation other than `-` and `_` dropped, spaces to `-`. */
export function anchor(heading: string): string {
  return heading
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s_-]/gu, "")
    .trim()
    .replace(/\s/g, "-");
}

/** Anchors for headings in order, numbered as GitHub numbers repeated headings (`x`, `x-1`, ...). */
export function anchors(headings: readonly string[]): string[] {
  const seen = new Map<string, number>();
  return headings.map((heading) => {
    const base = anchor(heading);
    const count = seen.get(base) ?? 0;
    seen.set(base, count + 1);
    return count === 0 ? base : `${base}-${count}`;
  });
}

/** Code-point order, the same on every machine and locale. */
export function byText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** The first sentence of a paragraph: up to the first `.` followed by a space or the end, outside code spans. */
export function firstSentence(text: string): string {
  const value = oneLine(text);
  let inCode = false;
  for (let i = 0; i < value.length; i++) {
    const ch = value[i];
    if (ch === "`") inCode = !inCode;
    if (inCode || ch !== ".") continue;
    const next = value[i + 1];
    if (next !== undefined && next !== " ") continue;
    // "e.g." and "i.e." do not end a sentence.
    if (/\b(e\.g|i\.e|etc|vs)$/.test(value.slice(0, i))) continue;
    return value.slice(0, i + 1);
  }
  return value;
}
