/**
 * One CloudWatch metric alarm from a typed description, with the project's defaults: alarm and
 * OK notifications to the same topics, and missing data treated as "not breaching" unless said.
 */
import type { Construct } from "constructs";
import { CloudwatchMetricAlarm } from "@cdktf/provider-aws/lib/cloudwatch-metric-alarm";
import type { Metric } from "./metric";

export type AlarmComparison =
  | "GreaterThanThreshold"
  | "GreaterThanOrEqualToThreshold"
  | "LessThanThreshold"
  | "LessThanOrEqualToThreshold";

export interface AlarmSpec {
  /** Construct id, unique in the scope. */
  readonly id: string;
  /** Alarm name (unique in the account and region). */
  readonly name: string;
  /** What it means and what to look at first. */
  readonly description: string;
  /** The metric, from its resource: `aurora.metric("CPUUtilization")`. */
  readonly metric: Metric;
  /** A statistic, or a percentile such as `p99`. */
  readonly statistic: "Average" | "Maximum" | "Minimum" | "Sum" | "SampleCount" | `p${number}`;
  readonly comparison: AlarmComparison;
  readonly threshold: number;
  /** @default 300 */
  readonly periodSeconds?: number;
  /** @default 3 */
  readonly evaluationPeriods?: number;
  /** Breaching periods out of `evaluationPeriods` that raise the alarm. @default evaluationPeriods */
  readonly datapointsToAlarm?: number;
  /** @default "notBreaching" - no traffic is not an incident */
  readonly treatMissingData?: "missing" | "notBreaching" | "breaching" | "ignore";
}

export function metricAlarm(scope: Construct, spec: AlarmSpec, topicArns: readonly string[]): CloudwatchMetricAlarm {
  const percentile = /^p\d+(\.\d+)?$/.test(spec.statistic);
  const evaluationPeriods = spec.evaluationPeriods ?? 3;
  return new CloudwatchMetricAlarm(scope, spec.id, {
    alarmName: spec.name,
    alarmDescription: spec.description,
    namespace: spec.metric.namespace,
    metricName: spec.metric.metricName,
    dimensions: { ...spec.metric.dimensions },
    statistic: percentile ? undefined : spec.statistic,
    extendedStatistic: percentile ? spec.statistic : undefined,
    comparisonOperator: spec.comparison,
    threshold: spec.threshold,
    period: spec.periodSeconds ?? 300,
    evaluationPeriods,
    datapointsToAlarm: spec.datapointsToAlarm ?? evaluationPeriods,
    treatMissingData: spec.treatMissingData ?? "notBreaching",
    alarmActions: [...topicArns],
    okActions: [...topicArns],
  });
}
