import type { Construct } from "constructs";
import { S3Bucket } from "../modules/data/s3-bucket";
import { Network } from "../modules/network/network";
import { KmsKey } from "../modules/security/kms-key";
import type { Config, EnvironmentConfig } from "../src/config";
import type { AddonInputs } from "../src/config/addons-contract";
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
  /**
   * What the `<env>-addons` stack needs from this platform (cluster, Pod Identity roles, Karpenter
   * queue, target groups, log destinations, alerting secrets). Undefined until the platform has
   * an EKS cluster; the app creates the add-ons stack only when it is set.
   */
  readonly addonInputs?: AddonInputs;

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

    this.network = new Network(this, "network", {
      naming: this.naming,
      accountId: env.account,
      region: env.region,
      availabilityZones: env.availabilityZones,
      ...env.network,
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
  }
}
