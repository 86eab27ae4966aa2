import type { Construct } from "constructs";
import { EcrReplicationConfiguration } from "@cdktf/provider-aws/lib/ecr-replication-configuration";
import { EcrRepositoryCreationTemplate } from "@cdktf/provider-aws/lib/ecr-repository-creation-template";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
import type { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { ModuleConstruct } from "../core/environment";
import { KmsKey } from "../security/kms-key";
import { policyDocument, serviceTrustPolicy } from "../security/policy-document";
import { ecrLifecyclePolicy, type EcrImageRetention } from "./ecr-repository";

export interface EcrRegistryReplicationProps extends EcrImageRetention {
  /** Region the images are copied to. */
  readonly destinationRegion: string;
  /** Provider of `destinationRegion` (the replica key and the creation template live there). */
  readonly destinationProvider: AwsProvider;
  /**
   * Repository namespace replicated, without the trailing '/': every repository whose name starts
   * with `<namespace>/` (all of this project's repositories in the account, whichever stack made them).
   */
  readonly namespace: string;
}

/**
 * The account's registry-wide ECR replication configuration (one per account and region; exactly
 * one stack per account may hold it) with one rule copying every `<namespace>/` repository to the
 * destination region, and a repository creation template there, so replica repositories are
 * created with immutable tags, the same lifecycle and SSE-KMS under a key in the destination
 * region (without it ECR would create them with AES-256 and no lifecycle).
 */
export class EcrRegistryReplication extends ModuleConstruct {
  readonly configuration: EcrReplicationConfiguration;
  readonly replicaKey: KmsKey;

  constructor(scope: Construct, id: string, props: EcrRegistryReplicationProps) {
    super(scope, id);
    const { naming, account: accountId } = this;
    if (!/^[a-z0-9][a-z0-9._-]*$/.test(props.namespace)) {
      throw new Error(`${this.node.path}: namespace "${props.namespace}" must be a single lowercase path segment (no '/')`);
    }
    this.configuration = new EcrReplicationConfiguration(this, "configuration", {
      replicationConfiguration: {
        rule: [
          {
            destination: [{ region: props.destinationRegion, registryId: accountId }],
            repositoryFilter: [{ filter: `${props.namespace}/`, filterType: "PREFIX_MATCH" }],
          },
        ],
      },
    });

    const provider = props.destinationProvider;
    this.replicaKey = new KmsKey(this, "replica-key", {
      provider,
      alias: naming.name("ecr-replicas"),
      description: `Encrypts the ECR replicas of ${naming.workspace} in ${props.destinationRegion}`,
    });
    // ECR needs a role of ours to create KMS-encrypted repositories from a template.
    const role = new IamRole(this, "creation-role", {
      name: naming.name("ecr-replica-creation"),
      description: `Lets ECR create the replica repositories of ${naming.workspace} in ${props.destinationRegion}`,
      assumeRolePolicy: serviceTrustPolicy("ecr.amazonaws.com", accountId),
    });
    new IamRolePolicy(this, "creation-policy", {
      role: role.id,
      name: "create-replica-repositories",
      policy: policyDocument([
        {
          sid: "CreateReplicaRepositories",
          actions: ["ecr:CreateRepository", "ecr:ReplicateImage", "ecr:TagResource"],
          resources: [`arn:aws:ecr:${props.destinationRegion}:${accountId}:repository/${props.namespace}/*`],
        },
        { sid: "UseReplicaKey", actions: ["kms:CreateGrant", "kms:RetireGrant", "kms:DescribeKey"], resources: [this.replicaKey.arn] },
      ]),
    });
    new EcrRepositoryCreationTemplate(this, "template", {
      provider,
      // ECR appends the '/': this matches `<namespace>/...`.
      prefix: props.namespace,
      description: `Replicas of ${props.namespace}/ repositories`,
      appliedFor: ["REPLICATION"],
      imageTagMutability: "IMMUTABLE",
      encryptionConfiguration: [{ encryptionType: "KMS", kmsKey: this.replicaKey.arn }],
      lifecyclePolicy: ecrLifecyclePolicy(props),
      customRoleArn: role.arn,
    });
  }
}
