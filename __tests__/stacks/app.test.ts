import { existsSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { buildApp } from "../../src/app/app";
import type { AwsStack } from "../../stacks/base/aws-stack";
import { fixtureClock, fixtureConfig } from "../helpers/fixture-config";
import { synthJson, type TerraformJson } from "../helpers/synth";

const config = fixtureConfig();
const built = buildApp(config, { clock: fixtureClock });
const awsStacks: AwsStack[] = [...Object.values(built.platforms), built.eventEdge, ...Object.values(built.events)];
// Touch the lazily created aliased providers so they are checked too.
for (const stack of awsStacks) {
  void stack.secondaryProvider;
  void stack.usEast1Provider;
}
const synthesized = new Map<string, TerraformJson>(awsStacks.map((s) => [s.node.id, synthJson(s)]));

describe("the app", () => {
  it("has a platform stack per environment, the event edge and an event stack per calendar entry", () => {
    expect([...synthesized.keys()].sort()).toEqual(["dev", "event-edge", "event-stadium-show-tickets", "event-xmas-mega-sale", "prod"]);
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
    const tags = (synthesized.get("event-xmas-mega-sale")!.provider!.aws![0]!.default_tags as { tags: Record<string, string> }[])[0]!.tags;
    expect(tags.Event).toBe("xmas-mega-sale");
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
    const app = buildApp(fixtureConfig({ TFC_ORG: "acme" }), { clock: fixtureClock });
    const json = synthJson(app.platforms.prod!);
    expect((json.terraform!.cloud as { organization: string }).organization).toBe("acme");
  });
});

describe("stack synthesis", () => {
  it("writes one cdk.tf.json per stack", () => {
    const outdir = mkdtempSync(join(tmpdir(), "flashcrowd-app-"));
    buildApp(config, { outdir, clock: fixtureClock }).synth();
    for (const id of synthesized.keys()) {
      expect(existsSync(join(outdir, "stacks", id, "cdk.tf.json")), id).toBe(true);
    }
  });
});
