/**
 * The documentation stays true to the code: every generated part (module reference, configuration
 * reference, policy rules, run-role tables, rehearsal scenarios) equals what its generator writes
 * now, the README links every document under docs/ (and only documents that exist), and the README
 * stays short.
 */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { configFields, type ConfigField } from "../../src/ci/docs/configuration";
import { GENERATED_PARTS, partStates, staleDocuments } from "../../src/ci/docs/documents";
import { beginMarker, endMarker, withRegion } from "../../src/ci/docs/generated-part";
import { cell, code, firstSentence } from "../../src/ci/docs/markdown";
import { constructDocs, modulesReference } from "../../src/ci/docs/modules";
import { resourceTypesOf } from "../../src/ci/docs/policy-rules";
import { POLICY_PACK } from "../../src/policy/pack";

const ROOT = join(__dirname, "..", "..");
const README = readFileSync(join(ROOT, "README.md"), "utf8");
const DOCS = join(ROOT, "docs");

describe("generated parts of the documentation", () => {
  const states = partStates();

  it.each(states.map((s) => [`${s.part.file} (${s.part.name})`, s] as const))("%s is what the code says now", (_name, state) => {
    expect(state.actual, `${state.part.file} has no "${state.part.name}" markers: put ${beginMarker(state.part.name)} and ${endMarker(state.part.name)} back, then run \`npm run docs\``).toBeDefined();
    expect(state.actual, `${state.part.file} is stale: run \`npm run docs\``).toBe(state.expected);
  });

  it("covers every document that has markers, one generator per part", () => {
    const names = GENERATED_PARTS.map((p) => p.name);
    expect(new Set(names).size).toBe(names.length);
    for (const file of readdirSync(DOCS).filter((f) => f.endsWith(".md"))) {
      const text = readFileSync(join(DOCS, file), "utf8");
      for (const [, name] of text.matchAll(/<!-- BEGIN GENERATED: ([\w-]+)/g)) {
        expect(GENERATED_PARTS.find((p) => p.name === name && p.file === `docs/${file}`), `docs/${file}: no generator writes "${name}"`).toBeDefined();
      }
    }
    expect(staleDocuments(states)).toEqual([]);
  });

  it("renders the same text twice (sorted, stable)", () => {
    for (const part of GENERATED_PARTS) expect(part.render(), part.name).toBe(part.render());
  });
});

describe("writing a generated part", () => {
  it("replaces the text between the markers and nothing else", () => {
    const document = `# Title\n\nBy hand.\n\n${beginMarker("x")}\n\nold\n\n${endMarker("x")}\n\nAlso by hand.\n`;
    expect(withRegion(document, "doc.md", "x", "new")).toBe(`# Title\n\nBy hand.\n\n${beginMarker("x")}\n\nnew\n\n${endMarker("x")}\n\nAlso by hand.\n`);
  });

  it("refuses a document without the markers", () => {
    expect(() => withRegion("# no markers", "doc.md", "x", "new")).toThrow(/doc\.md: the markers of the generated part "x" are missing/);
  });

  it("escapes table cells and code spans", () => {
    expect(cell('"per-az" | "single"\n  next line')).toBe('"per-az" \\| "single" next line');
    expect(code("a `b` c")).toBe("`` a `b` c ``");
    expect(firstSentence("Alarms, e.g. for CPU. And more.")).toBe("Alarms, e.g. for CPU.");
  });
});

