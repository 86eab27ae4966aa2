import { literalRule, mustBeTrue } from "../../check";
import type { Rule } from "../../types";

/** Trails write digest files so tampering with delivered logs can be detected. */
export const CloudtrailLogFileValidationEnabled: Rule = literalRule(["aws_cloudtrail"], mustBeTrue("enable_log_file_validation", false));
