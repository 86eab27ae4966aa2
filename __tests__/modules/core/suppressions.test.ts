import { S3Bucket } from "@cdktf/provider-aws/lib/s3-bucket";
import { describe, expect, it } from "vitest";
import { SUPPRESSIONS_KEY, suppressRule } from "../../../modules/core/suppressions";
import { PACK_PROBLEM, evaluateStack } from "../../../src/policy/run";
import { resourceSuppressions, suppress } from "../../../src/policy/suppress";
import { context, stackJson } from "../../policy/helpers";

const REASON = "issued and rotated outside AWS by Terraform Cloud";

describe("suppressRule (the modules' suppressions)", () => {
  it("writes the suppression into the resource's // block, where the pack reads it", () => {
    const json = stackJson((s) => suppressRule(new S3Bucket(s, "b", { bucket: "b" }), "S3-ACCESS-LOGS", ` ${REASON} `));
    const bucket = json.resource!.aws_s3_bucket!.b!;
    expect((bucket["//"] as Record<string, unknown>)[SUPPRESSIONS_KEY]).toEqual([{ rule: "S3-ACCESS-LOGS", reason: REASON }]);
    expect(resourceSuppressions(bucket)).toEqual([{ rule: "S3-ACCESS-LOGS", reason: REASON }]);
  });

  it("shares the record with the policy pack's suppress(): one rule is suppressed once per resource", () => {
    stackJson((s) => {
      const bucket = new S3Bucket(s, "b", { bucket: "b" });
      suppressRule(bucket, "S3-ACCESS-LOGS", REASON);
      expect(() => suppress(bucket, "S3-ACCESS-LOGS", REASON)).toThrowError(/test\/b: S3-ACCESS-LOGS is already suppressed/);
      expect(() => suppressRule(bucket, "S3-VERSIONING", "  ")).toThrowError(/suppressing S3-VERSIONING needs a written reason/);
    });
  });

  it("names a rule the pack checks when the stack is evaluated: an unknown id is an unsuppressible error", () => {
    const json = stackJson((s) => suppressRule(new S3Bucket(s, "b", { bucket: "b", forceDestroy: true }), "S3-FORCE-DESTROY", REASON));
    const problem = evaluateStack(json, context()).report.findings.find((f) => f.rule === PACK_PROBLEM);
    expect(problem).toMatchObject({ severity: "error", resource: "aws_s3_bucket.b" });
    expect(problem?.message).toMatch(/invalid suppression: unknown policy rule "S3-FORCE-DESTROY" \(did you mean S3-NO-FORCE-DESTROY\?\)/);
  });
});
