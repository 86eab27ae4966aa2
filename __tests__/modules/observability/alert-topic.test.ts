import { describe, expect, it } from "vitest";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { AlertTopic, type AlertTopicProps } from "../../../modules/observability/alert-topic";
import { listOf, synthJson } from "../../helpers/synth";
import { ACCOUNT, moduleStack, ref, statementsOf } from "../../helpers/stack";

function synthTopic(props: Partial<AlertTopicProps> = {}, slack = false) {
  const { stack, key } = moduleStack();
  const chatbot = new AwsProvider(stack, "aws-chatbot", { alias: "chatbot", region: "ap-southeast-1" });
  new AlertTopic(stack, "alerts", {
    kmsKey: key,
    slack: slack ? { workspaceId: "T07EA123LEP", channelId: "C07EZ1ABC23", provider: chatbot } : undefined,
    ...props,
  });
  return synthJson(stack);
}

describe("AlertTopic defaults", () => {
  const json = synthTopic();

  it("encrypts the topic with the given key", () => {
    const [topic] = listOf(json, "aws_sns_topic");
    expect(topic!.name).toBe("flashcrowd-test-alerts");
    expect(topic!.kms_master_key_id).toMatch(ref("aws_kms_key", "arn"));
  });

  it("lets CloudWatch alarms of this account publish, and use the key for it", () => {
    expect(statementsOf(json, "aws_sns_topic_policy")).toContainEqual(
      expect.objectContaining({
        Principal: { Service: "cloudwatch.amazonaws.com" },
        Action: "sns:Publish",
        Condition: { StringEquals: { "aws:SourceAccount": ACCOUNT } },
      }),
    );
    expect(statementsOf(json, "aws_kms_key")).toContainEqual(
      expect.objectContaining({ Principal: { Service: "cloudwatch.amazonaws.com" }, Action: ["kms:Decrypt", "kms:GenerateDataKey*"] }),
    );
  });

  it("has no subscriptions and no Slack channel unless configured", () => {
    expect(listOf(json, "aws_sns_topic_subscription")).toEqual([]);
    expect(listOf(json, "aws_chatbot_slack_channel_configuration")).toEqual([]);
    expect(listOf(json, "aws_iam_role")).toEqual([]);
  });
});

describe("AlertTopic options", () => {
  it("subscribes each e-mail address", () => {
    const json = synthTopic({ emails: ["a@example.com", "b@example.com"] });
    expect(listOf(json, "aws_sns_topic_subscription").map((s) => [s.protocol, s.endpoint])).toEqual([
      ["email", "a@example.com"],
      ["email", "b@example.com"],
    ]);
  });

  it("feeds a Slack channel through Chatbot in a Chatbot API region, read-only guardrail", () => {
    const json = synthTopic({}, true);
    const [channel] = listOf(json, "aws_chatbot_slack_channel_configuration");
    expect(channel).toMatchObject({
      provider: "aws.chatbot",
      configuration_name: "flashcrowd-test-alerts",
      slack_team_id: "T07EA123LEP",
      slack_channel_id: "C07EZ1ABC23",
      guardrail_policy_arns: ["arn:aws:iam::aws:policy/CloudWatchReadOnlyAccess"],
      user_authorization_required: true,
    });
    expect(channel!.sns_topic_arns).toEqual([expect.stringMatching(ref("aws_sns_topic", "arn"))]);
    expect(statementsOf(json, "aws_iam_role_policy")).toEqual([
      { Effect: "Allow", Action: ["cloudwatch:Describe*", "cloudwatch:Get*", "cloudwatch:List*"], Resource: "*" },
    ]);
  });

  it("lets more services of this account publish (DMS event subscriptions), with the key", () => {
    const json = synthTopic({ servicePublishers: ["dms.amazonaws.com"] });
    expect(statementsOf(json, "aws_sns_topic_policy")).toContainEqual(
      expect.objectContaining({
        Sid: "ServicesPublish",
        Principal: { Service: "dms.amazonaws.com" },
        Action: "sns:Publish",
        Condition: { StringEquals: { "aws:SourceAccount": ACCOUNT } },
      }),
    );
    expect(statementsOf(json, "aws_kms_key")).toContainEqual(
      expect.objectContaining({ Principal: { Service: "dms.amazonaws.com" }, Action: ["kms:Decrypt", "kms:GenerateDataKey*"] }),
    );
    expect(statementsOf(synthTopic(), "aws_sns_topic_policy").map((s) => s.Sid)).not.toContain("ServicesPublish");
  });

  it("names the topic after the given component", () => {
    expect(listOf(synthTopic({ name: "paging" }), "aws_sns_topic")[0]!.name).toBe("flashcrowd-test-paging");
  });
});
