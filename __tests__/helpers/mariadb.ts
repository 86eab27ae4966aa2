/**
 * What every MariaDB-backed suite shares: the server binaries (or why they are missing), and the
 * first test of each such suite, which skips with a message where MariaDB is absent and fails
 * where CI or REQUIRE_MARIADB says it must be there.
 */
import { describe, expect, it } from "vitest";
import { findMariadb } from "../../src/rehearsal/mariadb";

export const mariadb = findMariadb();
export const mariadbMissing = "missing" in mariadb;

export function describeMariadbRequirement(suite: string): void {
  const required = Boolean(process.env.CI || process.env.REQUIRE_MARIADB);
  describe(`MariaDB for ${suite}`, () => {
    it("is available where it is required", () => {
      if ("missing" in mariadb) {
        const message = `${mariadb.missing}: ${suite} were NOT run.`;
        if (required) throw new Error(`${message} CI/REQUIRE_MARIADB is set, so this is a failure.`);
        console.warn(`SKIPPED: ${message}`);
      }
      expect(required && "missing" in mariadb).toBe(false);
    });
  });
}
