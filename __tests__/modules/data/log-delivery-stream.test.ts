import { describe, expect, it } from "vitest";
import { LogDeliveryStream, type LogDeliveryStreamProps } from "../../../modules/data/log-delivery-stream";
import { S3Bucket } from "../../../modules/data/s3-bucket";
import { KmsKey } from "../../../modules/security/kms-key";
import { Naming } from "../../../src/core/naming";
import { listOf, parseJsonAttribute, synthJson } from "../../helpers/synth";
import { environmentStack } from "../../helpers/stack";

const ACCOUNT = "123456789012";

interface Policy {
  Statement: { Sid?: string; Effect: string; Principal?: unknown; Action: string | string[]; Resource: string | string[]; Condition?: unknown }[];
}

function synthStream(props: Partial<LogDeliveryStreamProps> = {}, extra?: (stream: LogDeliveryStream) => void) {
  const { stack } = environmentStack({ account: ACCOUNT, naming: new Naming("flashcrowd", "event-dec-flash-sale") });
  const bucketKey = new KmsKey(stack, "bucket-key", { alias: "logs", description: "logs" });
  const kmsKey = new KmsKey(stack, "event-key", { alias: "event", description: "event" });
  const bucket = new S3Bucket(stack, "bucket", { bucketName: `flashcrowd-event-logs-${ACCOUNT}`, kmsKey: bucketKey });
  const stream = new LogDeliveryStream(stack, "event-logs", {
    component: "event-logs",
    bucket,
    bucketKey,
    prefix: "events/dec-flash-sale/",
    kmsKey,
    ...props,
  });
  extra?.(stream);
  return synthJson(stack);
}

const s3Config = (json: ReturnType<typeof synthStream>) =>
  listOf(json, "aws_kinesis_firehose_delivery_stream")[0]!.extended_s3_configuration as Record<string, unknown>;

describe("LogDeliveryStream", () => {
  const json = synthStream();
  const config = s3Config(json);

  it("writes GZIP objects under the prefix, partitioned by date", () => {
    expect(config.prefix).toBe("events/dec-flash-sale/!{timestamp:yyyy/MM/dd}/");
    expect(config.compression_format).toBe("GZIP");
  });

  it("writes failed records under an error prefix, by error type and date", () => {
    expect(config.error_output_prefix).toBe("events/dec-flash-sale/errors/!{firehose:error-output-type}/!{timestamp:yyyy/MM/dd}/");
  });

  it("buffers 300 seconds or 64 MiB by default", () => {
    expect(config).toEqual(expect.objectContaining({ buffering_interval: 300, buffering_size: 64 }));
  });

  it("encrypts at rest in Firehose and in S3 with customer keys", () => {
    const [stream] = listOf(json, "aws_kinesis_firehose_delivery_stream");
    expect(stream!.server_side_encryption).toEqual({ enabled: true, key_type: "CUSTOMER_MANAGED_CMK", key_arn: expect.stringContaining("aws_kms_key.event-key_") });
    expect(config.kms_key_arn).toEqual(expect.stringContaining("aws_kms_key.bucket-key_"));
  });

  it("logs delivery errors to a KMS-encrypted log group with retention", () => {
    expect(config.cloudwatch_logging_options).toEqual({ enabled: true, log_group_name: expect.any(String), log_stream_name: expect.any(String) });
    expect(listOf(json, "aws_cloudwatch_log_group")[0]).toEqual(
      expect.objectContaining({ name: "/aws/kinesisfirehose/flashcrowd-event-dec-flash-sale-event-logs", retention_in_days: 30, kms_key_id: expect.stringContaining("aws_kms_key.event-key_") }),
    );
  });

  it("has a role that writes only under its prefix, uses the bucket key only through S3 and logs to its stream only", () => {
    const policy = parseJsonAttribute<Policy>(listOf(json, "aws_iam_role_policy")[0]!.policy);
    const bySid = (sid: string) => policy.Statement.find((s) => s.Sid === sid)!;
    expect(bySid("Objects").Resource).toMatch(/^\$\{aws_s3_bucket\.bucket_[A-Z0-9]+\.arn\}\/events\/dec-flash-sale\/\*$/);
    expect(bySid("BucketKey").Condition).toEqual({ StringEquals: { "kms:ViaService": "s3.ap-northeast-2.amazonaws.com" } });
    expect(bySid("ErrorLogs").Resource).toBe(
      `arn:aws:logs:ap-northeast-2:${ACCOUNT}:log-group:/aws/kinesisfirehose/flashcrowd-event-dec-flash-sale-event-logs:log-stream:DestinationDelivery`,
    );
    expect(policy.Statement.every((s) => s.Resource !== "*")).toBe(true);
  });

  it("is assumed by Firehose of this account only", () => {
    const trust = parseJsonAttribute<Policy>(listOf(json, "aws_iam_role")[0]!.assume_role_policy);
    expect(trust.Statement[0]).toEqual(expect.objectContaining({ Principal: { Service: "firehose.amazonaws.com" }, Condition: { StringEquals: { "aws:SourceAccount": ACCOUNT } } }));
  });

  it("takes buffering from props", () => {
    expect(s3Config(synthStream({ bufferingIntervalSeconds: 60, bufferingSizeMb: 5 }))).toEqual(expect.objectContaining({ buffering_interval: 60, buffering_size: 5 }));
  });

  it("rejects a prefix that does not end in '/'", () => {
    expect(() => synthStream({ prefix: "events/sale" })).toThrow(/must be one or more S3-safe path segments ending in '\/'/);
  });

  it("subscribes log groups through one role that may only put records into this stream", () => {
    const subscribed = synthStream({}, (stream) => {
      stream.subscribe("web", "/flashcrowd/event-dec-flash-sale/ecs/web");
      stream.subscribe("api", "/flashcrowd/event-dec-flash-sale/ecs/api");
    });
    expect(listOf(subscribed, "aws_cloudwatch_log_subscription_filter").map((f) => f.log_group_name).sort()).toEqual([
      "/flashcrowd/event-dec-flash-sale/ecs/api",
      "/flashcrowd/event-dec-flash-sale/ecs/web",
    ]);
    const roles = listOf(subscribed, "aws_iam_role");
    expect(roles).toHaveLength(2);
    const putPolicy = listOf(subscribed, "aws_iam_role_policy").find((p) => p.name === "put-records")!;
    expect(parseJsonAttribute<Policy>(putPolicy.policy).Statement[0]).toEqual(
      expect.objectContaining({ Action: ["firehose:PutRecord", "firehose:PutRecordBatch"], Resource: expect.stringContaining("aws_kinesis_firehose_delivery_stream.") }),
    );
  });
});
