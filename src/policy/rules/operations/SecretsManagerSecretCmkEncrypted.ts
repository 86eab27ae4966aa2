import { mustBeSet } from "../../check";
import { resourcesOf } from "../../terraform";
import type { Rule } from "../../types";

/** Secrets are encrypted with a customer-managed key (whose policy decides who may decrypt), not aws/secretsmanager. */
export const SecretsManagerSecretCmkEncrypted: Rule = (json) =>
  resourcesOf(json, "aws_secretsmanager_secret").map((s) => mustBeSet(s, "kms_key_id", "the AWS-managed key aws/secretsmanager is used; set a customer-managed key"));
