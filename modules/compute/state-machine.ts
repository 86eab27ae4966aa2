import type { Construct } from "constructs";
import { CloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group";
import { CloudwatchMetricAlarm } from "@cdktf/provider-aws/lib/cloudwatch-metric-alarm";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
import { SfnStateMachine } from "@cdktf/provider-aws/lib/sfn-state-machine";
import { ModuleConstruct } from "../core/environment";
import { Grant, type IGrantable } from "../core/grant";
import type { KmsKey } from "../security/kms-key";
import { policyDocument, serviceTrustPolicy, type PolicyStatement } from "../security/policy-document";
import { sid } from "../security/sid";

export interface StateMachineProps {
  /** Name component: the state machine is `{project}-{stack}-{component}`. */
  readonly component: string;
  /** The Amazon States Language definition (serialized here). */
  readonly definition: object;
  /** Function ARNs the definition invokes. */
  readonly invokes: readonly string[];
  /**
   * Further functions it may invoke by name, as ARN patterns (functions other stacks create).
   * @default - none
   */
  readonly invokePatterns?: readonly string[];
  /** Key encrypting the log group. */
  readonly key: KmsKey;
  /** @default 90 days */
  readonly logRetentionDays?: number;
  /**
   * Log each state's input and output. Helps debugging; off because inputs may carry data that
   * should not sit in logs.
   * @default false
   */
  readonly logExecutionData?: boolean;
}

/**
 * A STANDARD Step Functions state machine with a role that may invoke only the given functions,
 * logging of every event to a KMS-encrypted log group, and X-Ray tracing.
 */
export class StateMachine extends ModuleConstruct {
  readonly stateMachine: SfnStateMachine;
  readonly role: IamRole;
  readonly logGroup: CloudwatchLogGroup;
  private readonly component: string;

  constructor(scope: Construct, id: string, props: StateMachineProps) {
    super(scope, id);
    this.component = props.component;
    const { naming, account } = this;
    const name = naming.name(props.component, 80);
    const logGroupName = `/aws/vendedlogs/states/${name}`;
    props.key.allowLogGroup(`Logs${props.component.replace(/[^a-zA-Z0-9]/g, "")}StateMachine`, logGroupName);
    this.logGroup = new CloudwatchLogGroup(this, "logs", { name: logGroupName, retentionInDays: props.logRetentionDays ?? 90, kmsKeyId: props.key.arn });

    const invokable = [...props.invokes, ...props.invokes.map((arn) => `${arn}:*`), ...(props.invokePatterns ?? [])];
    const statements: PolicyStatement[] = [
      { sid: "InvokeSteps", actions: ["lambda:InvokeFunction"], resources: invokable },
      // Log delivery and X-Ray actions do not support resource-level permissions.
      {
        sid: "DeliverLogs",
        actions: [
          "logs:CreateLogDelivery",
          "logs:GetLogDelivery",
          "logs:UpdateLogDelivery",
          "logs:DeleteLogDelivery",
          "logs:ListLogDeliveries",
          "logs:PutResourcePolicy",
          "logs:DescribeResourcePolicies",
          "logs:DescribeLogGroups",
        ],
        resources: ["*"],
      },
      { sid: "XRayTraces", actions: ["xray:PutTraceSegments", "xray:PutTelemetryRecords", "xray:GetSamplingRules", "xray:GetSamplingTargets"], resources: ["*"] },
    ];
    this.role = new IamRole(this, "role", {
      name: naming.name(`${props.component}-sfn`, 64),
      description: `Runs the ${name} state machine`,
      assumeRolePolicy: serviceTrustPolicy("states.amazonaws.com", account),
    });
    const policy = new IamRolePolicy(this, "policy", { name: "least-privilege", role: this.role.id, policy: policyDocument(statements) });

    this.stateMachine = new SfnStateMachine(this, "state-machine", {
      name,
      type: "STANDARD",
      roleArn: this.role.arn,
      definition: JSON.stringify(props.definition),
      loggingConfiguration: { logDestination: `${this.logGroup.arn}:*`, includeExecutionData: props.logExecutionData ?? false, level: "ALL" },
      tracingConfiguration: { enabled: true },
      dependsOn: [policy],
    });
  }

  get arn(): string {
    return this.stateMachine.arn;
  }

  /** Lets `grantee` start executions (statement `Start<Component>`). */
  grantStartExecution(grantee: IGrantable): Grant {
    return Grant.addToPrincipal({
      grantee,
      resource: this,
      statements: [{ sid: sid("Start", this.component), actions: ["states:StartExecution"], resources: [this.stateMachine.arn] }],
      policy: { id: `start-${this.component}`, name: `start-${this.component}` },
    });
  }

  /** Alarms to `topicArn` when an execution fails, times out or is aborted. */
  alarmOnFailures(topicArn: string): CloudwatchMetricAlarm[] {
    return ["ExecutionsFailed", "ExecutionsTimedOut", "ExecutionsAborted"].map(
      (metric) =>
        new CloudwatchMetricAlarm(this, `alarm-${metric.toLowerCase()}`, {
          alarmName: `${this.stateMachine.name}-${metric.replace("Executions", "").toLowerCase()}`,
          alarmDescription: `An execution of ${this.stateMachine.name} ended ${metric.replace("Executions", "").toLowerCase()}: open its history, fix the cause, use the manual workflow if the sale is near`,
          namespace: "AWS/States",
          metricName: metric,
          dimensions: { StateMachineArn: this.stateMachine.arn },
          statistic: "Sum",
          period: 300,
          evaluationPeriods: 1,
          threshold: 0,
          comparisonOperator: "GreaterThanThreshold",
          treatMissingData: "notBreaching",
          alarmActions: [topicArn],
        }),
    );
  }
}
