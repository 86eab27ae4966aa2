import type { Construct } from "constructs";
import { Network } from "../modules/network/network";
import type { TfcWorkloadIdentity } from "../modules/security/tfc-workload-identity";
import type { Config } from "../src/config";
import { AwsStack } from "../src/core/aws-stack";
import { attachTfcWorkloadIdentity } from "../src/core/tfc-identity";

export interface PlatformStackProps {
  readonly config: Config;
  /** Key of `config.environments`; also the stack id (`prod`, `dev`, ...). */
  readonly environmentId: string;
}

/** A permanent platform (prod, dev, staging...): one per entry of `config.environments`. */
export class PlatformStack extends AwsStack {
  readonly network: Network;
  /** Terraform Cloud OIDC provider and run roles, on the first environment of each AWS account. */
  readonly tfcIdentity?: TfcWorkloadIdentity;

  constructor(scope: Construct, props: PlatformStackProps) {
    const env = props.config.environments[props.environmentId];
    if (!env) throw new Error(`unknown environment "${props.environmentId}"`);
    super(scope, {
      config: props.config,
      stackId: props.environmentId,
      environment: props.environmentId,
      target: env,
    });

    this.network = new Network(this, "network", {
      naming: this.naming,
      accountId: env.account,
      region: env.region,
      availabilityZones: env.availabilityZones,
      ...env.network,
    });

    // Terraform Cloud dynamic credentials: the OIDC provider and the run role of every workspace
    // that applies into this account, when this stack is the account's host (see StackCatalog).
    this.tfcIdentity = attachTfcWorkloadIdentity(this);
  }
}
