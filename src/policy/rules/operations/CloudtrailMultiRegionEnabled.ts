import { literalRule, mustBeTrue } from "../../check";
import type { Rule } from "../../types";

/** Trails record API calls in every region, not only the home region. */
export const CloudtrailMultiRegionEnabled: Rule = literalRule(["aws_cloudtrail"], mustBeTrue("is_multi_region_trail", false));