describe("the module reference", () => {
  const dir = mkdtempSync(join(tmpdir(), "flashcrowd-modules-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const write = (path: string, text: string) => {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), text);
  };
  write(
    "shared/retention.ts",
    [
      "/** How long things are kept. */",
      "export interface Retention {",
      "  /** Days kept. @default 14 */",
      "  readonly days?: number;",
      "}",
    ].join("\n"),
  );
  write(
    "data/thing.ts",
    [
      'import { Construct } from "constructs";',
      'import type { Retention } from "../shared/retention";',
      'import type { Foreign } from "some-package";',
      "export interface ThingProps extends Retention, Foreign {",
      "  /** Size, `small` or `large`. */",
      '  readonly size: "small" | "large";',
      "  /**",
      "   * Name of the thing.",
      "   * @default - the id",
      "   */",
      "  readonly name?: string;",
      "}",
      "/**",
      " * A thing. It does things.",
      " *",
      " * - first",
      " * - second",
      " */",
      "export class Thing extends Construct {",
      "  readonly arn: string = '';",
      "  private readonly secret = 1;",
      "  constructor(scope: Construct, id: string, props: ThingProps) {",
      "    super(scope, id);",
      "    void props;",
      "  }",
      "  /** Lets someone in. More text. */",
      "  allow(peer: string, port?: number): void {",
      "    void peer;",
      "    void port;",
      "  }",
      "}",
      "/** Nothing to configure. */",
      "export class Plain extends Construct {}",
    ].join("\n"),
  );

  it("reads each exported class's file, summary, members and props, following extends into imported files", () => {
    const [plain, thing] = constructDocs(dir);
    expect(plain).toMatchObject({ name: "Plain", domain: "data", summary: "Nothing to configure.", props: [] });
    expect(plain!.propsType).toBeUndefined();
    expect(thing).toMatchObject({
      name: "Thing",
      domain: "data",
      summary: "A thing.",
      description: ["A thing. It does things.", "- first\n- second"],
      properties: [{ signature: "arn" }],
      methods: [{ signature: "allow(peer, port?)", summary: "Lets someone in." }],
      propsType: "ThingProps",
    });
    expect(thing!.props).toEqual([
      { name: "size", type: '"small" | "large"', optional: false, description: "Size, `small` or `large`." },
      { name: "name", type: "string", optional: true, defaultValue: "- the id", description: "Name of the thing." },
      { name: "days", type: "number", optional: true, defaultValue: "14", description: "Days kept.", inheritedFrom: "Retention" },
    ]);
    expect(thing!.notes).toEqual(["Also takes the props of `Foreign` (not expanded here)."]);
  });

  it("writes a props table with unions escaped", () => {
    const reference = modulesReference(dir);
    expect(reference).toContain('| `size` | `"small" \\| "large"` | required | - | Size, `small` or `large`. |');
    expect(reference).toContain("| `days` | `number` | optional | 14 | Days kept. (from `Retention`) |");
    expect(reference).toContain("Takes no props.");
  });
});

describe("the configuration reference", () => {
  const all = (fields: readonly ConfigField[]): ConfigField[] => fields.flatMap((f) => [f, ...all(f.children)]);
  const fields = new Map(all(configFields()).map((f) => [f.path, f]));

  it("finds the JSDoc of fields spread in, picked, reached through .shape and declared as constants", () => {
    expect(fields.get("environments.<env>.network.natGateways")?.description).toMatch(/NAT gateway/); // spread from networkFields
    expect(fields.get("events.platform.edge.priceClass")?.description).toMatch(/price class/i); // edgeSchema.pick()
    expect(fields.get("events.platform.hostedZone.name")?.description).toMatch(/zone's name/); // edgeSchema.shape.hostedZone
    expect(fields.get("events.platform.highAvailability")?.description).toMatch(/Availability Zone/); // a constant's JSDoc
  });

  it("gives types, defaults and required-ness from the schema", () => {
    expect(fields.get("environments.<env>.network.azSlots")).toMatchObject({ type: "integer, 2 to 6", required: false, defaultValue: "`4`" });
    expect(fields.get("events.calendar[].slug")).toMatchObject({ type: "string, <= 24 chars", required: true });
    expect(fields.get("events.platform.services.<name>.kind")?.type).toBe('"http" | "worker"');
  });
});

describe("the policy rule reference", () => {
  it("finds the resource types every rule reads", () => {
    expect(POLICY_PACK.filter((p) => resourceTypesOf(p).length === 0).map((p) => p.id)).toEqual([]);
    expect(resourceTypesOf(POLICY_PACK.find((p) => p.id === "RDS-STORAGE-ENCRYPTED")!)).toEqual(["aws_db_instance", "aws_rds_cluster"]);
  });
});

describe("README and docs/", () => {
  const linked = [...README.matchAll(/\]\((docs\/[^)#\s]+)(?:#[^)]*)?\)/g)].map((m) => m[1]!);
  const documents = readdirSync(DOCS).filter((f) => f.endsWith(".md")).map((f) => `docs/${f}`);

  it("links only documents that exist", () => {
    expect(linked.filter((path) => !existsSync(join(ROOT, path)))).toEqual([]);
  });

  it("links every document under docs/", () => {
    expect(documents.filter((doc) => !linked.includes(doc))).toEqual([]);
  });

  it("is at most 300 lines", () => {
    expect(README.split("\n").length).toBeLessThanOrEqual(300);
  });

  it("has no relative link in docs/ to a file that does not exist", () => {
    const broken = documents.flatMap((doc) =>
      [...readFileSync(join(ROOT, doc), "utf8").matchAll(/\]\((?!https?:|#|mailto:)([^)#\s]+)(?:#[^)]*)?\)/g)]
        .map((m) => m[1]!)
        .filter((target) => !existsSync(resolve(ROOT, dirname(doc), target)))
        .map((target) => `${doc} -> ${target}`),
    );
    expect(broken).toEqual([]);
  });
});
