import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { S3Bucket } from "@cdktf/provider-aws/lib/s3-bucket";
import { TerraformStack, Testing } from "cdktf";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { describe, expect, it } from "vitest";
import { findTerraform, runOfflineChecks } from "../../src/ci/terraform-harness";
import type { RuleId } from "../../src/policy/ids";
import { evaluateStack, PACK_PROBLEM } from "../../src/policy/run";
import { resourceSuppressions, suppress, SUPPRESSIONS_KEY } from "../../src/policy/suppress";
import { context, stackJson } from "./helpers";

const REASON = "holds build artifacts rebuilt on every deploy; nothing of record";

describe("suppress()", () => {
  it("writes the suppression into the resource's // block, which survives synthesis", () => {
    const app = Testing.app();
    const stack = new TerraformStack(app, "test");
    new AwsProvider(stack, "aws", { region: "ap-northeast-2" });
    const bucket = new S3Bucket(stack, "cache", { bucket: "cache", forceDestroy: true });
    suppress(bucket, "S3-NO-FORCE-DESTROY", REASON);
    suppress(bucket, "S3-VERSIONING", "cache entries are immutable and rebuilt");
    app.synth();
    const json = JSON.parse(readFileSync(join(app.outdir, "stacks", "test", "cdk.tf.json"), "utf8"));
    const config = json.resource.aws_s3_bucket.cache;
    expect(config["//"].metadata.path).toBe("test/cache");
    expect(resourceSuppressions(config)).toEqual([
      { rule: "S3-NO-FORCE-DESTROY", reason: REASON },
      { rule: "S3-VERSIONING", reason: "cache entries are immutable and rebuilt" },
    ]);
  });

  it.each<[string, string, string, RegExp]>([
    ["an unknown rule id", "S3-FORCE-DESTROY", REASON, /unknown policy rule "S3-FORCE-DESTROY" \(did you mean S3-NO-FORCE-DESTROY\?\)/],
    ["an empty reason", "S3-NO-FORCE-DESTROY", "   ", /needs a written reason/],
  ])("rejects %s at construction", (_name, rule, reason, error) => {
    stackJson((s) => {
      const bucket = new S3Bucket(s, "b", { bucket: "b" });
      expect(() => suppress(bucket, rule as RuleId, reason)).toThrowError(error);
    });
  });

  it("rejects suppressing the same rule twice on one resource", () => {
    stackJson((s) => {
      const bucket = new S3Bucket(s, "b", { bucket: "b" });
      suppress(bucket, "S3-ACCESS-LOGS", REASON);
      expect(() => suppress(bucket, "S3-ACCESS-LOGS", REASON)).toThrowError(/already suppressed/);
    });
  });
});

describe("resource suppressions in a report", () => {
  const json = stackJson((s) => suppress(new S3Bucket(s, "cache", { bucket: "cache", forceDestroy: true }), "S3-NO-FORCE-DESTROY", REASON));
  const { report, used } = evaluateStack(json, context());

  it("mark the finding suppressed with the reason and keep it out of the error count", () => {
    const finding = report.findings.find((f) => f.rule === "S3-NO-FORCE-DESTROY");
    expect(finding?.suppressed).toEqual({ source: "resource", reason: REASON });
    expect(report.findings.filter((f) => !f.suppressed).some((f) => f.rule === "S3-NO-FORCE-DESTROY")).toBe(false);
    expect(report.counts.suppressed).toBe(1);
  });

  it("are listed as used", () => {
    expect(used).toEqual([{ stack: "test", rule: "S3-NO-FORCE-DESTROY", resource: "aws_s3_bucket.cache", reason: REASON, source: "resource", configIndex: undefined }]);
  });

  it("do not silence other rules on the same resource", () => {
    expect(report.findings.find((f) => f.rule === "S3-VERSIONING")?.suppressed).toBeUndefined();
  });

  it("that silence nothing are reported as unused", () => {
    const clean = stackJson((s) => suppress(new S3Bucket(s, "b", { bucket: "b" }), "S3-NO-FORCE-DESTROY", REASON));
    expect(evaluateStack(clean, context()).unusedResourceSuppressions).toEqual([{ stack: "test", rule: "S3-NO-FORCE-DESTROY", resource: "aws_s3_bucket.b", reason: REASON, source: "resource" }]);
  });

  it.each<[string, unknown]>([
    ["an unknown rule id", { rule: "NOPE", reason: REASON }],
    ["an empty reason", { rule: "S3-NO-FORCE-DESTROY", reason: "" }],
  ])("written by hand with %s are an unsuppressible error", (_name, entry) => {
    const raw = stackJson((s) => new S3Bucket(s, "b", { bucket: "b", forceDestroy: true }).addOverride(`//.${SUPPRESSIONS_KEY}`, [entry]));
    const evaluation = evaluateStack(raw, context());
    const problem = evaluation.report.findings.find((f) => f.rule === PACK_PROBLEM);
    expect(problem).toMatchObject({ severity: "error", resource: "aws_s3_bucket.b" });
    expect(problem?.message).toMatch(/invalid suppression/);
    expect(evaluation.report.findings.find((f) => f.rule === "S3-NO-FORCE-DESTROY")?.suppressed).toBeUndefined();
  });
});

const terraform = findTerraform();
describe.skipIf(!terraform)("a suppressed resource", () => {
  it("passes terraform validate and an offline plan", async () => {
    const app = Testing.app({ outdir: mkdtempSync(join(tmpdir(), "flashcrowd-suppress-")) });
    const stack = new TerraformStack(app, "suppressed");
    new AwsProvider(stack, "aws", { region: "ap-northeast-2" });
    suppress(new S3Bucket(stack, "cache", { bucket: "flashcrowd-cache" }), "S3-ACCESS-LOGS", REASON);
    app.synth();
    const [result] = await runOfflineChecks({ synthDir: app.outdir, workDir: mkdtempSync(join(tmpdir(), "flashcrowd-suppress-tf-")), terraform });
    expect(result?.error ?? "").toBe("");
    expect(result?.validated).toBe(true);
    expect(result?.planned).toBe(true);
  }, 120_000);
});
