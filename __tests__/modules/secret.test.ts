import { Testing } from "cdktf";
import { describe, expect, it } from "vitest";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { provideEnvironment } from "../../modules/core/environment";
import { AccountPrincipal, RolePrincipal } from "../../modules/core/grant";
import { KmsKey } from "../../modules/security/kms-key";
import { Secret } from "../../modules/security/secret";
import { resourceSuppressions } from "../../src/policy/suppress";
import { environmentStack, testEnvironment } from "../helpers/stack";

function synthSecret(recoveryWindowInDays?: number): Record<string, unknown> {
  const json = JSON.parse(
    Testing.synthScope((scope) => {
      provideEnvironment(scope, testEnvironment({ account: "210987654321" }));
      const key = new KmsKey(scope, "key", { alias: "test", description: "test" });
      new Secret(scope, "token", { name: "flashcrowd/control/tfc-token", description: "token", key, recoveryWindowInDays, issuer: "Terraform Cloud" });
    }),
  ) as { resource: Record<string, Record<string, Record<string, unknown>>> };
  expect(json.resource.aws_secretsmanager_secret_version).toBeUndefined();
  return Object.values(json.resource.aws_secretsmanager_secret!)[0]!;
}

describe("Secret", () => {
  it("is KMS-encrypted, keeps 30 days to recover by default, and holds no value in Terraform", () => {
    expect(synthSecret()).toMatchObject({ name: "flashcrowd/control/tfc-token", recovery_window_in_days: 30, kms_key_id: expect.stringMatching(/aws_kms_key/) });
  });

  it("records who rotates the value as the reason the rotation rule does not apply", () => {
    const { stack } = environmentStack({ account: "210987654321" });
    const key = new KmsKey(stack, "key", { alias: "test", description: "test" });
    new Secret(stack, "token", { name: "flashcrowd/control/tfc-token", description: "token", key, issuer: "Terraform Cloud" });
    const json = JSON.parse(JSON.stringify(stack.toTerraform())) as { resource: Record<string, Record<string, Record<string, unknown>>> };
    const secret = Object.values(json.resource.aws_secretsmanager_secret!)[0]!;
    expect(resourceSuppressions(secret)).toEqual([{ rule: "SECRET-ROTATION", reason: "issued and rotated outside AWS by Terraform Cloud" }]);
  });

  it.each([
    [0, "recoveryWindowInDays must be a whole number from 7 to 30, got 0"],
    [6, "recoveryWindowInDays must be a whole number from 7 to 30, got 6"],
    [31, "recoveryWindowInDays must be a whole number from 7 to 30, got 31"],
    [7.5, "recoveryWindowInDays must be a whole number from 7 to 30, got 7.5"],
  ])("rejects a recovery window of %s days", (days, message) => {
    expect(() => synthSecret(days)).toThrow(message);
  });
});

describe("Secret read by a role of this app", () => {
  const json = JSON.parse(
    Testing.synthScope((scope) => {
      provideEnvironment(scope, testEnvironment({ account: "210987654321" }));
      new AwsProvider(scope, "aws", { region: "ap-northeast-2" });
      const key = new KmsKey(scope, "key", { alias: "test", description: "test" });
      const secret = new Secret(scope, "tfc-token", { name: "flashcrowd/control/tfc-token", description: "token", key, issuer: "Terraform Cloud" });
      const grant = secret.grantRead(new RolePrincipal(new IamRole(scope, "runner", { name: "runner", assumeRolePolicy: "{}" })));
      expect(grant.resourceStatements).toEqual([]);
    }),
  ) as { resource: Record<string, Record<string, Record<string, unknown>>> };

  it("adds GetSecretValue and decryption through Secrets Manager to the role, and no resource policy", () => {
    expect(json.resource.aws_secretsmanager_secret_policy).toBeUndefined();
    const [policy] = Object.values(json.resource.aws_iam_role_policy!);
    expect(JSON.parse(policy!.policy as string).Statement).toEqual([
      { Sid: "Readtfctoken", Effect: "Allow", Action: "secretsmanager:GetSecretValue", Resource: expect.stringMatching(/aws_secretsmanager_secret\.tfc-token_secret_/) },
      {
        Sid: "Decrypttfctoken",
        Effect: "Allow",
        Action: "kms:Decrypt",
        Resource: expect.stringMatching(/^\$\{aws_kms_key\.key_[A-F0-9]{8}\.arn\}$/),
        Condition: { StringEquals: { "kms:ViaService": "secretsmanager.ap-northeast-2.amazonaws.com" } },
      },
    ]);
  });
});

describe("Secret read from another account", () => {
  const json = JSON.parse(
    Testing.synthScope((scope) => {
      provideEnvironment(scope, testEnvironment({ account: "210987654321" }));
      new AwsProvider(scope, "aws", { region: "ap-northeast-2" });
      const key = new KmsKey(scope, "key", { alias: "test", description: "test" });
      const secret = new Secret(scope, "dms-target", { name: "flashcrowd/prod/dms-target", description: "dms", key, issuer: "the DBAs" });
      const events = new AccountPrincipal("510987654321", { principalArnLike: "arn:aws:iam::510987654321:role/flashcrowd-event-*-dms-secrets" });
      const grant = secret.grantRead(events);
      expect(grant.principalStatements).toEqual([]);
      expect(grant.resourceStatements.map((s) => s.sid)).toEqual(["ReadFromAccount", "dmstargetReadFrom510987654321"]);
      expect(() => secret.grantRead(new AccountPrincipal("610987654321"))).toThrow(/dms-target: the secret's resource policy already grants another account; one account per secret/);
    }),
  ) as { resource: Record<string, Record<string, Record<string, unknown>>> };
  type Statement = { Sid?: string; Principal?: unknown; Action: string | string[]; Condition?: Record<string, Record<string, string>> };
  const secretPolicy = JSON.parse(Object.values(json.resource.aws_secretsmanager_secret_policy!)[0]!.policy as string) as { Statement: Statement[] };
  const keyPolicy = JSON.parse(Object.values(json.resource.aws_kms_key!)[0]!.policy as string) as { Statement: Statement[] };
  const onlyDmsRoles = { "aws:PrincipalArn": "arn:aws:iam::510987654321:role/flashcrowd-event-*-dms-secrets" };

  it("lets only the matching roles of that account read the value, and blocks public policies", () => {
    expect(Object.values(json.resource.aws_secretsmanager_secret_policy!)[0]!.block_public_policy).toBe(true);
    expect(secretPolicy.Statement).toEqual([
      expect.objectContaining({ Principal: { AWS: "arn:aws:iam::510987654321:root" }, Action: "secretsmanager:GetSecretValue", Condition: { ArnLike: onlyDmsRoles } }),
    ]);
  });

  it("lets them decrypt it through Secrets Manager only", () => {
    expect(keyPolicy.Statement.find((s) => s.Sid === "dmstargetReadFrom510987654321")).toEqual(
      expect.objectContaining({
        Action: "kms:Decrypt",
        Condition: { ArnLike: onlyDmsRoles, StringEquals: { "kms:ViaService": "secretsmanager.ap-northeast-2.amazonaws.com" } },
      }),
    );
  });
});
