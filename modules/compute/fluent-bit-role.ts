import type { Construct } from "constructs";
import { CloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group";
import { ModuleConstruct } from "../core/environment";
import type { S3Bucket } from "../data/s3-bucket";
import type { PolicyStatement } from "../security/policy-document";
import type { EksCluster } from "./eks-cluster";
import { PodIdentityRole } from "./pod-identity-role";

export interface FluentBitRoleProps {
  readonly cluster: EksCluster;
  /** Retention of the container log group. @default 90 days */
  readonly logRetentionDays?: number;
  /**
   * Bucket Fluent Bit may also archive logs to (objects under `archive.prefix` only).
   * @default - CloudWatch Logs only
   */
  readonly archive?: { readonly bucket: S3Bucket; readonly prefix: string };
  /** Namespace of Fluent Bit's service account. @default "amazon-cloudwatch" */
  readonly namespace?: string;
  /** Fluent Bit's service account. @default "fluent-bit" */
  readonly serviceAccount?: string;
}

/**
 * Where the cluster's container logs go, and the Pod Identity role that lets Fluent Bit write
 * them: a log group created here (retention, encrypted with the cluster key) so Fluent Bit needs
 * no logs:CreateLogGroup, streams and events in that group only, and optionally objects under one
 * prefix of an archive bucket.
 */
export class FluentBitRole extends ModuleConstruct {
  readonly logGroup: CloudwatchLogGroup;
  readonly role: PodIdentityRole;

  constructor(scope: Construct, id: string, props: FluentBitRoleProps) {
    super(scope, id);
    const { cluster } = props;
    const groupName = `/aws/eks/${cluster.clusterName}/containers`;
    const groupArn = cluster.key.allowLogGroup("CloudWatchLogsContainers", groupName);
    this.logGroup = new CloudwatchLogGroup(this, "log-group", {
      name: groupName,
      retentionInDays: props.logRetentionDays ?? 90,
      kmsKeyId: cluster.key.arn,
    });
    const statements: PolicyStatement[] = [
      {
        sid: "WriteContainerLogs",
        actions: ["logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogStreams"],
        resources: [`${groupArn}:*`],
      },
    ];
    if (props.archive) {
      statements.push({ sid: "ArchiveContainerLogs", actions: ["s3:PutObject"], resources: [`${props.archive.bucket.arn}/${props.archive.prefix}*`] });
    }
    this.role = new PodIdentityRole(this, "role", {
      name: "fluent-bit",
      description: `Fluent Bit of ${cluster.clusterName}: container logs to CloudWatch Logs${props.archive ? " and S3" : ""}`,
      clusterName: cluster.clusterName,
      clusterArn: cluster.clusterArn,
      namespace: props.namespace ?? "amazon-cloudwatch",
      serviceAccount: props.serviceAccount ?? "fluent-bit",
      statements,
    });
  }

  get logGroupName(): string {
    return this.logGroup.name;
  }

  get roleArn(): string {
    return this.role.roleArn;
  }
}
