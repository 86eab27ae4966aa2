import { compliant, nonCompliant } from "../../check";
import { partnersOf, resourcesOf } from "../../terraform";
import type { Rule } from "../../types";

/**
 * Secrets we issue are rotated (`aws_secretsmanager_secret_rotation`). A secret issued by someone
 * else (a Terraform Cloud token, a Slack webhook) cannot be rotated here: suppress with that reason.
 */
export const SecretsManagerSecretRotationEnabled: Rule = (json) =>
  resourcesOf(json, "aws_secretsmanager_secret").map((secret) => {
    const rotation = partnersOf(json, "aws_secretsmanager_secret_rotation", "secret_id", secret, "name");
    return rotation.length > 0 ? compliant(secret, `rotated by ${rotation[0]!.address}`) : nonCompliant(secret, "no aws_secretsmanager_secret_rotation for this secret");
  });
