/**
 * The add-ons stacks use the helm and kubernetes providers, which have no binary on this machine,
 * so Terraform cannot check them whole. Their AWS part (the EKS token data source, the Pod Identity
 * roles and associations, the cross-stack remote state) is checked here: terraform validate and an
 * offline plan against fixture states of the platform stacks. The Kubernetes part is checked by the
 * unit tests on the JSON.
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { findTerraform, isAwsOnly, runOfflineChecks, type StackCheck } from "../../src/ci/terraform-harness";
import { synthAppWithAddons } from "../helpers/app";
import { awsPartOf, awsPartSynthDir } from "../helpers/aws-part";

const terraform = findTerraform();
const required = Boolean(process.env.CI || process.env.REQUIRE_TERRAFORM);
const ADDON_STACKS = ["prod-addons", "dev-addons"];
const { outdir, stacks } = synthAppWithAddons();

describe("the AWS part of an add-ons stack", () => {
  it("keeps the AWS resources and data sources and drops only helm and kubernetes", () => {
    const json = stacks.get("prod-addons")!;
    const part = awsPartOf(json);
    expect(isAwsOnly(json)).toBe(false);
    expect(isAwsOnly(part)).toBe(true);
    expect(Object.keys(part.resource ?? {}).sort()).toEqual(["aws_eks_pod_identity_association", "aws_iam_role", "aws_iam_role_policy", "aws_iam_role_policy_attachment"]);
    expect(Object.keys(part.data ?? {}).sort()).toEqual(["aws_eks_cluster_auth", "terraform_remote_state"]);
    expect(Object.keys(part.provider ?? {})).toEqual(["aws"]);
  });

  it("is checked wherever Terraform is required", () => {
    expect(required && !terraform).toBe(false);
  });
});

describe.skipIf(!terraform)("terraform validate and offline plan of the add-ons stacks' AWS part", () => {
  let results: Map<string, StackCheck>;

  beforeAll(async () => {
    const synthDir = awsPartSynthDir(outdir, ADDON_STACKS, ["prod", "dev"]);
    const checks = await runOfflineChecks({ synthDir, workDir: mkdtempSync(join(tmpdir(), "flashcrowd-tf-addons-")), terraform, stacks: ADDON_STACKS });
    results = new Map(checks.map((c) => [c.stack, c]));
  }, 10 * 60_000);

  it.each(ADDON_STACKS)("%s validates and plans its roles and Pod Identity associations", (stack) => {
    const result = results.get(stack)!;
    expect(result.error ?? "").toBe("");
    expect(result.validated).toBe(true);
    expect(result.planned).toBe(true);
    // Two roles, the External Secrets policy, the EBS CSI managed policy attachment, two associations.
    expect(result.plannedResources).toBe(6);
  });
});
