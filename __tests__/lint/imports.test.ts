/**
 * The layers of the code, as the README's Layout lists them: each folder imports only from the
 * folders listed below it, so no import runs back up and no two folders need each other.
 *
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

/** Every relative import of the files under `dirs`, as project-relative paths. */
function importsUnder(...dirs: string[]): { readonly file: string; readonly to: string }[] {
  return dirs.flatMap((dir) =>
    sourceFiles(join(ROOT, dir)).flatMap((file) =>
      importsOf(readFileSync(file, "utf8")).flatMap((specifier) => {
        const to = target(file, specifier);
        return to ? [{ file: relative(ROOT, file).replace(/\\/g, "/"), to }] : [];
      }),
    ),
  );
}

const imports = importsUnder("modules");

/** The code folders of the README's Layout block, top layer first. */
function readmeLayers(readme: string): string[] {
  const start = readme.indexOf("## Layout");
  const block = readme.slice(readme.indexOf("```", start) + 3, readme.indexOf("```", readme.indexOf("```", start) + 3));
  return [...block.matchAll(/^((?:src\/)?[a-z]+\/)\s/gm)].map((m) => m[1]!.replace(/\/$/, "")).filter((dir) => /^(src\/|stacks$|modules$)/.test(dir));
}

/** The layer a project path belongs to: the longest listed folder it is in. */
function layerOf(path: string, layers: readonly string[]): string | undefined {
  return layers.filter((dir) => path === dir || path.startsWith(`${dir}/`)).sort((a, b) => b.length - a.length)[0];
}

describe("the layers of the README's Layout", () => {
  const layers = readmeLayers(readFileSync(join(ROOT, "README.md"), "utf8"));
  const all = importsUnder("src", "stacks", "modules");

  it("list every code folder", () => {
    expect(layers).toEqual(expect.arrayContaining(["src/bin", "src/cli", "src/app", "stacks", "src/config", "src/policy", "modules", "src/core"]));
    const unplaced = [...new Set(all.flatMap((i) => [i.file, i.to]).filter((path) => !layerOf(path, layers)))];
    expect(unplaced).toEqual([]);
  });

  it("import only from the layers below them", () => {
    const upward = all
      .filter((i) => layers.indexOf(layerOf(i.to, layers)!) < layers.indexOf(layerOf(i.file, layers)!))
      .map((i) => `${i.file} -> ${i.to}`);
    expect(upward).toEqual([]);
  });

  it("are read from the README as written", () => {
    const readme = "## Layout\n\ntext\n\n```\nsrc/bin/   launchers\nstacks/    stacks\n           base/: more\nsrc/core/  ground\ndocs/      docs\n.ci/run    ci\n```\n";
    expect(readmeLayers(readme)).toEqual(["src/bin", "stacks", "src/core"]);
    expect(layerOf("stacks/base/aws-stack", ["stacks", "src/core"])).toBe("stacks");
    expect(layerOf("src/cli/index", ["stacks", "src/core"])).toBeUndefined();
  });
});

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
