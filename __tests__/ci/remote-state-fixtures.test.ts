import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { App } from "cdktf";
import { describe, expect, it } from "vitest";
import { SecurityGroup } from "@cdktf/provider-aws/lib/security-group";
import { VpcSecurityGroupIngressRule } from "@cdktf/provider-aws/lib/vpc-security-group-ingress-rule";
import type { TerraformJson } from "../../src/core/terraform-json";
import { fixtureStateFor, fixtureValue } from "../../src/ci/remote-state-fixtures";
import { findTerraform, prepareStack, runOfflineChecks } from "../../src/ci/terraform-harness";
import { AwsStack } from "../../stacks/base/aws-stack";
import { PlatformStack } from "../../stacks/platform-stack";
import { fixtureConfig } from "../helpers/fixture-config";

const ctx = { account: "210987654321", region: "ap-northeast-2" };
const producer: TerraformJson = {
  resource: {
    aws_vpc: { main: { cidr_block: "10.0.0.0/16" } },
    aws_subnet: { a: { cidr_block: "${cidrsubnet(aws_vpc.main.cidr_block, 8, 1)}" } },
  },
  output: {
    "cross-stack-output-aws_vpcmaincidr_block": { value: "${aws_vpc.main.cidr_block}", sensitive: true },
    "cross-stack-output-aws_vpcmainid": { value: "${aws_vpc.main.id}", sensitive: true },
  },
};

describe("fixture values", () => {
  it("uses the literal the producer configured", () => {
    expect(fixtureValue("${aws_vpc.main.cidr_block}", producer, ctx)).toBe("10.0.0.0/16");
  });

  it("fakes a well-formed value when the producer's value is computed", () => {
    expect(fixtureValue("${aws_subnet.a.cidr_block}", producer, ctx)).toBe("10.255.0.0/16");
    expect(fixtureValue("${aws_vpc.main.id}", producer, ctx)).toMatch(/^vpc-0[0-9a-f]{16}$/);
    expect(fixtureValue("${aws_iam_role.r.arn}", producer, ctx)).toBe("arn:aws:iam::210987654321:role/r");
    expect(fixtureValue("${aws_rds_cluster.db.arn}", producer, ctx)).toBe("arn:aws:rds:ap-northeast-2:210987654321:cluster:db");
  });

  it("builds lists element by element", () => {
    expect(fixtureValue("${[aws_vpc.main.cidr_block, aws_vpc.main.cidr_block]}", producer, ctx)).toEqual(["10.0.0.0/16", "10.0.0.0/16"]);
  });

  it("writes a version-4 state with typed, sensitive outputs", () => {
    const state = fixtureStateFor(producer, ctx) as { version: number; outputs: Record<string, { value: unknown; type: unknown; sensitive?: boolean }> };
    expect(state.version).toBe(4);
    expect(state.outputs["cross-stack-output-aws_vpcmaincidr_block"]).toEqual({ value: "10.0.0.0/16", type: "string", sensitive: true });
  });
});

class ConsumerStack extends AwsStack {
  constructor(app: App, prod: PlatformStack) {
    const config = fixtureConfig();
    super(app, { config, stackId: "consumer", environment: "prod", target: config.environments.prod! });
    const sg = new SecurityGroup(this, "sg", { name: "consumer", description: "reads prod's VPC", vpcId: prod.network.vpc.id });
    new VpcSecurityGroupIngressRule(this, "from-prod", {
      securityGroupId: sg.id,
      description: "MySQL from prod's VPC",
      ipProtocol: "tcp",
      fromPort: 3306,
      toPort: 3306,
      cidrIpv4: prod.network.vpc.cidrBlock,
    });
  }
}

function synthPair(): string {
  const outdir = mkdtempSync(join(tmpdir(), "flashcrowd-xstack-"));
  const app = new App({ outdir });
  const prod = new PlatformStack(app, { config: fixtureConfig(), environmentId: "prod" });
  new ConsumerStack(app, prod);
  app.synth();
  return outdir;
}

describe("a consumer of cross-stack references", () => {
  const synthDir = synthPair();

  it("reads the producer through a local fixture state once prepared", () => {
    const dir = mkdtempSync(join(tmpdir(), "flashcrowd-prep-"));
    prepareStack(synthDir, "consumer", dir);
    const json = JSON.parse(readFileSync(join(dir, "cdk.tf.json"), "utf8")) as TerraformJson;
    expect(json.terraform).not.toHaveProperty("cloud");
    const source = json.data!.terraform_remote_state!["cross-stack-reference-input-prod"]!;
    expect(source.backend).toBe("local");
    const state = JSON.parse(readFileSync((source.config as { path: string }).path, "utf8")) as { outputs: Record<string, { value: unknown }> };
    expect(Object.values(state.outputs).map((o) => o.value)).toContain("10.0.0.0/16");
  });

  it.skipIf(!findTerraform())("validates and plans offline", async () => {
    const [result] = await runOfflineChecks({ synthDir, workDir: mkdtempSync(join(tmpdir(), "flashcrowd-tf-")), stacks: ["consumer"] });
    expect(result!.error ?? "").toBe("");
    expect(result!.planned).toBe(true);
  }, 180_000);
});
