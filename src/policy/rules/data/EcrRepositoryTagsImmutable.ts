import { literalRule } from "../../check";
import type { Rule } from "../../types";

/** Image tags cannot be overwritten, so a deployed tag always means the same image. */
export const EcrRepositoryTagsImmutable: Rule = literalRule(["aws_ecr_repository"], {
  path: "image_tag_mutability",
  want: '"IMMUTABLE"',
  accept: (v) => typeof v === "string" && v.startsWith("IMMUTABLE"),
  providerDefault: "MUTABLE",
});
