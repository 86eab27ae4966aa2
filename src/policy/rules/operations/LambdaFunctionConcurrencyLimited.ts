import { literalRule } from "../../check";
import { asNumber } from "../../terraform";
import type { Rule } from "../../types";

/** Functions reserve their concurrency, so one function cannot starve the others (or flood a database). */
export const LambdaFunctionConcurrencyLimited: Rule = literalRule(["aws_lambda_function"], {
  path: "reserved_concurrent_executions",
  want: "a reserved concurrency of 0 or more",
  accept: (v) => (asNumber(v) ?? -1) >= 0,
  providerDefault: -1,
});
