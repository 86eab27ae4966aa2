import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { BEGIN, DOC_PATH, END, leastPrivilegeTables, withGeneratedPart } from "../../src/core/least-privilege-doc";
import { PROJECT_ROOT } from "../../src/core/project-root";

const doc = readFileSync(DOC_PATH, "utf8");

describe("docs/least-privilege.md", () => {
  it("GIVEN the run-role tables in code WHEN the document is read THEN its generated part matches them (else: npx tsx src/core/least-privilege-doc.ts)", () => {
    expect(doc.slice(doc.indexOf(BEGIN), doc.indexOf(END) + END.length)).toBe(leastPrivilegeTables());
  });

  it("names every kind's services, so a stale table shows in review", () => {
    expect(leastPrivilegeTables()).toMatch(/\| `event` \| `event-<slug>` \| \d+ \| `acm:\*`/);
  });

  it("refuses to regenerate a document whose markers are gone", () => {
    expect(() => withGeneratedPart("# no markers")).toThrow(/markers of the generated part are missing/);
  });

  it("is linked from the README", () => {
    expect(readFileSync(join(PROJECT_ROOT, "README.md"), "utf8")).toContain("(docs/least-privilege.md)");
  });
});
