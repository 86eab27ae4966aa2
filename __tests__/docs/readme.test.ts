/**
 * The README stays true: every CLI command and npm script is in the Commands table, and the set-up
 * commands are the ones CI runs. Every construct of modules/ is in the module reference
 * (docs/modules.md, generated from the code: generated-docs.test.ts keeps it current).
 */
import { readFileSync, readdirSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { describe, expect, it } from "vitest";
import { commands } from "../../src/cli/index";

const ROOT = join(__dirname, "..", "..");
const README = readFileSync(join(ROOT, "README.md"), "utf8");
const MODULES_DOC = readFileSync(join(ROOT, "docs", "modules.md"), "utf8");

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((entry) => {
    const path = join(dir, entry);
    return statSync(path).isDirectory() ? files(path) : entry.endsWith(".ts") ? [path] : [];
  });
}

const constructs = files(join(ROOT, "modules")).flatMap((file) =>
  [...readFileSync(file, "utf8").matchAll(/^export class (\w+)/gm)].map((m) => ({ name: m[1]!, file: relative(ROOT, file).split("\\").join("/") })),
);

describe("docs/modules.md", () => {
  it("indexes every construct of modules/ with its file", () => {
    expect(constructs.length).toBeGreaterThan(40);
    const missing = constructs.filter((c) => !new RegExp(`\\| \\[\`${c.name}\`\\]\\(#[\\w-]+\\) \\| \`${c.file}\` \\|`).test(MODULES_DOC));
    expect(missing).toEqual([]);
  });

  it("documents every construct in a section of its own", () => {
    expect(constructs.filter((c) => !MODULES_DOC.includes(`### \`${c.name}\` (`))).toEqual([]);
  });

  it("is linked from the README", () => {
    expect(README).toContain("(docs/modules.md)");
  });
});

describe("README", () => {
  it("lists every flashcrowd command and npm script in the Commands table", () => {
    const table = README.slice(README.indexOf("## Commands"), README.indexOf("## Layout"));
    for (const name of Object.keys(commands)) expect(table, name).toContain(`npx flashcrowd ${name}`);
    const scripts = (JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as { scripts: Record<string, string> }).scripts;
    for (const script of Object.keys(scripts)) expect(table, script).toMatch(new RegExp(`\`npm (run )?${script}\\b`));
  });

  it("gives the two set-up commands that .ci/run runs", () => {
    expect(README).toContain("npm ci && npm run synth");
    expect(README).toMatch(/^npm test\b/m);
    const ci = readFileSync(join(ROOT, ".ci", "run"), "utf8");
    for (const step of ["npm ci", "npm run synth", "npm test"]) expect(ci).toContain(step);
  });
});
