import type { Construct } from "constructs";
import { CloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group";
import { CloudwatchLogStream } from "@cdktf/provider-aws/lib/cloudwatch-log-stream";
import { CloudwatchLogSubscriptionFilter } from "@cdktf/provider-aws/lib/cloudwatch-log-subscription-filter";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
import { KinesisFirehoseDeliveryStream } from "@cdktf/provider-aws/lib/kinesis-firehose-delivery-stream";
import { ModuleConstruct } from "../core/environment";
import type { KmsKey } from "../security/kms-key";
import { policyDocument, serviceTrustPolicy } from "../security/policy-document";

export interface LogDeliveryStreamProps {
  /** Component of the stream's name: `{project}-{stack}-<component>`. */
  readonly component: string;
  /**
   * The destination bucket: an {@link S3Bucket} of this stack, or one of a permanent stack passed
   * by reference (the logs must outlive an event stack, whose teardown cannot delete a bucket
   * that holds objects).
   */
  readonly bucket: { readonly arn: string };
  /** The bucket's SSE-KMS key; objects are written encrypted with it. */
  readonly bucketKey: { readonly arn: string };
  /**
   * Where the objects go inside the bucket, ending in '/': the date partitions
   * (`!{timestamp:yyyy/MM/dd}/`) follow it, and failed records go under `<prefix>errors/`.
   */
  readonly prefix: string;
  /**
   * Key for the stream's own encryption at rest and for its delivery-error log group (which it is
   * granted to, for that log group only).
   */
  readonly kmsKey: KmsKey;
  /**
   * Seconds to buffer before writing an object (0 to 900).
   * @default 300 - fewer, larger objects; a record reaches S3 at most this late
   */
  readonly bufferingIntervalSeconds?: number;
  /**
   * MiB to buffer before writing an object (1 to 128).
   * @default 64
   */
  readonly bufferingSizeMb?: number;
  /**
   * Retention of the delivery-error log group (days).
   * @default 30
   */
  readonly errorLogRetentionDays?: number;
}

/**
 * A Firehose delivery stream (Direct PUT) into S3: GZIP objects partitioned by delivery date
 * under a prefix, failed records under an error prefix, encrypted at rest in Firehose and in S3 with
 * customer keys, delivery errors logged to an encrypted log group, and a role that can write only
 * under its prefix. CloudWatch Logs groups can be subscribed with {@link subscribe}.
 */
export class LogDeliveryStream extends ModuleConstruct {
  readonly stream: KinesisFirehoseDeliveryStream;
  readonly role: IamRole;
  readonly errorLogGroup: CloudwatchLogGroup;
  private readonly props: LogDeliveryStreamProps;
  private subscriptionRole?: IamRole;

  constructor(scope: Construct, id: string, props: LogDeliveryStreamProps) {
    super(scope, id);
    const { naming, account: accountId, region } = this;
    if (!/^([A-Za-z0-9!_.*'()-]+\/)+$/.test(props.prefix)) {
      throw new Error(`${this.node.path}: prefix "${props.prefix}" must be one or more S3-safe path segments ending in '/'`);
    }
    this.props = props;
    const name = naming.name(props.component);

    const groupName = `/aws/kinesisfirehose/${name}`;
    const groupArn = props.kmsKey.allowLogGroup(`CloudWatchLogsFirehose${props.component.replace(/-/g, "")}`, groupName);
    this.errorLogGroup = new CloudwatchLogGroup(this, "error-logs", {
      name: groupName,
      retentionInDays: props.errorLogRetentionDays ?? 30,
      kmsKeyId: props.kmsKey.arn,
    });
    const logStream = new CloudwatchLogStream(this, "error-log-stream", { name: "DestinationDelivery", logGroupName: this.errorLogGroup.name });

    this.role = new IamRole(this, "role", {
      name: naming.name(`${props.component}-firehose`),
      description: `Lets Firehose stream ${name} write under s3://.../${props.prefix}`,
      assumeRolePolicy: serviceTrustPolicy("firehose.amazonaws.com", accountId),
    });
    new IamRolePolicy(this, "policy", {
      role: this.role.id,
      name: "deliver-to-s3",
      policy: policyDocument([
        { sid: "Bucket", actions: ["s3:GetBucketLocation", "s3:ListBucket", "s3:ListBucketMultipartUploads"], resources: [props.bucket.arn] },
        {
          sid: "Objects",
          actions: ["s3:PutObject", "s3:GetObject", "s3:AbortMultipartUpload"],
          resources: [`${props.bucket.arn}/${props.prefix}*`],
        },
        {
          sid: "BucketKey",
          actions: ["kms:GenerateDataKey", "kms:Decrypt"],
          resources: [props.bucketKey.arn],
          conditions: { StringEquals: { "kms:ViaService": `s3.${region}.amazonaws.com` } },
        },
        { sid: "ErrorLogs", actions: ["logs:PutLogEvents"], resources: [`${groupArn}:log-stream:DestinationDelivery`] },
      ]),
    });

    this.stream = new KinesisFirehoseDeliveryStream(this, "stream", {
      name,
      destination: "extended_s3",
      serverSideEncryption: { enabled: true, keyType: "CUSTOMER_MANAGED_CMK", keyArn: props.kmsKey.arn },
      extendedS3Configuration: {
        bucketArn: props.bucket.arn,
        roleArn: this.role.arn,
        kmsKeyArn: props.bucketKey.arn,
        prefix: `${props.prefix}!{timestamp:yyyy/MM/dd}/`,
        errorOutputPrefix: `${props.prefix}errors/!{firehose:error-output-type}/!{timestamp:yyyy/MM/dd}/`,
        bufferingInterval: props.bufferingIntervalSeconds ?? 300,
        bufferingSize: props.bufferingSizeMb ?? 64,
        compressionFormat: "GZIP",
        cloudwatchLoggingOptions: { enabled: true, logGroupName: this.errorLogGroup.name, logStreamName: logStream.name },
      },
    });
  }

  get arn(): string {
    return this.stream.arn;
  }

  get name(): string {
    return this.stream.name;
  }

  /**
   * Sends every event of a CloudWatch Logs group (e.g. a service's container logs) into the
   * stream, so the logs land in S3 and outlive the log group.
   */
  subscribe(id: string, logGroupName: string, filterPattern = ""): CloudwatchLogSubscriptionFilter {
    const { naming, account: accountId, region } = this;
    const { component } = this.props;
    if (!this.subscriptionRole) {
      this.subscriptionRole = new IamRole(this, "subscription-role", {
        name: naming.name(`${component}-logs-to-firehose`),
        description: `Lets CloudWatch Logs put subscribed log events into ${naming.name(component)}`,
        assumeRolePolicy: serviceTrustPolicy(`logs.${region}.amazonaws.com`, accountId),
      });
      new IamRolePolicy(this, "subscription-policy", {
        role: this.subscriptionRole.id,
        name: "put-records",
        policy: policyDocument([{ actions: ["firehose:PutRecord", "firehose:PutRecordBatch"], resources: [this.stream.arn] }]),
      });
    }
    return new CloudwatchLogSubscriptionFilter(this, `subscription-${id}`, {
      name: naming.name(`${component}-${id}`, 512),
      logGroupName,
      filterPattern,
      destinationArn: this.stream.arn,
      roleArn: this.subscriptionRole.arn,
    });
  }
}
