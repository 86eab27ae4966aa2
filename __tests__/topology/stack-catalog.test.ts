import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { App, CloudBackend, NamedCloudWorkspace, TerraformOutput, TerraformStack } from "cdktf";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { Vpc } from "@cdktf/provider-aws/lib/vpc";
import { DateTime } from "luxon";
import { describe, expect, it } from "vitest";
import { catalogDrift, remoteStateReads } from "../../src/ci/catalog-drift";
import { buildApp } from "../../src/app/app";
import { listStacks } from "../../src/ci/terraform-harness";
import { stackCatalog } from "../../src/topology/stack-catalog";
import { calendarOf, configWith, eventsInOwnAccount } from "../helpers/config";
import type { TerraformJson } from "../helpers/synth";
import { fixtureClock, fixtureConfig } from "../helpers/fixture-config";

function readSynth(dir: string): Record<string, TerraformJson> {
  return Object.fromEntries(
    listStacks(dir).map((id) => [id, JSON.parse(readFileSync(join(dir, "stacks", id, "cdk.tf.json"), "utf8")) as TerraformJson]),
  );
}

describe("the stack catalog of the fixture configuration", () => {
  const catalog = stackCatalog(fixtureConfig());

  it("lists every stack in deploy order, events last", () => {
    expect(catalog.ids()).toEqual([
      "tfc",
      "prod",
      "prod-addons",
      "dev",
      "dev-addons",
      "event-edge",
      "control",
      "event-xmas-mega-sale",
      "event-stadium-show-tickets",
    ]);
  });

  it("applies the permanent stacks in the documented order", () => {
    expect(catalog.deployOrder).toEqual(["tfc", "prod", "prod-addons", "dev", "dev-addons", "event-edge", "control"]);
  });

  it("marks only event stacks ephemeral", () => {
    const ephemeral = catalog.stacks.filter((s) => s.kind === "ephemeral").map((s) => s.id);
    expect(ephemeral).toEqual(["event-xmas-mega-sale", "event-stadium-show-tickets"]);
  });

  it.each([
    ["prod-addons", ["prod"]],
    ["dev-addons", ["dev"]],
    ["event-xmas-mega-sale", ["event-edge", "prod"]],
    ["control", []],
    ["event-edge", []],
    ["tfc", []],
    ["prod", []],
  ])("says %s reads %j", (id, reads) => {
    expect(catalog.get(id).reads).toEqual(reads);
  });

  it("places every stack after the stacks it reads", () => {
    const position = new Map(catalog.ids().map((id, i) => [id, i]));
    for (const stack of catalog.stacks) {
      for (const producer of stack.reads) expect(position.get(producer), `${stack.id} reads ${producer}`).toBeLessThan(position.get(stack.id)!);
    }
  });

  it("names the consumers of each producer from the reads", () => {
    expect(catalog.consumersOf("prod")).toEqual(["prod-addons", "event-xmas-mega-sale", "event-stadium-show-tickets"]);
    expect(catalog.consumersOf("event-edge")).toEqual(["event-xmas-mega-sale", "event-stadium-show-tickets"]);
    expect(catalog.consumersOf("dev")).toEqual(["dev-addons"]);
    expect(catalog.consumersOf("control")).toEqual([]);
  });

  it("computes each workspace's plan and apply role ARNs from the account and the role names, without lookups", () => {
    expect(catalog.get("prod").runRole).toEqual({
      account: "210987654321",
      kind: "platform",
      plan: { name: "flashcrowd-prod-tfc-plan", arn: "arn:aws:iam::210987654321:role/flashcrowd-prod-tfc-plan" },
      apply: { name: "flashcrowd-prod-tfc-apply", arn: "arn:aws:iam::210987654321:role/flashcrowd-prod-tfc-apply" },
      policyArns: [],
    });
    expect(catalog.get("dev-addons").runRole?.apply.arn).toBe("arn:aws:iam::310987654321:role/flashcrowd-dev-addons-tfc-apply");
    expect(catalog.get("event-xmas-mega-sale").runRole?.kind).toBe("event");
  });

  it("gives the tfc stack no AWS account and no run role", () => {
    expect(catalog.get("tfc")).toMatchObject({ providers: ["tfe"], environment: "shared" });
    expect(catalog.get("tfc").aws).toBeUndefined();
    expect(catalog.get("tfc").runRole).toBeUndefined();
  });

  it("hosts each account's workload identity on the first environment in it", () => {
    expect([...catalog.identityHosts()]).toEqual([
      ["210987654321", "prod"],
      ["310987654321", "dev"],
    ]);
  });

  it("puts the safety-net auto-destroy 6 hours after each event's teardown, in UTC", () => {
    const stack = catalog.get("event-xmas-mega-sale");
    // closes 2031-12-06T00:00 Asia/Seoul + grace PT1H = 2031-12-05T16:00Z; + 6 h
    expect(stack.autoDestroyAt).toBe("2031-12-05T22:00:00Z");
    expect(DateTime.fromISO(stack.autoDestroyAt!) > stack.event!.teardownAt).toBe(true);
  });

  it("takes auto-apply from config: off for prod, on for dev", () => {
    expect(catalog.get("prod").autoApply).toBe(false);
    expect(catalog.get("prod-addons").autoApply).toBe(false);
    expect(catalog.get("dev").autoApply).toBe(true);
    expect(catalog.get("dev-addons").autoApply).toBe(true);
  });

  it("rejects an unknown stack id naming the known ones", () => {
    expect(() => catalog.get("staging")).toThrow(/unknown stack "staging"; stacks are: tfc, prod/);
  });
});

