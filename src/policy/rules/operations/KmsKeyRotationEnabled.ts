import { expectLiteral, mustBeTrue, notApplicable } from "../../check";
import { resourcesOf } from "../../terraform";
import type { Rule } from "../../types";

/** Symmetric customer-managed keys rotate yearly (asymmetric and HMAC keys cannot). */
export const KmsKeyRotationEnabled: Rule = (json) =>
  resourcesOf(json, "aws_kms_key").map((key) => {
    const spec = key.config.customer_master_key_spec;
    if (spec !== undefined && spec !== "SYMMETRIC_DEFAULT") return notApplicable(key, `${String(spec)} keys do not support automatic rotation`);
    return expectLiteral(key, mustBeTrue("enable_key_rotation", false));
  });
