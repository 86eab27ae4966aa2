import type { Construct } from "constructs";
import type { HelmProvider } from "@cdktf/provider-helm/lib/provider";
import { ModuleConstruct } from "../core/environment";
import { ChartRelease, type ChartSource } from "./chart-release";
import { ADDON_SERVICE_ACCOUNTS, POD_IDENTITY_ROLE_ANNOTATION, type ContainerLogDestinations } from "./contract";

export const AWS_FOR_FLUENT_BIT_CHART: ChartSource = { repository: "https://aws.github.io/eks-charts", chart: "aws-for-fluent-bit" };

export interface FluentBitProps {
  /** Exact chart version. */
  readonly version: string;
  /** Namespace; its service account is {@link ADDON_SERVICE_ACCOUNTS}.fluentBit. */
  readonly namespace: string;
  /** The platform's Pod Identity role for Fluent Bit (shown on its service account). */
  readonly roleArn: string;
  readonly destinations: ContainerLogDestinations;
  /** @default the stack's helm provider */
  readonly provider?: HelmProvider;
}

/**
 * Fluent Bit (aws-for-fluent-bit) on every node, shipping container logs with Kubernetes metadata
 * to the platform's CloudWatch Logs group (never creating groups: retention and encryption are the
 * platform's) and an archive copy to S3 under the prefix the platform's role allows, both in the
 * stack's region.
 */
export class FluentBit extends ModuleConstruct {
  readonly chart: ChartRelease;

  constructor(scope: Construct, id: string, props: FluentBitProps) {
    super(scope, id);
    const sa = ADDON_SERVICE_ACCOUNTS.fluentBit;
    const d = props.destinations;
    this.chart = new ChartRelease(this, "chart", {
      name: "aws-for-fluent-bit",
      namespace: props.namespace,
      source: AWS_FOR_FLUENT_BIT_CHART,
      version: props.version,
      provider: props.provider,
      values: {
        serviceAccount: { create: true, name: sa.name, annotations: { [POD_IDENTITY_ROLE_ANNOTATION]: props.roleArn } },
        cloudWatchLogs: {
          enabled: true,
          region: this.region,
          logGroupName: d.logGroupName,
          logStreamPrefix: "container-",
          autoCreateGroup: false,
        },
        s3: {
          enabled: true,
          region: this.region,
          bucket: d.archiveBucketName,
          // $TAG and the strftime fields are Fluent Bit's; the prefix is the one the role may write under.
          s3KeyFormat: `/${d.archivePrefix}$TAG/%Y/%m/%d/%H-%M-%S`,
          totalFileSize: "100M",
          uploadTimeout: "10m",
        },
        cloudWatch: { enabled: false },
        firehose: { enabled: false },
        kinesis: { enabled: false },
        elasticsearch: { enabled: false },
      },
    });
  }
}
