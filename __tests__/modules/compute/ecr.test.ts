import { describe, expect, it } from "vitest";
import { EcrRegistryReplication, type EcrRegistryReplicationProps } from "../../../modules/compute/ecr-registry-replication";
import { EcrRepository, ecrLifecyclePolicy, type EcrRepositoryProps } from "../../../modules/compute/ecr-repository";
import { KmsKey } from "../../../modules/security/kms-key";
import { listOf, parseJsonAttribute, synthJson, type TerraformJson } from "../../helpers/synth";
import { ACCOUNT, moduleStack, type PolicyJson } from "../../helpers/stack";

interface LifecyclePolicy {
  rules: { rulePriority: number; selection: Record<string, unknown>; action: { type: string } }[];
}

function synthRepository(props: Partial<EcrRepositoryProps> = {}): TerraformJson {
  const { stack } = moduleStack();
  const kmsKey = new KmsKey(stack, "key", { alias: "ecr", description: "ecr" });
  new EcrRepository(stack, "repo", { name: "flashcrowd/test/web", kmsKey, ...props });
  return synthJson(stack);
}

function synthReplication(props: Partial<EcrRegistryReplicationProps> = {}): TerraformJson {
  const { stack, secondary } = moduleStack();
  new EcrRegistryReplication(stack, "replication", {
    destinationRegion: "ap-northeast-1",
    destinationProvider: secondary(),
    namespace: "flashcrowd",
    ...props,
  });
  return synthJson(stack);
}

describe("EcrRepository defaults", () => {
  const json = synthRepository();
  const repo = listOf(json, "aws_ecr_repository")[0]!;

  it("has immutable tags, scans on push, is KMS-encrypted and is not force-deleted", () => {
    expect(repo).toEqual(
      expect.objectContaining({
        name: "flashcrowd/test/web",
        image_tag_mutability: "IMMUTABLE",
        image_scanning_configuration: { scan_on_push: true },
        encryption_configuration: [{ encryption_type: "KMS", kms_key: expect.stringMatching(/^\$\{aws_kms_key\.key_[A-Z0-9]+\.arn\}$/) }],
        force_delete: false,
      }),
    );
  });

  it("expires untagged images after 14 days and keeps the newest 50 tagged ones", () => {
    const policy = parseJsonAttribute<LifecyclePolicy>(listOf(json, "aws_ecr_lifecycle_policy")[0]!.policy);
    expect(policy.rules).toEqual([
      expect.objectContaining({ rulePriority: 1, selection: { tagStatus: "untagged", countType: "sinceImagePushed", countUnit: "days", countNumber: 14 }, action: { type: "expire" } }),
      expect.objectContaining({ rulePriority: 2, selection: { tagStatus: "tagged", tagPatternList: ["*"], countType: "imageCountMoreThan", countNumber: 50 }, action: { type: "expire" } }),
    ]);
  });
});

describe("EcrRepository options", () => {
  it("takes the lifecycle numbers from props", () => {
    const policy = parseJsonAttribute<LifecyclePolicy>(ecrLifecyclePolicy({ untaggedExpireDays: 3, keepTaggedImages: 7 }));
    expect(policy.rules.map((r) => r.selection.countNumber)).toEqual([3, 7]);
    const json = synthRepository({ untaggedExpireDays: 3, keepTaggedImages: 7 });
    expect(listOf(json, "aws_ecr_lifecycle_policy")[0]!.policy).toBe(ecrLifecyclePolicy({ untaggedExpireDays: 3, keepTaggedImages: 7 }));
  });

  it("allows mutable tags and force deletion only when asked", () => {
    const repo = listOf(synthRepository({ mutableTags: true, forceDelete: true }), "aws_ecr_repository")[0]!;
    expect(repo).toEqual(expect.objectContaining({ image_tag_mutability: "MUTABLE", force_delete: true }));
  });
});

describe("EcrRegistryReplication", () => {
  const json = synthReplication();

  it("is one registry-wide configuration with one rule copying every project repository to the secondary region", () => {
    expect(listOf(json, "aws_ecr_replication_configuration")).toEqual([
      expect.objectContaining({
        replication_configuration: {
          rule: [
            {
              destination: [{ region: "ap-northeast-1", registry_id: ACCOUNT }],
              repository_filter: [{ filter: "flashcrowd/", filter_type: "PREFIX_MATCH" }],
            },
          ],
        },
      }),
    ]);
    expect(listOf(json, "aws_ecr_replication_configuration")[0]!.provider).toBeUndefined();
  });

  it("creates replica repositories in the secondary region with immutable tags, lifecycle and a KMS key there", () => {
    const [template] = listOf(json, "aws_ecr_repository_creation_template");
    expect(template).toEqual(
      expect.objectContaining({
        provider: "aws.secondary",
        prefix: "flashcrowd",
        applied_for: ["REPLICATION"],
        image_tag_mutability: "IMMUTABLE",
        lifecycle_policy: ecrLifecyclePolicy(),
        encryption_configuration: [{ encryption_type: "KMS", kms_key: expect.stringMatching(/^\$\{aws_kms_key\.replication_replica-key_[A-Z0-9]+\.arn\}$/) }],
        custom_role_arn: expect.stringContaining("aws_iam_role.replication_creation-role_"),
      }),
    );
    expect(listOf(json, "aws_kms_key")[0]!.provider).toBe("aws.secondary");
  });

  it("lets ECR's creation role create only project repositories and use only the replica key", () => {
    const policy = parseJsonAttribute<PolicyJson>(listOf(json, "aws_iam_role_policy")[0]!.policy);
    expect(policy.Statement.find((s) => s.Sid === "CreateReplicaRepositories")!.Resource).toBe(`arn:aws:ecr:ap-northeast-1:${ACCOUNT}:repository/flashcrowd/*`);
    expect(policy.Statement.find((s) => s.Sid === "UseReplicaKey")!.Resource).toMatch(/^\$\{aws_kms_key\.replication_replica-key_[A-Z0-9]+\.arn\}$/);
    const trust = parseJsonAttribute<PolicyJson>(listOf(json, "aws_iam_role")[0]!.assume_role_policy);
    expect(trust.Statement[0]!.Principal).toEqual({ Service: "ecr.amazonaws.com" });
  });

  it("uses the configured lifecycle for replicas too", () => {
    const template = listOf(synthReplication({ untaggedExpireDays: 5, keepTaggedImages: 9 }), "aws_ecr_repository_creation_template")[0]!;
    expect(template.lifecycle_policy).toBe(ecrLifecyclePolicy({ untaggedExpireDays: 5, keepTaggedImages: 9 }));
  });

  it.each([["flashcrowd/"], ["Flashcrowd"], [""]])("rejects the namespace %j", (namespace) => {
    expect(() => synthReplication({ namespace })).toThrow(/must be a single lowercase path segment/);
  });
});
