import { TerraformVariable } from "cdktf";
import { Construct } from "constructs";

/** Name of the Terraform variable that holds the origin secret in every stack that fronts an ALB with CloudFront. */
export const ORIGIN_VERIFY_VARIABLE = "cloudfront_origin_verify_secret";

export interface OriginVerifyHeaderProps {
  /** HTTP header CloudFront adds to every origin request. @default "X-Origin-Verify" */
  readonly headerName?: string;
  /** Shortest secret accepted. @default 32 characters */
  readonly minLength?: number;
}

/**
 * The shared secret CloudFront sends to the load balancer and the load balancer checks, so that
 * other CloudFront distributions (whose addresses are in the same managed prefix list) cannot
 * reach the origin.
 *
 * The value is never written in code or config: it is a sensitive Terraform variable,
 * `cloudfront_origin_verify_secret`, set in the workspace (the `tfc` stack generates it and stores
 * it as a sensitive workspace variable). Terraform keeps it out of plan output; it is in the
 * state, which Terraform Cloud encrypts. Rotating it means setting a new value and applying: the
 * distribution and the listener rules change in the same run.
 */
export class OriginVerifyHeader extends Construct {
  readonly headerName: string;
  readonly variable: TerraformVariable;

  constructor(scope: Construct, id: string, props: OriginVerifyHeaderProps = {}) {
    super(scope, id);
    this.headerName = props.headerName ?? "X-Origin-Verify";
    const minLength = props.minLength ?? 32;
    this.variable = new TerraformVariable(this, "secret", {
      type: "string",
      sensitive: true,
      nullable: false,
      description: `Secret value of the ${this.headerName} header CloudFront sends to the load balancer (set in the workspace; never in code)`,
      validation: [
        {
          condition: `\${length(var.${ORIGIN_VERIFY_VARIABLE}) >= ${minLength}}`,
          errorMessage: `${ORIGIN_VERIFY_VARIABLE} must be at least ${minLength} characters long.`,
        },
      ],
    });
    this.variable.overrideLogicalId(ORIGIN_VERIFY_VARIABLE);
  }

  /** The secret (a sensitive variable reference). */
  get value(): string {
    return this.variable.stringValue;
  }
}
