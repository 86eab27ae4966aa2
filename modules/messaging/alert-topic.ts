import { Construct } from "constructs";
import { SnsTopic } from "@cdktf/provider-aws/lib/sns-topic";
import type { Naming } from "../../src/config/naming";
import type { KmsKey } from "../security/kms-key";
import type { PolicyStatement } from "../security/policy-document";

export interface AlertTopicProps {
  readonly naming: Naming;
  /** Name component: the topic is `{project}-{stack}-{component}`. */
  readonly component: string;
  /** Key encrypting messages at rest; granted to CloudWatch so alarms can publish. */
  readonly key: KmsKey;
  /** Shown as the sender of email notifications. @default the topic name */
  readonly displayName?: string;
}

/**
 * An SNS topic for alerts (email, paging, chat), encrypted with a customer-managed key. CloudWatch
 * alarms may publish to it; other publishers are granted with {@link publishStatements}.
 */
export class AlertTopic extends Construct {
  readonly topic: SnsTopic;
  private readonly key: KmsKey;

  constructor(scope: Construct, id: string, props: AlertTopicProps) {
    super(scope, id);
    this.key = props.key;
    const name = props.naming.name(props.component, 256);
    props.key.allowService(`CloudWatchAlarmsPublish${props.component.replace(/[^a-zA-Z0-9]/g, "")}`, "cloudwatch.amazonaws.com");
    this.topic = new SnsTopic(this, "topic", { name, displayName: props.displayName ?? name, kmsMasterKeyId: props.key.arn });
  }

  get arn(): string {
    return this.topic.arn;
  }

  /** What a role needs to publish here: sns:Publish on this topic and use of its key through SNS. */
  publishStatements(region: string): PolicyStatement[] {
    return [
      { sid: "PublishAlerts", actions: ["sns:Publish"], resources: [this.topic.arn] },
      {
        sid: "AlertTopicKey",
        actions: ["kms:GenerateDataKey*", "kms:Decrypt"],
        resources: [this.key.arn],
        conditions: { StringEquals: { "kms:ViaService": `sns.${region}.amazonaws.com` } },
      },
    ];
  }
}
