import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { ESLint } from "eslint";
import { describe, expect, it } from "vitest";

const ROOT = join(__dirname, "..", "..");
const BARREL = /(?:from\s+|require\(\s*|import\(\s*)["'](@cdktf\/provider-(?:aws|kubernetes|helm|tfe))(\/lib)?\/?["']/;

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((entry) => {
    const path = join(dir, entry);
    if (entry === "node_modules" || entry.startsWith(".")) return [];
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return /\.(ts|mts|cts|js|cjs|mjs)$/.test(entry) ? [path] : [];
  });
}

describe("provider imports", () => {
  it("are deep imports everywhere in the project", () => {
    const offenders = ["src", "stacks", "modules", "__tests__"]
      .flatMap((d) => sourceFiles(join(ROOT, d)))
      .filter((file) => file !== __filename)
      .flatMap((file) =>
        readFileSync(file, "utf8")
          .split("\n")
          .map((line, i) => ({ line, i }))
          .filter(({ line }) => BARREL.test(line))
          .map(({ i }) => `${relative(ROOT, file)}:${i + 1}`),
      );
    expect(offenders).toEqual([]);
  });

  it.each([
    ['import { Vpc } from "@cdktf/provider-aws";', true],
    ['import * as aws from "@cdktf/provider-aws/lib";', true],
    ['import { Release } from "@cdktf/provider-helm";', true],
    ['import { Vpc } from "@cdktf/provider-aws/lib/vpc";', false],
  ])("the lint rule flags %s: %s", async (code, flagged) => {
    const eslint = new ESLint({ cwd: ROOT });
    const [result] = await eslint.lintText(`${code}\nexport const x = 1;\n`, { filePath: join(ROOT, "src", "lint-probe.ts") });
    const restricted = result!.messages.filter((m) => m.ruleId === "no-restricted-imports");
    expect(restricted.length > 0).toBe(flagged);
  });
});
