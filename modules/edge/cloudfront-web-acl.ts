import type { Construct } from "constructs";
import { CloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group";
import type { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { Wafv2WebAcl, type Wafv2WebAclRule } from "@cdktf/provider-aws/lib/wafv2-web-acl";
import { Wafv2WebAclLoggingConfiguration } from "@cdktf/provider-aws/lib/wafv2-web-acl-logging-configuration";
import { ModuleConstruct } from "../core/environment";
import { KmsKey } from "../security/kms-key";

/** AWS managed rule groups every CloudFront web ACL runs, in evaluation order after the IP reputation list. */
export const MANAGED_RULE_GROUPS = [
  "AWSManagedRulesAmazonIpReputationList",
  "AWSManagedRulesCommonRuleSet",
  "AWSManagedRulesKnownBadInputsRuleSet",
  "AWSManagedRulesSQLiRuleSet",
] as const;

export interface CloudFrontWebAclProps {
  /** Component name: `{project}-{stack}-{name}`; the log group is `aws-waf-logs-{project}-{stack}-{name}`. @default "cloudfront" */
  readonly name?: string;
  /** Provider in us-east-1, where CloudFront web ACLs (scope CLOUDFRONT) and their log groups live. */
  readonly usEast1Provider: AwsProvider;
  /** Requests per client IP in any 5-minute window before the rate rule blocks that IP. */
  readonly rateLimit: number;
  /** @default 90 days */
  readonly logRetentionDays?: number;
  /**
   * Rules of the managed groups to count instead of block, per group (e.g. the Common rule set's
   * SizeRestrictions_BODY for large uploads).
   * @default - none: every managed rule blocks
   */
  readonly countOnly?: Partial<Record<(typeof MANAGED_RULE_GROUPS)[number], readonly string[]>>;
}

/**
 * A WAFv2 web ACL for CloudFront (us-east-1): the Amazon IP reputation list first, then a
 * rate-based rule per client IP, then the common, known-bad-inputs and SQL injection managed
 * rule groups; everything else is allowed. Every rule emits CloudWatch metrics and sampled
 * requests; full logs go to a KMS-encrypted, retained `aws-waf-logs-` log group, with the
 * Authorization and Cookie headers redacted.
 */
export class CloudFrontWebAcl extends ModuleConstruct {
  readonly webAcl: Wafv2WebAcl;
  readonly logGroup: CloudwatchLogGroup;

  constructor(scope: Construct, id: string, props: CloudFrontWebAclProps) {
    // CloudFront web ACLs (scope CLOUDFRONT) and their log groups live in us-east-1.
    super(scope, id, { region: "us-east-1" });
    const { naming } = this;
    const { usEast1Provider: provider } = props;
    const name = props.name ?? "cloudfront";
    const aclName = naming.name(name, 128);
    const metric = (rule: string) => ({ cloudwatchMetricsEnabled: true, sampledRequestsEnabled: true, metricName: `${aclName}-${rule}` });

    const managed = (group: (typeof MANAGED_RULE_GROUPS)[number], priority: number): Wafv2WebAclRule => {
      const counted = props.countOnly?.[group] ?? [];
      return {
        name: group,
        priority,
        overrideAction: { none: {} },
        statement: {
          managed_rule_group_statement: {
            vendor_name: "AWS",
            name: group,
            ...(counted.length > 0 ? { rule_action_override: counted.map((rule) => ({ name: rule, action_to_use: { count: {} } })) } : {}),
          },
        },
        visibilityConfig: metric(group),
      };
    };
    const [reputation, ...groups] = MANAGED_RULE_GROUPS;
    const rules: Wafv2WebAclRule[] = [
      managed(reputation, 0),
      {
        name: "RateLimitPerIp",
        priority: 1,
        action: { block: {} },
        statement: { rate_based_statement: { limit: props.rateLimit, aggregate_key_type: "IP", evaluation_window_sec: 300 } },
        visibilityConfig: metric("RateLimitPerIp"),
      },
      ...groups.map((group, i) => managed(group, i + 2)),
    ];

    this.webAcl = new Wafv2WebAcl(this, "web-acl", {
      provider,
      name: aclName,
      description: `Protects the CloudFront distribution of ${naming.workspace}`,
      scope: "CLOUDFRONT",
      defaultAction: { allow: {} },
      rule: rules,
      visibilityConfig: metric("all"),
    });

    const logGroupName = `aws-waf-logs-${naming.name(name, 499)}`;
    const key = new KmsKey(this, "log-key", {
      provider,
      alias: naming.name(`${name}-waf-logs`),
      description: `Encrypts the WAF logs of ${naming.workspace}`,
    });
    key.allowLogGroup("CloudWatchLogsWaf", logGroupName);
    this.logGroup = new CloudwatchLogGroup(this, "log-group", {
      provider,
      name: logGroupName,
      retentionInDays: props.logRetentionDays ?? 90,
      kmsKeyId: key.arn,
    });
    new Wafv2WebAclLoggingConfiguration(this, "logging", {
      provider,
      resourceArn: this.webAcl.arn,
      logDestinationConfigs: [this.logGroup.arn],
      redactedFields: [{ singleHeader: { name: "authorization" } }, { singleHeader: { name: "cookie" } }],
    });
  }

  get arn(): string {
    return this.webAcl.arn;
  }
}
