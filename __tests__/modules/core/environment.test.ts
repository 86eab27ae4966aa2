import { App, TerraformStack, Testing } from "cdktf";
import { Construct } from "constructs";
import { describe, expect, it } from "vitest";
import { ModuleConstruct, environmentOf, provideEnvironment, type EnvironmentOverride } from "../../../modules/core/environment";
import { KmsKey } from "../../../modules/security/kms-key";
import { AwsStack } from "../../../stacks/base/aws-stack";
import { configWith } from "../../helpers/config";
import { ACCOUNT, REGION, environmentStack, moduleStack } from "../../helpers/stack";

/** A module that only reports its environment. */
class Probe extends ModuleConstruct {
  constructor(scope: Construct, id: string, override?: EnvironmentOverride) {
    super(scope, id, override);
  }
}

describe("environmentOf", () => {
  it("finds the environment the enclosing stack provides, through any depth of constructs", () => {
    const { stack, environment } = environmentStack();
    const deep = new Construct(new Construct(stack, "a"), "b");
    expect(environmentOf(deep)).toBe(environment);
    expect(environmentOf(stack)).toBe(environment);
  });

  it("is the account, region and naming of an AwsStack's target", () => {
    const config = configWith();
    const stack = new (class extends AwsStack {})(Testing.app(), { config, stackId: "probe", environment: "probe", target: config.events.platform });
    const environment = environmentOf(new Construct(stack, "inner"));
    expect(environment).toEqual({ account: config.events.platform.account, region: config.events.platform.region, naming: stack.naming });
    expect(environment.naming.name("db")).toBe(`${config.project.name}-probe-db`);
  });

  it("fails with the construct's path and the fix when no stack provides one", () => {
    const stack = new TerraformStack(new App(), "bare");
    const lost = new Construct(new Construct(stack, "data"), "cache");
    expect(() => environmentOf(lost)).toThrowError(/^bare\/data\/cache: no stack above this construct provides a module environment.*AwsStack.*provideEnvironment\(stack/);
    expect(() => new Probe(stack, "probe")).toThrowError(/^bare\/probe: no stack above/);
  });

  it("is provided once per scope", () => {
    const { stack, environment } = environmentStack();
    expect(() => provideEnvironment(stack, environment)).toThrowError(/test: already provides a module environment/);
  });
});

describe("ModuleConstruct", () => {
  it("takes account, region and naming from its stack", () => {
    const { stack, environment } = environmentStack();
    const probe = new Probe(new Construct(stack, "group"), "probe");
    expect({ account: probe.account, region: probe.region, naming: probe.naming }).toEqual({ account: ACCOUNT, region: REGION, naming: environment.naming });
  });

  it("acts elsewhere when given an override, and so do the constructs under it", () => {
    const { stack, environment } = environmentStack();
    const waf = new Probe(stack, "waf", { region: "us-east-1" });
    expect([waf.account, waf.region, waf.naming]).toEqual([ACCOUNT, "us-east-1", environment.naming]);
    const inner = new Probe(waf, "key");
    expect([inner.account, inner.region]).toEqual([ACCOUNT, "us-east-1"]);
    const accepter = new Probe(stack, "accepter", { account: "210987654321" });
    expect([accepter.account, accepter.region]).toEqual(["210987654321", REGION]);
    // Siblings keep the stack's environment.
    expect(environmentOf(new Construct(stack, "other"))).toBe(environment);
  });

  it("puts a KMS key of another region's provider in that region, in the stack's account", () => {
    const m = moduleStack();
    const key = new KmsKey(m.stack, "copy-key", { alias: "copy", description: "copy", provider: m.secondary() });
    expect([key.account, key.region]).toEqual([ACCOUNT, "ap-northeast-1"]);
    expect(key.viaService("sqs")).toEqual({ StringEquals: { "kms:ViaService": "sqs.ap-northeast-1.amazonaws.com" } });
    expect(m.key.region).toBe(REGION);
  });

  it("shares the stack's environment when the override changes nothing", () => {
    const { stack, environment } = environmentStack();
    expect(new Probe(stack, "same", { account: ACCOUNT, region: REGION }).environment).toBe(environment);
  });
});
