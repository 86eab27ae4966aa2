import { Testing, TerraformStack } from "cdktf";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { Naming } from "../../src/config/naming";

/** Account, region and naming the module tests build with. */
export const ACCOUNT = "123456789012";
export const REGION = "ap-northeast-2";

export interface ModuleStack {
  readonly stack: TerraformStack;
  readonly naming: Naming;
  /** Lazily created us-east-1 provider (alias us_east_1). */
  readonly usEast1: () => AwsProvider;
  /** Lazily created ap-northeast-1 provider (alias secondary). */
  readonly secondary: () => AwsProvider;
}

/** A bare stack with an AWS provider in ap-northeast-2 and `flashcrowd-test-*` naming, for module tests. */
export function moduleStack(): ModuleStack {
  const stack = new TerraformStack(Testing.app(), "test");
  new AwsProvider(stack, "aws", { region: REGION });
  let usEast1: AwsProvider | undefined;
  let secondary: AwsProvider | undefined;
  return {
    stack,
    naming: new Naming("flashcrowd", "test"),
    usEast1: () => (usEast1 ??= new AwsProvider(stack, "aws-us-east-1", { region: "us-east-1", alias: "us_east_1" })),
    secondary: () => (secondary ??= new AwsProvider(stack, "aws-secondary", { region: "ap-northeast-1", alias: "secondary" })),
  };
}

/** An IAM policy document as the tests read it. */
export interface PolicyJson {
  Statement: {
    Sid?: string;
    Effect: string;
    Principal?: unknown;
    Action: string | string[];
    Resource?: string | string[];
    Condition?: Record<string, Record<string, unknown>>;
  }[];
}

/** Actions of a statement as a list. */
export function actionsOf(statement: PolicyJson["Statement"][number]): string[] {
  return typeof statement.Action === "string" ? [statement.Action] : statement.Action;
}
