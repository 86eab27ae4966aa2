import { Construct } from "constructs";
import { EcrLifecyclePolicy } from "@cdktf/provider-aws/lib/ecr-lifecycle-policy";
import { EcrRepository as EcrRepositoryResource } from "@cdktf/provider-aws/lib/ecr-repository";
import type { KmsKey } from "../security/kms-key";

/** How long images are kept. */
export interface EcrImageRetention {
  /** Untagged images are deleted this many days after push. @default 14 */
  readonly untaggedExpireDays?: number;
  /** Only the newest this-many tagged images are kept. @default 50 */
  readonly keepTaggedImages?: number;
}

/** An ECR lifecycle policy: expire untagged images after N days, keep the newest N tagged ones. */
export function ecrLifecyclePolicy(retention: EcrImageRetention = {}): string {
  return JSON.stringify({
    rules: [
      {
        rulePriority: 1,
        description: `Expire untagged images ${retention.untaggedExpireDays ?? 14} days after push`,
        selection: { tagStatus: "untagged", countType: "sinceImagePushed", countUnit: "days", countNumber: retention.untaggedExpireDays ?? 14 },
        action: { type: "expire" },
      },
      {
        rulePriority: 2,
        description: `Keep the newest ${retention.keepTaggedImages ?? 50} tagged images`,
        selection: { tagStatus: "tagged", tagPatternList: ["*"], countType: "imageCountMoreThan", countNumber: retention.keepTaggedImages ?? 50 },
        action: { type: "expire" },
      },
    ],
  });
}

export interface EcrRepositoryProps extends EcrImageRetention {
  /** Full repository name, `{project}/{stack}/{name}` so the registry's replication rule and creation template cover it. */
  readonly name: string;
  /** Customer key that encrypts the images. */
  readonly kmsKey: KmsKey;
  /**
   * Let a tag be pushed again with different content.
   * @default false - tags are immutable: a deployed tag always means the same image
   */
  readonly mutableTags?: boolean;
  /**
   * Let `terraform destroy` delete a repository that still holds images.
   * @default false
   */
  readonly forceDelete?: boolean;
}

/**
 * A private ECR repository: immutable tags, basic scan on push, SSE-KMS with a customer key, and a
 * lifecycle policy that removes untagged images after some days and keeps only the newest tagged ones.
 */
export class EcrRepository extends Construct {
  readonly repository: EcrRepositoryResource;

  constructor(scope: Construct, id: string, props: EcrRepositoryProps) {
    super(scope, id);
    this.repository = new EcrRepositoryResource(this, "repository", {
      name: props.name,
      imageTagMutability: props.mutableTags ? "MUTABLE" : "IMMUTABLE",
      imageScanningConfiguration: { scanOnPush: true },
      encryptionConfiguration: [{ encryptionType: "KMS", kmsKey: props.kmsKey.arn }],
      forceDelete: props.forceDelete ?? false,
    });
    new EcrLifecyclePolicy(this, "lifecycle", {
      repository: this.repository.name,
      policy: ecrLifecyclePolicy(props),
    });
  }

  get repositoryUrl(): string {
    return this.repository.repositoryUrl;
  }

  get arn(): string {
    return this.repository.arn;
  }
}
