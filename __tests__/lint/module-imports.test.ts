/**
 * modules/ is the construct layer: the configuration, the policy pack and the stacks build on it,
 * never the other way round. A module takes its own prop types (config conforms to them) and its
 * account, region and naming from its stack; from src/ it uses only ground-floor utilities.
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { describe, expect, it } from "vitest";

const ROOT = join(__dirname, "..", "..");
const MODULES = join(ROOT, "modules");

/** The src/ files a module may import: naming, CIDR arithmetic, the project root. */
const GROUND_FLOOR = ["src/core/naming", "src/core/cidr", "src/core/project-root"];

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((entry) => {
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return /\.(ts|mts|cts|js|mjs|cjs)$/.test(entry) ? [path] : [];
  });
}

/** Every module specifier of a source text: static and type imports, re-exports, `import()` and `require()`. */
function importsOf(text: string): string[] {
  const patterns = [/\b(?:import|export)\s[^;]*?\bfrom\s*["']([^"']+)["']/g, /\bimport\s*["']([^"']+)["']/g, /\b(?:import|require)\s*\(\s*["']([^"']+)["']\s*\)/g];
  return patterns.flatMap((p) => [...text.matchAll(p)].map((m) => m[1]!));
}

/** The project-relative path a relative specifier of `file` points at, without extension. */
function target(file: string, specifier: string): string | undefined {
  if (!specifier.startsWith(".")) return undefined;
  return relative(ROOT, resolve(dirname(file), specifier)).replace(/\\/g, "/").replace(/(\/index)?\.(ts|js)$/, "");
}

const imports = sourceFiles(MODULES).flatMap((file) =>
  importsOf(readFileSync(file, "utf8")).flatMap((specifier) => {
    const to = target(file, specifier);
    return to ? [{ file: relative(ROOT, file), to }] : [];
  }),
);

describe("modules/", () => {
  it("imports nothing from the configuration or the policy pack", () => {
    expect(imports.filter((i) => /^src\/(config|policy)(\/|$)/.test(i.to))).toEqual([]);
  });

  it("imports from src/ only the ground-floor utilities (naming, cidr, project-root)", () => {
    expect(imports.filter((i) => i.to.startsWith("src/") && !GROUND_FLOOR.includes(i.to))).toEqual([]);
    expect(imports.some((i) => i.to === "src/core/naming")).toBe(true);
  });

  it("imports nothing from the stacks or the app", () => {
    expect(imports.filter((i) => /^(stacks|__tests__)(\/|$)/.test(i.to))).toEqual([]);
  });
});

describe("the import scan", () => {
  it.each([
    ['import { suppress } from "../../src/policy/suppress";', ["../../src/policy/suppress"]],
    ['import type { KarpenterConfig } from "../../src/config/addons-schema";', ["../../src/config/addons-schema"]],
    ['import {\n  ADDON_SERVICE_ACCOUNTS,\n  type X,\n} from "../../src/config/addons-contract";', ["../../src/config/addons-contract"]],
    ['export { planSubnets } from "../../src/config/subnet-plan";', ["../../src/config/subnet-plan"]],
    ['const schema = await import("../../src/config/schema");', ["../../src/config/schema"]],
    ['import "../../src/policy/pack";', ["../../src/policy/pack"]],
  ])("finds the specifier of %j", (code, specifiers) => {
    expect(importsOf(code)).toEqual(specifiers);
  });

  it("resolves specifiers against the importing file", () => {
    expect(target(join(MODULES, "k8s", "karpenter.ts"), "../../src/config/addons-schema")).toBe("src/config/addons-schema");
    expect(target(join(MODULES, "k8s", "karpenter.ts"), "./types")).toBe("modules/k8s/types");
    expect(target(join(MODULES, "k8s", "karpenter.ts"), "constructs")).toBeUndefined();
  });
});
