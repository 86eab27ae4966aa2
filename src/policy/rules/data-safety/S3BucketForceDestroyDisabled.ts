import { literalRule } from "../../check";
import { isFalse } from "../../terraform";
import type { Rule } from "../../types";

/** A destroy never empties a bucket (`force_destroy` deletes every object, every version, first). */
export const S3BucketForceDestroyDisabled: Rule = literalRule(["aws_s3_bucket"], {
  path: "force_destroy",
  want: "false",
  accept: isFalse,
  providerDefault: false,
});
