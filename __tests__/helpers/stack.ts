import { Testing, TerraformStack } from "cdktf";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { KmsKey } from "../../modules/security/kms-key";
import { Naming } from "../../src/config/naming";
import { listOf, parseJsonAttribute, type TerraformJson } from "./synth";

export const ACCOUNT = "123456789012";
export const REGION = "ap-northeast-2";
export const AZS = ["ap-northeast-2a", "ap-northeast-2b", "ap-northeast-2c"] as const;

/** A bare stack with an AWS provider, the naming of stack `test` and a KMS key, for module tests. */
export function moduleStack(): { stack: TerraformStack; naming: Naming; key: KmsKey } {
  const stack = new TerraformStack(Testing.app(), "test");
  new AwsProvider(stack, "aws", { region: REGION });
  const key = new KmsKey(stack, "key", { alias: "test", description: "test", accountId: ACCOUNT });
  return { stack, naming: new Naming("flashcrowd", "test"), key };
}

export interface PolicyJson {
  Statement: {
    Sid?: string;
    Effect: string;
    Principal?: unknown;
    Action: string | string[];
    Resource?: string | string[];
    Condition?: Record<string, Record<string, string | string[]>>;
  }[];
}

/** Statements of every resource of `type`'s JSON `attribute` (policies). */
export function statementsOf(json: TerraformJson, type: string, attribute = "policy"): PolicyJson["Statement"] {
  return listOf(json, type).flatMap((r) => parseJsonAttribute<PolicyJson>(r[attribute]).Statement);
}

/** `${aws_type.<id>.<attr>}` reference pattern for `toMatch`. */
export function ref(type: string, attribute: string): RegExp {
  return new RegExp(`^\\$\\{${type}\\.[A-Za-z0-9_-]+\\.${attribute.replace(/[[\]]/g, "\\$&")}\\}$`);
}
