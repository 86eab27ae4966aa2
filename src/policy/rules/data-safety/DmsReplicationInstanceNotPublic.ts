import { compliant, expectLiteral, nonCompliant } from "../../check";
import { attribute, isFalse, resourcesOf } from "../../terraform";
import type { Rule } from "../../types";

/**
 * Replication instances (and serverless replication configs) have no public address, set
 * explicitly: when `publicly_accessible` is absent, the DMS API makes the instance public.
 */
export const DmsReplicationInstanceNotPublic: Rule = (json) => [
  ...resourcesOf(json, "aws_dms_replication_instance").map((i) => expectLiteral(i, { path: "publicly_accessible", want: "false", accept: isFalse })),
  ...resourcesOf(json, "aws_dms_replication_config").map((c) =>
    isFalse(attribute(c.config, "compute_config.publicly_accessible"))
      ? compliant(c, "compute_config.publicly_accessible = false")
      : nonCompliant(c, "compute_config.publicly_accessible is not false; set it to false explicitly"),
  ),
];
