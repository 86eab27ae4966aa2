import { Lazy } from "cdktf";
import type { Construct } from "constructs";
import { KmsAlias } from "@cdktf/provider-aws/lib/kms-alias";
import { KmsKey as KmsKeyResource } from "@cdktf/provider-aws/lib/kms-key";
import type { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { ModuleConstruct } from "../core/environment";
import { policyDocument, type PolicyCondition, type PolicyStatement } from "./policy-document";

export interface KmsKeyProps {
  /** Alias without the `alias/` prefix, usually from the naming helper. */
  readonly alias: string;
  readonly description: string;
  /** Waiting period before a deleted key is gone. @default 30 days, the maximum: a key deleted by mistake can be restored */
  readonly deletionWindowInDays?: number;
  /** Provider for another region (the key then lives in that region). @default the stack's default provider */
  readonly provider?: AwsProvider;
}

/**
 * A customer-managed KMS key with yearly rotation and an alias, administered by the root principal
 * of its stack's account (IAM policies then delegate use). Services are granted use by the
 * owner of the key ({@link allowService}; CloudWatch Logs for one log group with
 * {@link allowLogGroup}), which adds a statement to the key policy; the policy is rendered when the
 * stack is synthesized.
 */
export class KmsKey extends ModuleConstruct {
  readonly key: KmsKeyResource;
  readonly alias: KmsAlias;
  private readonly statements: PolicyStatement[];

  constructor(scope: Construct, id: string, props: KmsKeyProps) {
    // A key of another region's provider lives in that region, in the stack's account.
    super(scope, id, { region: props.provider?.region });
    this.statements = [
      {
        sid: "AccountAdministers",
        principals: { type: "AWS", identifiers: [`arn:aws:iam::${this.account}:root`] },
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
   * Lets CloudWatch Logs of the key's region encrypt log group `logGroupName` with this key, and
   * no other group (the encryption-context condition); a name ending in `/*` allows every group
   * under that prefix. Returns the group's ARN (`arn:aws:logs:<region>:<account>:log-group:<name>`).
   */
  allowLogGroup(sid: string, logGroupName: string): string {
    const arn = `arn:aws:logs:${this.region}:${this.account}:log-group:${logGroupName}`;
    this.allowService(sid, `logs.${this.region}.amazonaws.com`, {
      [logGroupName.endsWith("/*") ? "ArnLike" : "ArnEquals"]: { "kms:EncryptionContext:aws:logs:arn": arn },
    });
    return arn;
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
}