describe("the stack catalog of other configurations", () => {
  it("adds an extra environment and its add-ons after the existing ones", () => {
    const catalog = stackCatalog(
      configWith((c) => {
        c.environments.staging = { ...structuredClone(c.environments.dev!), account: "410987654321", network: { ...c.environments.dev!.network, cidr: "10.2.0.0/16" } };
      }),
    );
    expect(catalog.deployOrder).toEqual(["tfc", "prod", "prod-addons", "dev", "dev-addons", "staging", "staging-addons", "event-edge", "control"]);
    expect(catalog.identityHostOf("410987654321")).toBe("staging");
  });

  it("hosts an events account without environments on event-edge", () => {
    const catalog = stackCatalog(configWith((c) => eventsInOwnAccount(c)));
    expect(catalog.identityHostOf("510987654321")).toBe("event-edge");
    expect(catalog.runRolesIn("510987654321").map((s) => s.id)).toEqual([
      "event-edge",
      "control",
      "event-xmas-mega-sale",
      "event-stadium-show-tickets",
    ]);
    expect(catalog.runRolesIn("210987654321").map((s) => s.id)).toEqual(["prod", "prod-addons"]);
  });

  it("makes events read the environment they sync to", () => {
    const catalog = stackCatalog(
      configWith((c) => {
        c.events.platform.syncTo = "dev";
        c.events.platform.peering = { accepterRoleArn: "arn:aws:iam::310987654321:role/flashcrowd-peering-accepter" };
      }),
    );
    expect(catalog.get("event-xmas-mega-sale").reads).toEqual(["event-edge", "dev"]);
  });

  it("follows a configured auto-destroy delay", () => {
    const catalog = stackCatalog(configWith((c) => (c.project.terraformCloud.eventAutoDestroyDelay = "P1DT2H")));
    expect(catalog.get("event-xmas-mega-sale").autoDestroyAt).toBe("2031-12-06T18:00:00Z");
  });

  it("gives each kind of stack's apply role the extra policies configured for it, and none by default", () => {
    const extra = "arn:aws:iam::210987654321:policy/flashcrowd-extra-for-events";
    const catalog = stackCatalog(configWith((c) => (c.project.terraformCloud.runRolePolicyArns = { event: [extra] })));
    expect(catalog.get("event-xmas-mega-sale").runRole?.policyArns).toEqual([extra]);
    expect(catalog.get("prod").runRole?.policyArns).toEqual([]);
  });

  it("keeps long run-role names within IAM's 64 characters, unique per stack", () => {
    const config = configWith((c) => {
      calendarOf(c)[0]!.slug = "a-very-long-event-slug-x";
      c.project.name = "a-long-projectxx";
    });
    const roles = stackCatalog(config).stacks.flatMap((s) => (s.runRole ? [s.runRole.plan.name, s.runRole.apply.name] : []));
    expect(Math.max(...roles.map((r) => r.length))).toBeLessThanOrEqual(64);
    expect(new Set(roles).size).toBe(roles.length);
    // The apply roles' Deny statements recognise run roles by these suffixes.
    expect(roles.every((r) => /-tfc-(plan|apply)$/.test(r))).toBe(true);
  });
});

