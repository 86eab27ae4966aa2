import { compliant, nonCompliant } from "../../check";
import { partnersOf, resourcesOf, show } from "../../terraform";
import type { Rule } from "../../types";

/** Every VPC has a flow log of all traffic (accepted and rejected). */
export const VpcFlowLogEnabled: Rule = (json) =>
  resourcesOf(json, "aws_vpc").map((vpc) => {
    const logs = partnersOf(json, "aws_flow_log", "vpc_id", vpc);
    if (logs.length === 0) return nonCompliant(vpc, "no aws_flow_log has vpc_id pointing at this VPC");
    const all = logs.find((l) => l.config.traffic_type === "ALL");
    if (all) return compliant(vpc, `${all.address} logs ALL traffic`);
    return nonCompliant(vpc, `flow logs ${logs.map((l) => `${l.address} (traffic_type ${show(l.config.traffic_type)})`).join(", ")} do not log ALL traffic`);
  });
