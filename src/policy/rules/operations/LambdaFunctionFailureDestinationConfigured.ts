import { compliant, nonCompliant } from "../../check";
import { attribute, isBlank, partnersOf, resourcesOf } from "../../terraform";
import type { Rule } from "../../types";

/** Failed asynchronous invocations are kept: a dead-letter queue, or an on-failure destination. */
export const LambdaFunctionFailureDestinationConfigured: Rule = (json) =>
  resourcesOf(json, "aws_lambda_function").map((fn) => {
    if (!isBlank(attribute(fn.config, "dead_letter_config.target_arn"))) return compliant(fn, "dead-letter queue configured");
    const invokeConfigs = partnersOf(json, "aws_lambda_function_event_invoke_config", "function_name", fn, "function_name");
    const withDestination = invokeConfigs.find((c) => !isBlank(attribute(c.config, "destination_config.on_failure.destination")));
    return withDestination
      ? compliant(fn, `on-failure destination in ${withDestination.address}`)
      : nonCompliant(fn, "no dead_letter_config and no on-failure destination: failed async events are dropped after retries");
  });
