import { Construct } from "constructs";
import { SecretsmanagerSecret } from "@cdktf/provider-aws/lib/secretsmanager-secret";
import { SecretsmanagerSecretPolicy } from "@cdktf/provider-aws/lib/secretsmanager-secret-policy";
import { Grant, type IGrantable } from "../core/grant";
import { suppressRule } from "../core/suppressions";
import type { KmsKey } from "./kms-key";
import { policyDocument } from "./policy-document";

export interface SecretProps {
  /** Secret name, e.g. `flashcrowd/control/tfc-token`. */
  readonly name: string;
  /** What the value is and who sets it: shown in the console next to the empty secret. */
  readonly description: string;
  /** Key encrypting the value. */
  readonly key: KmsKey;
  /**
   * Who issues the value and rotates it (e.g. "Terraform Cloud: a team token, rotated in the
   * organization's team settings"). Secrets Manager cannot rotate a credential another system
   * issues, so this is recorded as the written reason for the policy pack's rotation rule.
   */
  readonly issuer: string;
  /**
   * Days a deleted secret can still be restored (7-30).
   * @default 30 - the maximum: a secret deleted by mistake (or by a destroy) can be recovered
   */
  readonly recoveryWindowInDays?: number;
}

/**
 * A Secrets Manager secret whose value is set outside Terraform (console, CLI), so the value never
 * appears in code, plans or state. Readers are granted by the secret ({@link grantRead}): a
 * principal of this app through its identity policy, another account's roles through the secret's
 * resource policy and the key's policy.
 */
export class Secret extends Construct {
  readonly secret: SecretsmanagerSecret;
  private readonly key: KmsKey;

  constructor(scope: Construct, id: string, props: SecretProps) {
    super(scope, id);
    const window = props.recoveryWindowInDays ?? 30;
    if (!Number.isInteger(window) || window < 7 || window > 30) {
      throw new Error(`${this.node.path}: recoveryWindowInDays must be a whole number from 7 to 30, got ${window}`);
    }
    this.key = props.key;
    this.secret = new SecretsmanagerSecret(this, "secret", {
      name: props.name,
      description: props.description,
      kmsKeyId: props.key.arn,
      recoveryWindowInDays: window,
    });
    suppressRule(this.secret, "SECRET-ROTATION", `issued and rotated outside AWS by ${props.issuer}`);
  }

  get arn(): string {
    return this.secret.arn;
  }

  /**
   * Lets `grantee` read the value: GetSecretValue on this secret and decryption through Secrets
   * Manager. Another account's roles ({@link AccountPrincipal}, e.g. those matching
   * `arn:aws:iam::<account>:role/<project>-event-*-dms-secrets`) are granted by a resource policy on
   * the secret and a statement in the key's policy; their own IAM permission is still needed there.
   * One such account per secret.
   */
  grantRead(grantee: IGrantable): Grant {
    const name = this.node.id.replace(/[^a-zA-Z0-9]/g, "");
    return Grant.addToPrincipalOrResource({
      grantee,
      resource: this,
      statements: [
        { sid: `Read${name}`, actions: ["secretsmanager:GetSecretValue"], resources: [this.secret.arn] },
        this.key.usageStatement(["kms:Decrypt"], { sid: `Decrypt${name}`, viaService: "secretsmanager" }),
      ],
      policy: { id: `${this.node.id}-read`, name: `read-${this.node.id}` },
      addToResourcePolicy: (principal) => {
        if (this.node.tryFindChild("policy")) {
          throw new Error(`${this.node.path}: the secret's resource policy already grants another account; one account per secret`);
        }
        const keyStatement = {
          sid: `${name}ReadFrom${principal.account}`,
          principals: principal.principals,
          actions: ["kms:Decrypt"],
          resources: ["*"],
          conditions: { ...principal.conditions, ...this.key.viaService("secretsmanager") },
        };
        this.key.addToPolicy(keyStatement);
        const secretStatement = {
          sid: "ReadFromAccount",
          principals: principal.principals,
          actions: ["secretsmanager:GetSecretValue"],
          resources: ["*"],
          conditions: principal.conditions,
        };
        new SecretsmanagerSecretPolicy(this, "policy", { secretArn: this.secret.arn, blockPublicPolicy: true, policy: policyDocument([secretStatement]) });
        return [secretStatement, keyStatement];
      },
    });
  }
}
