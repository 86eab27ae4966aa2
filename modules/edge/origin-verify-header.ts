import { DataResource, Fn, Token } from "cdktf";
import { Construct } from "constructs";

export interface OriginVerifyHeaderProps {
  /** HTTP header CloudFront adds to every origin request. @default "X-Origin-Verify" */
  readonly headerName?: string;
}

/**
 * The shared secret CloudFront sends to the load balancer and the load balancer checks, so that
 * other CloudFront distributions (whose addresses are in the same managed prefix list) cannot
 * reach the origin.
 *
 * The value is generated inside Terraform, by no extra provider: a built-in `terraform_data`
 * resource whose `input` is two `uuid()`s (Terraform draws them from a cryptographic random
 * source, 244 random bits together) and which ignores later changes to `input`, so the value is
 * drawn once, at the first apply, and kept. It is never in code, config or a workspace variable;
 * it lives in the state of the workspace that creates it (and, for the event edge, of the event
 * workspaces that read it through their cross-stack reference), which Terraform Cloud encrypts.
 * {@link value} marks it sensitive, so plans print `(sensitive value)` instead.
 *
 * Rotation: `terraform apply -replace=<address of the terraform_data>` (or `cdktf apply` with the
 * same flag) draws a new value; the distribution and the listener rules that use it change in the
 * same run (an event's listener rules at its next apply).
 */
export class OriginVerifyHeader extends Construct {
  readonly headerName: string;
  /** The `terraform_data` resource holding the secret. */
  readonly secret: DataResource;

  constructor(scope: Construct, id: string, props: OriginVerifyHeaderProps = {}) {
    super(scope, id);
    this.headerName = props.headerName ?? "X-Origin-Verify";
    if (!/^[A-Za-z0-9-]{1,64}$/.test(this.headerName)) {
      throw new Error(`${this.node.path}: header name "${this.headerName}" must be letters, digits and '-'`);
    }
    this.secret = new DataResource(this, "secret", {
      // `input` is typed as a map by cdktf; terraform_data takes any value, here a string.
      input: Token.asAny(`${Fn.uuid()}${Fn.uuid()}`) as unknown as Record<string, unknown>,
      // uuid() changes on every plan: keep the first value.
      lifecycle: { ignoreChanges: ["input"] },
    });
  }

  /** The secret, marked sensitive (plans never print it). */
  get value(): string {
    return Token.asString(Fn.sensitive(this.secret.getStringAttribute("output")));
  }
}
