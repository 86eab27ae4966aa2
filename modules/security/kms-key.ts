import { Lazy, TerraformStack } from "cdktf";
import { Construct } from "constructs";
import { KmsAlias } from "@cdktf/provider-aws/lib/kms-alias";
import { KmsKey as KmsKeyResource } from "@cdktf/provider-aws/lib/kms-key";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { policyDocument, type PolicyCondition, type PolicyStatement } from "./policy-document";

export interface KmsKeyProps {
  /** Alias without the `alias/` prefix, usually from the naming helper. */
  readonly alias: string;
  readonly description: string;
  /** Account whose root principal administers the key (IAM policies then delegate use). */
  readonly accountId: string;
  /** Waiting period before a deleted key is gone. @default 30 days, the maximum: a key deleted by mistake can be restored */
  readonly deletionWindowInDays?: number;
  /** Provider for another region. @default the stack's default provider */
  readonly provider?: AwsProvider;
}

/**
 * A customer-managed KMS key with yearly rotation and an alias. Services are granted use by the
 * owner of the key ({@link allowService}), which adds a statement to the key policy; the policy is
 * rendered when the stack is synthesized.
 */
export class KmsKey extends Construct {
  readonly key: KmsKeyResource;
  readonly alias: KmsAlias;
  private readonly statements: PolicyStatement[];
  private readonly provider?: AwsProvider;

  constructor(scope: Construct, id: string, props: KmsKeyProps) {
    super(scope, id);
    this.provider = props.provider;
    this.statements = [
      {
        sid: "AccountAdministers",
        principals: { type: "AWS", identifiers: [`arn:aws:iam::${props.accountId}:root`] },
        actions: ["kms:*"],
        resources: ["*"],
      },
    ];
    this.key = new KmsKeyResource(this, "key", {
      provider: props.provider,
      description: props.description,
      enableKeyRotation: true,
      deletionWindowInDays: props.deletionWindowInDays ?? 30,
      policy: Lazy.stringValue({ produce: () => policyDocument(this.statements) }),
    });
    this.alias = new KmsAlias(this, "alias", {
      provider: props.provider,
      name: `alias/${props.alias}`,
      targetKeyId: this.key.keyId,
    });
  }

  get arn(): string {
    return this.key.arn;
  }

  get keyId(): string {
    return this.key.keyId;
  }

  /**
   * Adds a statement to the key policy, for grants narrower or wider than {@link allowService}
   * (e.g. only `kms:GenerateDataKey*` under an encryption-context condition, decrypt-only for
   * CloudFront, or any principal of the account through one service). Sids must be unique.
   */
  addToPolicy(statement: PolicyStatement): void {
    if (statement.sid && this.statements.some((s) => s.sid === statement.sid)) {
      throw new Error(`${this.node.path}: key policy already has a statement "${statement.sid}"`);
    }
    this.statements.push(statement);
  }

  /**
   * Lets an AWS service principal (e.g. `logs.ap-northeast-2.amazonaws.com`) encrypt and decrypt
   * with this key, optionally only under `conditions`.
   */
  allowService(sid: string, servicePrincipal: string, conditions?: PolicyCondition): void {
    this.addToPolicy({
      sid,
      principals: { type: "Service", identifiers: [servicePrincipal] },
      actions: ["kms:Encrypt*", "kms:Decrypt*", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:Describe*"],
      resources: ["*"],
      conditions,
    });
  }

  /**
   * The identity-policy statement that lets a principal use this key for `actions` (a grant of a
   * resource encrypted with it adds it to the resource's statements); with `viaService`, only
   * through that service in the key's region (`sqs`, `sns`, `secretsmanager`).
   */
  usageStatement(actions: readonly string[], options: { readonly sid?: string; readonly viaService?: string } = {}): PolicyStatement {
    return {
      ...(options.sid ? { sid: options.sid } : {}),
      actions,
      resources: [this.arn],
      ...(options.viaService ? { conditions: this.viaService(options.viaService) } : {}),
    };
  }

  /** Condition: the key is used through `service` in the key's region only. */
  viaService(service: string): PolicyCondition {
    return { StringEquals: { "kms:ViaService": `${service}.${this.region}.amazonaws.com` } };
  }

  /** The key's region: its provider's, or the one of its stack's default AWS provider. */
  private get region(): string {
    const provider =
      this.provider ?? TerraformStack.of(this).node.children.find((c): c is AwsProvider => c instanceof AwsProvider && c.alias === undefined);
    const region = provider?.region;
    if (!region) throw new Error(`${this.node.path}: the key's region is unknown: its stack has no default AWS provider with a region, and the key was given no provider`);
    return region;
  }
}
