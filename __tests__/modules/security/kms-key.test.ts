import { describe, expect, it } from "vitest";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { KmsKey } from "../../../modules/security/kms-key";
import { listOf, parseJsonAttribute, synthJson } from "../../helpers/synth";
import { ACCOUNT, REGION, moduleStack, type PolicyJson } from "../../helpers/stack";

function keyPolicies(build: (stack: ReturnType<typeof moduleStack>["stack"]) => void): PolicyJson[] {
  const { stack } = moduleStack();
  build(stack);
  return listOf(synthJson(stack), "aws_kms_key").map((k) => parseJsonAttribute<PolicyJson>(k.policy));
}

describe("KmsKey", () => {
  it("is administered by its account's root principal and rotates yearly", () => {
    const { stack } = moduleStack();
    new KmsKey(stack, "key", { alias: "flashcrowd-test-data", description: "data" });
    const [key] = listOf(synthJson(stack), "aws_kms_key");
    expect(key).toMatchObject({ enable_key_rotation: true, deletion_window_in_days: 30 });
    expect(parseJsonAttribute<PolicyJson>(key!.policy).Statement).toEqual([
      { Sid: "AccountAdministers", Effect: "Allow", Principal: { AWS: `arn:aws:iam::${ACCOUNT}:root` }, Action: "kms:*", Resource: "*" },
    ]);
  });

  it("lets CloudWatch Logs of its region use it for one log group, or the groups under a prefix", () => {
    const arns: string[] = [];
    const [policy] = keyPolicies((stack) => {
      const key = new KmsKey(stack, "key", { alias: "flashcrowd-test-logs", description: "logs" });
      arns.push(key.allowLogGroup("OneGroup", "/flashcrowd/test/app"), key.allowLogGroup("GroupsUnder", "/aws/rds/cluster/db/*"));
    });
    expect(arns).toEqual([`arn:aws:logs:${REGION}:${ACCOUNT}:log-group:/flashcrowd/test/app`, `arn:aws:logs:${REGION}:${ACCOUNT}:log-group:/aws/rds/cluster/db/*`]);
    const bySid = Object.fromEntries(policy!.Statement.map((s) => [s.Sid, s]));
    expect(bySid.OneGroup).toMatchObject({
      Principal: { Service: `logs.${REGION}.amazonaws.com` },
      Condition: { ArnEquals: { "kms:EncryptionContext:aws:logs:arn": arns[0] } },
    });
    expect(bySid.GroupsUnder).toMatchObject({ Condition: { ArnLike: { "kms:EncryptionContext:aws:logs:arn": arns[1] } } });
  });

  it("grants the log service of its provider's region when it lives in another region", () => {
    const [policy] = keyPolicies((stack) => {
      const provider = new AwsProvider(stack, "us-east-1", { region: "us-east-1", alias: "us_east_1" });
      new KmsKey(stack, "key", { alias: "flashcrowd-test-waf", description: "waf logs", provider }).allowLogGroup("Waf", "aws-waf-logs-test");
    });
    expect(policy!.Statement.find((s) => s.Sid === "Waf")).toMatchObject({
      Principal: { Service: "logs.us-east-1.amazonaws.com" },
      Condition: { ArnEquals: { "kms:EncryptionContext:aws:logs:arn": `arn:aws:logs:us-east-1:${ACCOUNT}:log-group:aws-waf-logs-test` } },
    });
  });

  it("refuses a second statement with the same Sid", () => {
    const { stack } = moduleStack();
    const key = new KmsKey(stack, "key", { alias: "flashcrowd-test-dup", description: "dup" });
    key.allowLogGroup("Logs", "/a");
    expect(() => key.allowLogGroup("Logs", "/b")).toThrow(/key policy already has a statement "Logs"/);
  });
});
