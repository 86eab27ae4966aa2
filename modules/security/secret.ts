import { Construct } from "constructs";
import { SecretsmanagerSecret } from "@cdktf/provider-aws/lib/secretsmanager-secret";
import { SecretsmanagerSecretPolicy } from "@cdktf/provider-aws/lib/secretsmanager-secret-policy";
import { suppressRule } from "../core/suppressions";
import type { KmsKey } from "./kms-key";
import { policyDocument, type PolicyStatement } from "./policy-document";

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
 * appears in code, plans or state. Readers are granted by the secret ({@link readStatements}).
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
   * Lets roles of another account whose ARNs match `principalArnPattern` (e.g.
   * `arn:aws:iam::<account>:role/<project>-event-*-dms-secrets`) read the value: a resource policy on
   * the secret and a decrypt grant on its key, through Secrets Manager only. The other account's
   * roles still need their own IAM permission. Call once per secret.
   */
  allowReadFromAccount(accountId: string, principalArnPattern: string, region: string): SecretsmanagerSecretPolicy {
    const onlyThese = { ArnLike: { "aws:PrincipalArn": principalArnPattern } };
    const principals = { type: "AWS" as const, identifiers: [`arn:aws:iam::${accountId}:root`] };
    this.key.addToPolicy({
      sid: `${this.node.id.replace(/[^a-zA-Z0-9]/g, "")}ReadFrom${accountId}`,
      principals,
      actions: ["kms:Decrypt"],
      resources: ["*"],
      conditions: { ...onlyThese, StringEquals: { "kms:ViaService": `secretsmanager.${region}.amazonaws.com` } },
    });
    return new SecretsmanagerSecretPolicy(this, "policy", {
      secretArn: this.secret.arn,
      blockPublicPolicy: true,
      policy: policyDocument([{ sid: "ReadFromAccount", principals, actions: ["secretsmanager:GetSecretValue"], resources: ["*"], conditions: onlyThese }]),
    });
  }

  /** What a role needs to read the value: GetSecretValue on this secret and decryption through Secrets Manager. */
  readStatements(region: string): PolicyStatement[] {
    const sid = this.node.id.replace(/[^a-zA-Z0-9]/g, "");
    return [
      { sid: `Read${sid}`, actions: ["secretsmanager:GetSecretValue"], resources: [this.secret.arn] },
      {
        sid: `Decrypt${sid}`,
        actions: ["kms:Decrypt"],
        resources: [this.key.arn],
        conditions: { StringEquals: { "kms:ViaService": `secretsmanager.${region}.amazonaws.com` } },
      },
    ];
  }
}
