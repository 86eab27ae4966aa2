import type { Construct } from "constructs";
import { AwsLoadBalancerControllerRole } from "../modules/compute/aws-load-balancer-controller-role";
import { EksCluster } from "../modules/compute/eks-cluster";
import { FluentBitRole } from "../modules/compute/fluent-bit-role";
import { Karpenter } from "../modules/compute/karpenter";
import { S3Bucket } from "../modules/data/s3-bucket";
import { Network } from "../modules/network/network";
import { KmsKey } from "../modules/security/kms-key";
import type { Config, EnvironmentConfig } from "../src/config";
import { AwsStack } from "../src/core/aws-stack";

export interface PlatformStackProps {
  readonly config: Config;
  /** Key of `config.environments`; also the stack id (`prod`, `dev`, ...). */
  readonly environmentId: string;
}

/** A permanent platform (prod, dev, staging...): one per entry of `config.environments`. */
export class PlatformStack extends AwsStack {
  readonly environmentId: string;
  readonly env: EnvironmentConfig;
  readonly network: Network;
  /** Customer-managed key for the platform's data at rest (databases, caches, buckets, queues, topics). */
  readonly dataKey: KmsKey;
  /**
   * The environment's log bucket (SSE-S3, because ALB and S3 access-log delivery cannot use a
   * customer key): ALB and CloudFront logs and every other bucket's server access logs.
   */
  readonly logsBucket: S3Bucket;

  // --- Kubernetes, edge and images (EKS, ALB, CloudFront + WAF, ECR) ---
  readonly eks: EksCluster;
  readonly karpenter: Karpenter;
  readonly loadBalancerController: AwsLoadBalancerControllerRole;
  readonly fluentBit: FluentBitRole;

  constructor(scope: Construct, props: PlatformStackProps) {
    const env = props.config.environments[props.environmentId];
    if (!env) throw new Error(`unknown environment "${props.environmentId}"`);
    super(scope, {
      config: props.config,
      stackId: props.environmentId,
      environment: props.environmentId,
      target: env,
    });
    this.environmentId = props.environmentId;
    this.env = env;

    const clusterName = this.naming.name("eks", 100);
    this.network = new Network(this, "network", {
      naming: this.naming,
      accountId: env.account,
      region: env.region,
      availabilityZones: env.availabilityZones,
      ...env.network,
      // Karpenter launches nodes into the subnets carrying its discovery tag.
      subnetTags: { private: { "karpenter.sh/discovery": clusterName } },
    });

    this.dataKey = new KmsKey(this, "data-key", {
      alias: this.naming.name("data"),
      description: `Encrypts data at rest of ${this.naming.workspace}`,
      accountId: env.account,
    });

    this.logsBucket = new S3Bucket(this, "logs-bucket", {
      bucketName: this.naming.name(`logs-${env.account}`, 63),
      accountId: env.account,
      encryption: "s3-managed",
      lifecycle: {
        transitionToGlacierDays: env.logs.transitionToGlacierDays,
        expireDays: env.logs.expireDays,
        noncurrentExpireDays: 30,
      },
    });
    this.logsBucket.allowServerAccessLogDelivery();


    // ------------------------------------------------------------------------------------------
    // Kubernetes: EKS with its system node group and core add-ons, Karpenter's AWS side, and the
    // Pod Identity roles of the add-ons the `<env>-addons` stack installs.
    // ------------------------------------------------------------------------------------------
    const common = { naming: this.naming, accountId: env.account, region: env.region };
    this.eks = new EksCluster(this, "eks", {
      ...common,
      clusterName,
      version: env.eks.version,
      vpcId: this.network.vpc.id,
      subnetIds: this.network.subnetIds("private"),
      publicAccessCidrs: env.eks.endpoint.publicAccess ? env.eks.endpoint.publicAccessCidrs : [],
      adminPrincipalArns: env.eks.adminPrincipalArns,
      systemNodeGroup: env.eks.systemNodeGroup,
      addonVersions: env.eks.addonVersions,
      logRetentionDays: env.eks.logRetentionDays,
    });
    this.karpenter = new Karpenter(this, "karpenter", { ...common, cluster: this.eks });
    this.loadBalancerController = new AwsLoadBalancerControllerRole(this, "aws-load-balancer-controller", { ...common, cluster: this.eks });
    this.fluentBit = new FluentBitRole(this, "fluent-bit", {
      ...common,
      cluster: this.eks,
      logRetentionDays: env.eks.logRetentionDays,
      archive: { bucket: this.logsBucket, prefix: "eks-containers/" },
    });
  }
}
