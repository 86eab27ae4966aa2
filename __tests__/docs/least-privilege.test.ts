import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { withRegion } from "../../src/ci/docs/generated-part";
import { leastPrivilegePart, leastPrivilegeTables } from "../../src/ci/docs/least-privilege";
import { PROJECT_ROOT } from "../../src/core/project-root";

// That the document's generated part is current is checked with every other part in generated-docs.test.ts.
describe("docs/least-privilege.md", () => {
  it("names every kind's services, so a stale table shows in review", () => {
    expect(leastPrivilegeTables()).toMatch(/\| `event` \| `event-<slug>` \| \d+ \| `acm:\*`/);
  });

  it("refuses to regenerate a document whose markers are gone", () => {
    expect(() => withRegion("# no markers", leastPrivilegePart.file, leastPrivilegePart.name, leastPrivilegeTables())).toThrow(
      /markers of the generated part "least-privilege" are missing/,
    );
  });

  it("is linked from the README", () => {
    expect(readFileSync(join(PROJECT_ROOT, "README.md"), "utf8")).toContain("(docs/least-privilege.md)");
  });
});
