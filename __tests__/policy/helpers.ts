import { TerraformStack, Testing } from "cdktf";
import { expect } from "vitest";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { provideEnvironment } from "../../modules/core/environment";
import { Naming } from "../../src/core/naming";
import type { RuleId } from "../../src/policy/ids";
import { definitionOf } from "../../src/policy/pack";
import type { PolicyContext, RuleResult, RuleStatus, TerraformJson } from "../../src/policy/types";

/** A permanent, non-prod platform stack that asks for high availability. */
export function context(overrides: Partial<PolicyContext> = {}): PolicyContext {
  return { stackId: "test", kind: "platform", lifetime: "permanent", prod: false, syncTo: "prod", highAvailability: true, ...overrides };
}

export const naming = new Naming("flashcrowd", "test");

/** A stack with an AWS provider, built by `build`, as the JSON the pack reads (with `//` metadata). */
export function stackJson(build: (stack: TerraformStack) => void): TerraformJson {
  const stack = new TerraformStack(Testing.app(), "test");
  // Where the modules some cases build act, as an AwsStack would provide it.
  provideEnvironment(stack, { account: "210987654321", region: "ap-northeast-2", naming });
  new AwsProvider(stack, "aws", { region: "ap-northeast-2" });
  build(stack);
  return JSON.parse(JSON.stringify(stack.toTerraform())) as TerraformJson;
}

/** Runs one rule of the pack over a hand-built stack. */
export function check(rule: RuleId, build: (stack: TerraformStack) => void, ctx: PolicyContext = context()): RuleResult[] {
  return definitionOf(rule).rule(stackJson(build), ctx);
}

/** The result for one address (fails the test if there is not exactly one). */
export function resultFor(results: readonly RuleResult[], address: string): RuleResult {
  const matching = results.filter((r) => r.address === address);
  if (matching.length !== 1) throw new Error(`expected one result for ${address}, got ${JSON.stringify(results)}`);
  return matching[0]!;
}

/** A table case: a stack, the resource to look at, and the expected status (and message fragment). */
export interface RuleCase {
  readonly name: string;
  readonly build: (stack: TerraformStack) => void;
  readonly address: string;
  readonly status: RuleStatus;
  readonly message?: RegExp;
  readonly ctx?: Partial<PolicyContext>;
}

/** Asserts one table case (shared by every rule's `it.each`). */
export function expectCase(rule: RuleId, c: RuleCase): void {
  const result = resultFor(check(rule, c.build, context(c.ctx)), c.address);
  expect(result.status).toBe(c.status);
  if (c.message) expect(result.message).toMatch(c.message);
}
