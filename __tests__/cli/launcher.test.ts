import { spawnSync } from "node:child_process";
import { readFileSync, readdirSync } from "node:fs";
import { join, relative } from "node:path";
import { describe, expect, it } from "vitest";
import { commands } from "../../src/cli/index";

const ROOT = join(__dirname, "..", "..");

/** `npx flashcrowd ...` as a user runs it: src/bin/flashcrowd.cjs, from the cached bundle unless FLASHCROWD_NO_BUNDLE is set. */
function flashcrowd(args: string[], env: NodeJS.ProcessEnv = {}) {
  const { FLASHCROWD_NO_BUNDLE: _, ...inherited } = process.env;
  const result = spawnSync(process.execPath, [join(ROOT, "src", "bin", "flashcrowd.cjs"), ...args], { cwd: ROOT, env: { ...inherited, ...env }, encoding: "utf8" });
  expect(result.status, result.stderr).toBe(0);
  return result.stdout;
}

/** The repository files the entry of this checkout's last CLI build was made from (recorded by src/bin/bundle-cache.cjs). */
function lastEntryInputs(): string[] {
  const dir = join(ROOT, "node_modules", ".cache", "flashcrowd", "cli");
  const pointers = readdirSync(dir)
    .filter((name) => name.startsWith("last-build-"))
    .map((name) => JSON.parse(readFileSync(join(dir, name), "utf8")) as { entries: { main: { files: string[] } } });
  const ours = pointers.find((p) => p.entries.main.files.every((f) => !relative(ROOT, f).startsWith("..")));
  expect(ours, "no last build recorded for this checkout").toBeDefined();
  return ours!.entries.main.files.map((f) => relative(ROOT, f));
}

describe("src/bin/flashcrowd.cjs", () => {
  it("runs a command from the bundle exactly as from the sources", () => {
    const bundled = JSON.parse(flashcrowd(["stacks", "--json"])) as { stack: string }[];
    expect(bundled.map((s) => s.stack)).toContain("prod");
    expect(bundled).toEqual(JSON.parse(flashcrowd(["stacks", "--json"], { FLASHCROWD_NO_BUNDLE: "1" })));
  }, 180_000);

  it("lists every command in --help from a bundle entry that holds the registry only", () => {
    const help = flashcrowd(["--help"]);
    for (const name of Object.keys(commands)) expect(help).toContain(`\n  ${name} `);
    expect(flashcrowd(["stacks", "--help"])).toContain(`usage: ${commands.stacks!.usage}`);
    // What --help loads: no command, no configuration, no cdktf (packages never count: they are
    // checked through package-lock.json).
    expect(lastEntryInputs()).toEqual(["src/cli/command.ts", "src/cli/index.ts", "src/core/table.ts"]);
  }, 180_000);
});
