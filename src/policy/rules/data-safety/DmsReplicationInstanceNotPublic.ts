import { expectLiteral } from "../../check";
import { isFalse, resourcesOf } from "../../terraform";
import type { Rule } from "../../types";

/**
 * Replication instances have no public address, set explicitly: when `publicly_accessible` is
 * absent, the DMS API makes the instance public. (Serverless `aws_dms_replication_config` has no
 * such setting in aws provider 5.x: its compute runs in the replication subnet group.)
 */
export const DmsReplicationInstanceNotPublic: Rule = (json) =>
  resourcesOf(json, "aws_dms_replication_instance").map((i) => expectLiteral(i, { path: "publicly_accessible", want: "false", accept: isFalse }));
