import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { App, Aspects, TerraformStack } from "cdktf";
import { Vpc } from "@cdktf/provider-aws/lib/vpc";
import { DateTime } from "luxon";
import { describe, expect, it } from "vitest";
import { buildApp } from "../../src/app/app";
import { findTerraform, listStacks } from "../../src/ci/terraform-harness";
import type { ConfigInput } from "../../src/config";
import { KmsKey } from "../../modules/security/kms-key";
import { AwsStack } from "../../stacks/base/aws-stack";
import { setCdktfWorkarounds, withCheapStackTraces } from "../../src/core/cdktf-workarounds";
import { calendarOf, configWith, eventsInOwnAccount } from "../helpers/config";
import { placeholderAddonInputs } from "../helpers/addon-inputs";
import { fixtureClock } from "../helpers/fixture-config";

const clock = () => DateTime.fromISO("2026-11-22T00:00:00Z");

/**
 * Every stack's cdk.tf.json, synthesized as `npm run synth` does with the cdktf workarounds on
 * (prepared fragments reused, cheap stack traces, the validation replacement) or with all of them
 * off (cdktf's own passes and validation).
 */
function synthesize(change: (c: ConfigInput) => void, workarounds: boolean): Map<string, string> {
  const outdir = mkdtempSync(join(tmpdir(), "flashcrowd-resolution-"));
  const previous = setCdktfWorkarounds(workarounds);
  try {
    withCheapStackTraces(() => buildApp(configWith(change), { outdir, clock, addonInputs: (platform) => placeholderAddonInputs(platform) }).synth());
  } finally {
    setCdktfWorkarounds(previous);
  }
  return new Map(listStacks(outdir).map((id) => [id, readFileSync(join(outdir, "stacks", id, "cdk.tf.json"), "utf8")]));
}

// With the workarounds off, cdktf's own validation asks the Terraform CLI for its version.
const terraform = findTerraform();
const required = Boolean(process.env.CI || process.env.REQUIRE_TERRAFORM);

describe("reusing the preparing pass's resolution", () => {
  it("can compare with cdktf's own passes where it is required", () => {
    if (!terraform && required) throw new Error("No Terraform CLI on PATH, which cdktf's own validation needs; CI/REQUIRE_TERRAFORM is set, so this is a failure.");
    if (!terraform) console.warn("SKIPPED: no Terraform CLI on PATH: the synthesis with the cdktf workarounds off (cdktf's own validation needs it) was NOT compared.");
  });

  it.skipIf(!terraform).each<[string, (c: ConfigInput) => void]>([
    ["the fixture configuration", () => undefined],
    ["events in an account of their own, peered across accounts", eventsInOwnAccount],
    [
      "a third, concurrent event",
      (c) =>
        calendarOf(c).push({ slug: "night-owls", name: "Night owls", opens: "2026-12-04T21:00", closes: "2026-12-05T01:00", timeZone: "Asia/Seoul", expectedPeakRps: 8000, cidr: "10.64.48.0/20" }),
    ],
  ])("writes exactly what cdktf's own passes write, for %s (FLASHCROWD_CDKTF_WORKAROUNDS=off)", (_name, change) => {
    const reused = synthesize(change, true);
    const stock = synthesize(change, false);
    expect([...reused.keys()]).toEqual([...stock.keys()]);
    expect(reused.size).toBeGreaterThan(8);
    for (const [id, text] of stock) expect(reused.get(id), id).toBe(text);
  }, 60_000);

  it("resolves again an element an Aspect changed after the preparing pass", () => {
    const outdir = mkdtempSync(join(tmpdir(), "flashcrowd-resolution-"));
    const config = configWith();
    const app = new App({ outdir, skipValidation: true });
    const stack = new (class extends AwsStack {})(app, { config, stackId: "probe", environment: "probe", target: config.events.platform });
    const vpc = new Vpc(stack, "vpc", { cidrBlock: "10.9.0.0/16", tags: { Name: "before" } });
    Aspects.of(stack).add({
      visit: (node) => {
        if (node === vpc) vpc.tags = { Name: "after" };
      },
    });
    app.synth();
    const json = JSON.parse(readFileSync(join(outdir, "stacks", "probe", "cdk.tf.json"), "utf8")) as { resource: { aws_vpc: Record<string, { tags: unknown }> } };
    expect(Object.values(json.resource.aws_vpc)[0]!.tags).toEqual({ Name: "after" });
  });

  it("keeps nothing when an unknown Aspect could change what a Lazy value produces", () => {
    const outdir = mkdtempSync(join(tmpdir(), "flashcrowd-resolution-"));
    const config = configWith();
    const app = new App({ outdir, skipValidation: true });
    const stack = new (class extends AwsStack {})(app, { config, stackId: "probe", environment: "probe", target: config.events.platform });
    const key = new KmsKey(stack, "key", { alias: "probe", description: "probe" });
    // The key policy is a Lazy value: its placeholder, and so the element's fingerprint, stays the same.
    Aspects.of(stack).add({ visit: (node) => node === key && key.allowService("LateGrant", "logs.ap-northeast-2.amazonaws.com") });
    app.synth();
    const json = JSON.parse(readFileSync(join(outdir, "stacks", "probe", "cdk.tf.json"), "utf8")) as { resource: { aws_kms_key: Record<string, { policy: string }> } };
    expect(Object.values(json.resource.aws_kms_key)[0]!.policy).toContain("LateGrant");
  });

  it("still reads the two cdktf fields it copies the synthesis of", () => {
    const fields = new TerraformStack(buildApp(configWith(), { clock: fixtureClock }).app, "probe") as unknown as Record<string, unknown>;
    expect(typeof fields.rawOverrides).toBe("object");
    expect(typeof fields.cdktfVersion).toBe("string");
  });
});
