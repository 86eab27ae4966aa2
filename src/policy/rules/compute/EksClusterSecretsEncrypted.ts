import { compliant, nonCompliant } from "../../check";
import { attribute, blocks, isBlank, resourcesOf, stringList } from "../../terraform";
import type { Rule } from "../../types";

/** Kubernetes secrets are envelope-encrypted with a KMS key (`encryption_config` for `secrets`). */
export const EksClusterSecretsEncrypted: Rule = (json) =>
  resourcesOf(json, "aws_eks_cluster").map((cluster) => {
    const configs = blocks(cluster.config.encryption_config);
    if (configs.length === 0) return nonCompliant(cluster, "encryption_config is not set: secrets are stored without envelope encryption");
    const forSecrets = configs.find((c) => stringList(c.resources).includes("secrets"));
    if (!forSecrets) return nonCompliant(cluster, 'encryption_config does not list "secrets" in resources');
    if (isBlank(attribute(forSecrets, "provider.key_arn"))) return nonCompliant(cluster, "encryption_config.provider.key_arn is not set");
    return compliant(cluster, "secrets encrypted with a KMS key");
  });
