import { literalRule } from "../../check";
import type { Rule } from "../../types";

/** Functions send traces to X-Ray (`tracing_config.mode` Active). */
export const LambdaFunctionTracingActive: Rule = literalRule(["aws_lambda_function"], {
  path: "tracing_config.mode",
  want: '"Active"',
  accept: (v) => v === "Active",
  providerDefault: "PassThrough",
});
