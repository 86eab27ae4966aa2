import { literalRule } from "../../check";
import { isFalse } from "../../terraform";
import type { Rule } from "../../types";

/** ECS services do not give tasks public IPs (they sit in private subnets behind the load balancer). */
export const EcsServiceNoPublicIp: Rule = literalRule(["aws_ecs_service"], {
  path: "network_configuration.assign_public_ip",
  want: "false",
  accept: isFalse,
  providerDefault: false,
});
