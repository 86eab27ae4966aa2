/** The shape of a synthesized `cdk.tf.json`, as far as the policy pack, CI tooling and tests read it. */
export type TerraformJson = {
  terraform?: Record<string, unknown>;
  provider?: Record<string, Record<string, unknown>[]>;
  resource?: Record<string, Record<string, Record<string, unknown>>>;
  data?: Record<string, Record<string, Record<string, unknown>>>;
  output?: Record<string, { value: unknown; sensitive?: boolean }>;
  [key: string]: unknown;
};
