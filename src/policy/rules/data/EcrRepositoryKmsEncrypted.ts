import { literalRule } from "../../check";
import type { Rule } from "../../types";

/** Repositories are encrypted with KMS (the default is AES256 with an AWS-owned key). */
export const EcrRepositoryKmsEncrypted: Rule = literalRule(["aws_ecr_repository"], {
  path: "encryption_configuration.encryption_type",
  want: '"KMS"',
  accept: (v) => typeof v === "string" && v.startsWith("KMS"),
  providerDefault: "AES256",
});