describe("the catalog against the synthesized stacks", () => {
  const config = fixtureConfig();
  const catalog = stackCatalog(config);
  const outdir = mkdtempSync(join(tmpdir(), "flashcrowd-catalog-"));
  const built = buildApp(config, { clock: fixtureClock, outdir });
  built.synth();
  const synthesized = readSynth(outdir);

  it("is what the app builds: exactly its stacks, constructed tfc, platforms, add-ons, event edge, events, control", () => {
    const byType = (type: string) => catalog.stacks.filter((s) => s.type === type).map((s) => s.id);
    expect(built.app.node.children.map((c) => c.node.id)).toEqual(
      ["tfc", "platform", "addons", "event-edge", "event", "control"].flatMap(byType),
    );
    expect(Object.keys(synthesized).sort()).toEqual(catalog.ids().sort());
  });

  it("lists every cross-stack read and provider the app's stacks really use", () => {
    const drift = catalogDrift(catalog, synthesized);
    for (const note of drift.notes) console.log(`catalog note: ${note}`);
    expect(drift.errors).toEqual([]);
  });

  it("fails when a stack reads a producer the catalog does not list for it", () => {
    // GIVEN a dev-addons stack that reads prod through a cross-stack reference (the catalog says dev-addons reads dev only)
    const dir = mkdtempSync(join(tmpdir(), "flashcrowd-drift-"));
    const app = new App({ outdir: dir });
    const producer = new TerraformStack(app, "prod");
    new AwsProvider(producer, "aws", { region: "ap-northeast-2" });
    const vpc = new Vpc(producer, "vpc", { cidrBlock: "10.0.0.0/16" });
    const consumer = new TerraformStack(app, "dev-addons");
    new CloudBackend(consumer, { organization: "flashcrowd", workspaces: new NamedCloudWorkspace("flashcrowd-dev-addons") });
    new TerraformOutput(consumer, "prod-vpc", { value: vpc.id });
    app.synth();
    const devAddons = readSynth(dir)["dev-addons"]!;
    expect(remoteStateReads(devAddons)).toEqual(["prod"]);
    // WHEN the drift is computed
    const drift = catalogDrift(catalog, { ...synthesized, "dev-addons": devAddons });
    // THEN the undeclared read is an error
    expect(drift.errors).toEqual([expect.stringContaining("dev-addons: reads the state of prod")]);
  });

  it("fails when a stack of the catalog was not synthesized", () => {
    const { control: _control, ...withoutControl } = synthesized;
    expect(catalogDrift(catalog, withoutControl).errors).toEqual(["control: in the catalog, but not synthesized"]);
  });

  it("fails when the app builds a stack the catalog does not know", () => {
    const drift = catalogDrift(catalog, { ...synthesized, staging: { terraform: { required_providers: { aws: {} } } } });
    expect(drift.errors).toEqual([expect.stringContaining("staging: synthesized, but the catalog does not list it")]);
  });

  it("fails when a stack requires a provider the catalog does not list", () => {
    const prod = structuredClone(synthesized.prod!);
    (prod.terraform!.required_providers as Record<string, unknown>).random = { source: "hashicorp/random" };
    expect(catalogDrift(catalog, { ...synthesized, prod }).errors).toEqual([expect.stringContaining("prod: requires provider(s) random")]);
  });
});
