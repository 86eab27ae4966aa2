import { Lazy } from "cdktf";
import type { Construct } from "constructs";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
import { SchedulerSchedule } from "@cdktf/provider-aws/lib/scheduler-schedule";
import { SchedulerScheduleGroup } from "@cdktf/provider-aws/lib/scheduler-schedule-group";
import { ModuleConstruct } from "../core/environment";
import { policyDocument, serviceTrustPolicy, type PolicyStatement } from "../security/policy-document";

export interface OffHoursProps {
  /** IANA time zone the cron expressions are read in; schedules follow its daylight saving. */
  readonly timeZone: string;
  /** When to stop (AWS cron), e.g. `cron(0 21 ? * MON-FRI *)`. */
  readonly stopCron: string;
  /** When to start again (AWS cron), e.g. `cron(0 8 ? * MON-FRI *)`. */
  readonly startCron: string;
}

/** An EKS managed node group scaled to zero off hours. */
export interface OffHoursNodeGroup {
  /** Short literal id for schedule names (`system`); the node group's own name may be computed. */
  readonly id: string;
  readonly clusterName: string;
  readonly nodeGroupName: string;
  /** Scaling restored at start time; at stop time min and desired become 0 and max stays. */
  readonly minSize: number;
  readonly maxSize: number;
  readonly desiredSize: number;
}

/** Universal-target ARN of an AWS SDK call EventBridge Scheduler makes itself (no Lambda). */
function sdkTarget(service: string, action: string): string {
  return `arn:aws:scheduler:::aws-sdk:${service}:${action}`;
}

/**
 * Stops non-production resources outside working hours and starts them again, with EventBridge
 * Scheduler's universal AWS SDK targets (no Lambda to maintain): `rds:stopDBCluster` /
 * `startDBCluster` for Aurora clusters and `eks:updateNodegroupConfig` to scale managed node
 * groups to zero and back. Schedules run in the configured time zone. The role may call exactly
 * those actions on exactly the resources added.
 *
 * A stopped Aurora cluster is started by AWS after seven days; the next stop schedule stops it again.
 */
export class OffHours extends ModuleConstruct {
  readonly group: SchedulerScheduleGroup;
  readonly role: IamRole;
  private readonly props: OffHoursProps;
  private readonly statements: PolicyStatement[] = [];
  private readonly schedules: SchedulerSchedule[] = [];

  constructor(scope: Construct, id: string, props: OffHoursProps) {
    super(scope, id);
    this.props = props;
    const { naming } = this;
    this.group = new SchedulerScheduleGroup(this, "group", { name: naming.name("off-hours") });
    this.role = new IamRole(this, "role", {
      name: naming.name("off-hours"),
      description: "Lets EventBridge Scheduler stop and start resources off hours",
      assumeRolePolicy: serviceTrustPolicy("scheduler.amazonaws.com", this.account),
    });
    new IamRolePolicy(this, "policy", {
      role: this.role.id,
      name: "stop-and-start",
      policy: Lazy.stringValue({ produce: () => policyDocument(this.statements) }),
    });
    this.node.addValidation({
      validate: () => (this.schedules.length === 0 ? [`${this.node.path}: nothing to stop; add an Aurora cluster or a node group`] : []),
    });
  }

  /** Stops the Aurora cluster at stop time and starts it at start time. */
  addAuroraCluster(clusterIdentifier: string): void {
    const { region, account: accountId } = this;
    this.statements.push({
      sid: `StopStart${this.statements.length}`,
      actions: ["rds:StopDBCluster", "rds:StartDBCluster"],
      resources: [`arn:aws:rds:${region}:${accountId}:cluster:${clusterIdentifier}`],
    });
    const input = JSON.stringify({ DbClusterIdentifier: clusterIdentifier });
    this.schedule(`stop-${clusterIdentifier}`, this.props.stopCron, sdkTarget("rds", "stopDBCluster"), input, `Stop Aurora cluster ${clusterIdentifier}`);
    this.schedule(`start-${clusterIdentifier}`, this.props.startCron, sdkTarget("rds", "startDBCluster"), input, `Start Aurora cluster ${clusterIdentifier}`);
  }

  /** Scales an EKS managed node group to zero at stop time and back to its sizes at start time. */
  addEksNodeGroup(nodeGroup: OffHoursNodeGroup): void {
    const { region, account: accountId } = this;
    const { id, clusterName, nodeGroupName, minSize, maxSize, desiredSize } = nodeGroup;
    if (maxSize < 1 || minSize > desiredSize || desiredSize > maxSize) {
      throw new Error(`${this.node.path}: node group ${nodeGroupName} needs 0 <= minSize <= desiredSize <= maxSize and maxSize >= 1`);
    }
    this.statements.push({
      sid: `ScaleNodeGroup${this.statements.length}`,
      actions: ["eks:UpdateNodegroupConfig"],
      resources: [`arn:aws:eks:${region}:${accountId}:nodegroup/${clusterName}/${nodeGroupName}/*`],
    });
    const input = (min: number, desired: number) =>
      JSON.stringify({ ClusterName: clusterName, NodegroupName: nodeGroupName, ScalingConfig: { MinSize: min, MaxSize: maxSize, DesiredSize: desired } });
    const target = sdkTarget("eks", "updateNodegroupConfig");
    this.schedule(`stop-${id}`, this.props.stopCron, target, input(0, 0), `Scale node group ${nodeGroupName} of ${clusterName} to zero`);
    this.schedule(`start-${id}`, this.props.startCron, target, input(minSize, desiredSize), `Scale node group ${nodeGroupName} of ${clusterName} back to ${desiredSize}`);
  }

  private schedule(component: string, cron: string, arn: string, input: string, description: string): void {
    const { naming } = this;
    this.schedules.push(
      new SchedulerSchedule(this, component, {
        name: naming.name(`off-hours-${component}`),
        groupName: this.group.name,
        description,
        scheduleExpression: cron,
        scheduleExpressionTimezone: this.props.timeZone,
        flexibleTimeWindow: { mode: "OFF" },
        state: "ENABLED",
        target: {
          arn,
          roleArn: this.role.arn,
          input,
          retryPolicy: { maximumRetryAttempts: 3, maximumEventAgeInSeconds: 3600 },
        },
      }),
    );
  }
}
