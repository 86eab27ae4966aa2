import { Testing, TerraformStack } from "cdktf";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { provideEnvironment, type ModuleEnvironment } from "../../modules/core/environment";
import { KmsKey } from "../../modules/security/kms-key";
import { Naming } from "../../src/core/naming";
import { listOf, parseJsonAttribute, type TerraformJson } from "./synth";

/** Account, region, zones and naming the module tests build with. */
export const ACCOUNT = "123456789012";
export const REGION = "ap-northeast-2";
export const AZS = ["ap-northeast-2a", "ap-northeast-2b", "ap-northeast-2c"] as const;

export interface ModuleStack {
  readonly stack: TerraformStack;
  /** Names `flashcrowd-test-*`. */
  readonly naming: Naming;
  /** A KMS key (alias `test`), created the first time it is read. */
  readonly key: KmsKey;
  /** Lazily created us-east-1 provider (alias us_east_1). */
  readonly usEast1: () => AwsProvider;
  /** Lazily created ap-northeast-1 provider (alias secondary). */
  readonly secondary: () => AwsProvider;
}

/** The environment module tests build in: account 123456789012, ap-northeast-2, names `flashcrowd-test-*`. */
export function testEnvironment(overrides: Partial<ModuleEnvironment> = {}): ModuleEnvironment {
  return { account: ACCOUNT, region: REGION, naming: new Naming("flashcrowd", "test"), ...overrides };
}

/**
 * A bare stack providing the module environment ({@link testEnvironment}, with `overrides`) and an
 * AWS provider in its region, as an `AwsStack` would.
 */
export function environmentStack(overrides: Partial<ModuleEnvironment> = {}): { stack: TerraformStack; environment: ModuleEnvironment } {
  const environment = testEnvironment(overrides);
  const stack = new TerraformStack(Testing.app(), "test");
  provideEnvironment(stack, environment);
  new AwsProvider(stack, "aws", { region: environment.region });
  return { stack, environment };
}

/** A bare stack with an AWS provider in ap-northeast-2 and the test environment, for module tests. */
export function moduleStack(overrides: Partial<ModuleEnvironment> = {}): ModuleStack {
  const { stack, environment } = environmentStack(overrides);
  let key: KmsKey | undefined;
  let usEast1: AwsProvider | undefined;
  let secondary: AwsProvider | undefined;
  return {
    stack,
    naming: environment.naming,
    get key() {
      return (key ??= new KmsKey(stack, "key", { alias: "test", description: "test" }));
    },
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

/** Statements of every resource of `type`'s JSON `attribute` (policies). */
export function statementsOf(json: TerraformJson, type: string, attribute = "policy"): PolicyJson["Statement"] {
  return listOf(json, type).flatMap((r) => parseJsonAttribute<PolicyJson>(r[attribute]).Statement);
}

/** `${aws_type.<id>.<attr>}` reference pattern for `toMatch`. */
export function ref(type: string, attribute: string): RegExp {
  return new RegExp(`^\\$\\{${type}\\.[A-Za-z0-9_-]+\\.${attribute.replace(/[[\]]/g, "\\$&")}\\}$`);
}
