import { existsSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { buildApp } from "../../src/app";
import { loadConfig } from "../../src/config";
import type { AwsStack } from "../../src/core/aws-stack";
import { calendarOf, configWith } from "../helpers/config";
import { synthJson, type TerraformJson } from "../helpers/synth";

const config = loadConfig({});
const built = buildApp(config);
const awsStacks: AwsStack[] = [...Object.values(built.platforms), ...Object.values(built.events)];
// Touch the lazily created aliased providers so they are checked too.
for (const stack of awsStacks) {
  void stack.secondaryProvider;
  void stack.usEast1Provider;
}
const synthesized = new Map<string, TerraformJson>(awsStacks.map((s) => [s.node.id, synthJson(s)]));

describe("the app", () => {
  it("has a platform stack per environment and an event stack per calendar entry", () => {
    expect([...synthesized.keys()].sort()).toEqual(["dev", "event-concert-film-tickets", "event-dec-flash-sale", "prod"]);
  });

  it.each([...synthesized.keys()])("%s runs in its own Terraform Cloud workspace", (id) => {
    expect(synthesized.get(id)!.terraform?.cloud).toEqual({
      hostname: "app.terraform.io",
      organization: "flashcrowd",
      workspaces: { name: `flashcrowd-${id}`, project: "flashcrowd" },
    });
  });

  it.each([...synthesized.keys()])("%s: every AWS provider is locked to its account and carries the default tags", (id) => {
    const providers = synthesized.get(id)!.provider!.aws!;
    expect(providers.length).toBeGreaterThanOrEqual(3); // home, secondary, us-east-1
    const expectedAccount = id.startsWith("event-") ? config.events.platform.account : config.environments[id]!.account;
    for (const provider of providers) {
      expect(provider.allowed_account_ids).toEqual([expectedAccount]);
      const tags = (provider.default_tags as { tags: Record<string, string> }[])[0]!.tags;
      expect(tags).toEqual(expect.objectContaining({ Project: "flashcrowd", Stack: id, ManagedBy: "cdktf/flashcrowd-infra", CostCenter: "commerce-platform" }));
      expect(tags.Environment).toBe(id.startsWith("event-") ? "event" : id);
    }
  });

  it("tags event stacks with their event", () => {
    const tags = (synthesized.get("event-dec-flash-sale")!.provider!.aws![0]!.default_tags as { tags: Record<string, string> }[])[0]!.tags;
    expect(tags.Event).toBe("dec-flash-sale");
    const prodTags = (synthesized.get("prod")!.provider!.aws![0]!.default_tags as { tags: Record<string, string> }[])[0]!.tags;
    expect(prodTags).not.toHaveProperty("Event");
  });

  it("puts aliased providers in their regions", () => {
    const providers = synthesized.get("prod")!.provider!.aws!;
    expect(providers.map((p) => [p.alias ?? "(default)", p.region])).toEqual([
      ["(default)", "ap-northeast-2"],
      ["secondary", "ap-northeast-1"],
      ["chatbot", "ap-southeast-1"],
      ["us_east_1", "us-east-1"],
    ]);
  });

  it("uses the organization from TFC_ORG", () => {
    const app = buildApp(loadConfig({ TFC_ORG: "acme" }));
    const json = synthJson(app.platforms.prod!);
    expect((json.terraform!.cloud as { organization: string }).organization).toBe("acme");
  });
});

describe("the calendar", () => {
  it("adds exactly one stack per added entry", () => {
    const before = buildApp(configWith()).app.node.children.length;
    const after = buildApp(
      configWith((c) => {
        calendarOf(c).push({ slug: "spring-sale", name: "Spring sale", opens: "2027-03-20T20:00", closes: "2027-03-21T02:00", timeZone: "Asia/Seoul", expectedPeakRps: 1000, cidr: "10.64.32.0/20" });
      }),
    );
    expect(after.app.node.children.length).toBe(before + 1);
    expect(Object.keys(after.events)).toContain("spring-sale");
  });

  it("gives concurrent events separate stacks with disjoint VPCs", () => {
    const concurrent = buildApp(
      configWith((c) => {
        calendarOf(c).push({ slug: "overlapping", name: "Same night", opens: "2026-12-04T21:00", closes: "2026-12-05T01:00", timeZone: "Asia/Seoul", expectedPeakRps: 1000, cidr: "10.64.48.0/20" });
      }),
    );
    const vpcCidr = (slug: string) => {
      const json = synthJson(concurrent.events[slug]!);
      return Object.values(json.resource!.aws_vpc!)[0]!.cidr_block;
    };
    expect(vpcCidr("dec-flash-sale")).toBe("10.64.0.0/20");
    expect(vpcCidr("overlapping")).toBe("10.64.48.0/20");
  });

  it("names event resources so that two events never collide", () => {
    // Names scoped to a parent resource (an inline role policy's name) cannot collide across stacks.
    const scoped = new Set(["aws_iam_role_policy"]);
    const names = (id: string) =>
      Object.entries(synthesized.get(id)!.resource ?? {})
        .filter(([type]) => !scoped.has(type))
        .flatMap(([, byName]) => Object.values(byName))
        .flatMap((r) => [r.name, r.bucket, r.identifier, (r.tags as Record<string, string> | undefined)?.Name])
        .filter((n): n is string => typeof n === "string" && !n.includes("${"));
    const a = new Set(names("event-dec-flash-sale"));
    const b = names("event-concert-film-tickets");
    expect(a.size).toBeGreaterThan(10);
    expect(b.filter((n) => a.has(n))).toEqual([]);
  });
});

describe("stack synthesis", () => {
  it("writes one cdk.tf.json per stack", () => {
    const outdir = mkdtempSync(join(tmpdir(), "flashcrowd-app-"));
    buildApp(config, { outdir }).synth();
    for (const id of synthesized.keys()) {
      expect(existsSync(join(outdir, "stacks", id, "cdk.tf.json")), id).toBe(true);
    }
  });
});
