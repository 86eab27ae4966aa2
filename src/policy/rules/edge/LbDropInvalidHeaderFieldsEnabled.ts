import { expectLiteral, mustBeTrue, notApplicable } from "../../check";
import { resourcesOf } from "../../terraform";
import type { Rule } from "../../types";
import { LB_TYPES, isApplication } from "./load-balancers";

/** Application load balancers drop requests with invalid HTTP header fields (request smuggling). */
export const LbDropInvalidHeaderFieldsEnabled: Rule = (json) =>
  resourcesOf(json, ...LB_TYPES).map((lb) =>
    isApplication(lb) ? expectLiteral(lb, mustBeTrue("drop_invalid_header_fields", false)) : notApplicable(lb, "not an application load balancer"),
  );
