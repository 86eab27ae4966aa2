import { Testing, TerraformStack } from "cdktf";
import { describe, expect, it } from "vitest";
import { KmsKey } from "../../modules/security/kms-key";
import { Secret } from "../../modules/security/secret";
import { resourceSuppressions } from "../../src/policy/suppress";

function synthSecret(recoveryWindowInDays?: number): Record<string, unknown> {
  const json = JSON.parse(
    Testing.synthScope((scope) => {
      const key = new KmsKey(scope, "key", { alias: "test", description: "test", accountId: "210987654321" });
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
    const stack = new TerraformStack(Testing.app(), "test");
    const key = new KmsKey(stack, "key", { alias: "test", description: "test", accountId: "210987654321" });
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
