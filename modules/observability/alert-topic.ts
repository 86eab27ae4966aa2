import type { Construct } from "constructs";
import { ChatbotSlackChannelConfiguration } from "@cdktf/provider-aws/lib/chatbot-slack-channel-configuration";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
import type { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { SnsTopic } from "@cdktf/provider-aws/lib/sns-topic";
import { SnsTopicPolicy } from "@cdktf/provider-aws/lib/sns-topic-policy";
import { SnsTopicSubscription } from "@cdktf/provider-aws/lib/sns-topic-subscription";
import { ModuleConstruct } from "../core/environment";
import { Grant, type IGrantable } from "../core/grant";
import type { KmsKey } from "../security/kms-key";
import { policyDocument } from "../security/policy-document";
import { sid } from "../security/sid";

/** A Slack channel that receives the topic through AWS Chatbot. */
export interface SlackChannel {
  /** Slack workspace (team) id, authorized for AWS Chatbot in the console once per account. */
  readonly workspaceId: string;
  readonly channelId: string;
  /**
   * Provider in a region with a Chatbot API endpoint (us-east-2, us-west-2, eu-west-1,
   * ap-southeast-1); the configuration itself is global.
   */
  readonly provider: AwsProvider;
}

export interface AlertTopicProps {
  /** Encrypts messages at rest; CloudWatch alarms are granted its use to publish. */
  readonly kmsKey: KmsKey;
  /** Component name of the topic (`{project}-{stack}-<name>`; the Chatbot configuration and its role too). @default "alerts" */
  readonly name?: string;
  /** E-mail addresses subscribed to the topic (each confirms once). @default - none */
  readonly emails?: readonly string[];
  /** Slack channel fed through AWS Chatbot. @default - none */
  readonly slack?: SlackChannel;
  /**
   * More AWS services of this account that may publish (e.g. `dms.amazonaws.com` for DMS event
   * subscriptions); each gets the key and the topic, scoped to this account by the topic policy.
   * @default - CloudWatch alarms only
   */
  readonly servicePublishers?: readonly string[];
}

/**
 * Where alarms go: a KMS-encrypted SNS topic that CloudWatch alarms of this account may publish
 * to, with e-mail subscriptions and, when configured, a Slack channel through AWS Chatbot. The
 * Chatbot channel can read CloudWatch (to render alarm graphs) and nothing else: its guardrail is
 * CloudWatch read-only, and channel members need their own IAM role to run commands.
 */
export class AlertTopic extends ModuleConstruct {
  readonly topic: SnsTopic;
  readonly slackChannel?: ChatbotSlackChannelConfiguration;
  private readonly kmsKey: KmsKey;

  constructor(scope: Construct, id: string, props: AlertTopicProps) {
    super(scope, id);
    const { naming, account: accountId } = this;
    const { kmsKey } = props;
    this.kmsKey = kmsKey;
    const component = props.name ?? "alerts";
    const topicName = naming.name(component, 256);

    // CloudWatch publishes to the encrypted topic as itself, so it needs the key (AWS documents no
    // narrower condition for this grant; the topic policy below limits it to this account).
    kmsKey.addToPolicy({
      sid: sid("CloudWatchAlarmsPublish", topicName),
      principals: { type: "Service", identifiers: ["cloudwatch.amazonaws.com"] },
      actions: ["kms:Decrypt", "kms:GenerateDataKey*"],
      resources: ["*"],
    });
    for (const service of props.servicePublishers ?? []) {
      kmsKey.addToPolicy({
        sid: sid(`${service.split(".")[0]}Publish`, topicName),
        principals: { type: "Service", identifiers: [service] },
        actions: ["kms:Decrypt", "kms:GenerateDataKey*"],
        resources: ["*"],
      });
    }
    this.topic = new SnsTopic(this, "topic", {
      name: topicName,
      displayName: `${naming.workspace} ${component}`.slice(0, 100),
      kmsMasterKeyId: kmsKey.arn,
    });
    new SnsTopicPolicy(this, "policy", {
      arn: this.topic.arn,
      policy: policyDocument([
        {
          sid: "AccountManagesTopic",
          principals: { type: "AWS", identifiers: [`arn:aws:iam::${accountId}:root`] },
          actions: [
            "sns:GetTopicAttributes",
            "sns:SetTopicAttributes",
            "sns:AddPermission",
            "sns:RemovePermission",
            "sns:DeleteTopic",
            "sns:Subscribe",
            "sns:ListSubscriptionsByTopic",
            "sns:Publish",
          ],
          resources: [this.topic.arn],
        },
        {
          sid: "CloudWatchAlarmsPublish",
          principals: { type: "Service", identifiers: ["cloudwatch.amazonaws.com"] },
          actions: ["sns:Publish"],
          resources: [this.topic.arn],
          conditions: { StringEquals: { "aws:SourceAccount": accountId } },
        },
        ...(props.servicePublishers?.length
          ? [
              {
                sid: "ServicesPublish",
                principals: { type: "Service" as const, identifiers: [...props.servicePublishers] },
                actions: ["sns:Publish"],
                resources: [this.topic.arn],
                conditions: { StringEquals: { "aws:SourceAccount": accountId } },
              },
            ]
          : []),
      ]),
    });

    (props.emails ?? []).forEach((email, i) => {
      new SnsTopicSubscription(this, `email-${i}`, { topicArn: this.topic.arn, protocol: "email", endpoint: email });
    });

    if (props.slack) {
      const role = new IamRole(this, "chatbot-role", {
        name: naming.name(`${component}-chatbot`),
        description: "Lets AWS Chatbot read CloudWatch to show alarms in Slack",
        assumeRolePolicy: policyDocument([
          { principals: { type: "Service", identifiers: ["chatbot.amazonaws.com"] }, actions: ["sts:AssumeRole"] },
        ]),
      });
      new IamRolePolicy(this, "chatbot-policy", {
        role: role.id,
        name: "read-cloudwatch",
        policy: policyDocument([{ actions: ["cloudwatch:Describe*", "cloudwatch:Get*", "cloudwatch:List*"], resources: ["*"] }]),
      });
      this.slackChannel = new ChatbotSlackChannelConfiguration(this, "slack", {
        provider: props.slack.provider,
        configurationName: naming.name(component, 128),
        iamRoleArn: role.arn,
        slackTeamId: props.slack.workspaceId,
        slackChannelId: props.slack.channelId,
        snsTopicArns: [this.topic.arn],
        // Without guardrails Chatbot applies AdministratorAccess to the channel.
        guardrailPolicyArns: ["arn:aws:iam::aws:policy/CloudWatchReadOnlyAccess"],
        userAuthorizationRequired: true,
        loggingLevel: "ERROR",
      });
    }
  }

  get topicArn(): string {
    return this.topic.arn;
  }

  /** Lets `grantee` publish here: sns:Publish on this topic and use of its key through SNS. */
  grantPublish(grantee: IGrantable): Grant {
    return Grant.addToPrincipal({
      grantee,
      resource: this,
      statements: [
        { sid: "PublishAlerts", actions: ["sns:Publish"], resources: [this.topic.arn] },
        this.kmsKey.usageStatement(["kms:GenerateDataKey*", "kms:Decrypt"], { sid: "AlertTopicKey", viaService: "sns" }),
      ],
      policy: { id: `${this.node.id}-publish`, name: `publish-${this.node.id}` },
    });
  }
}
