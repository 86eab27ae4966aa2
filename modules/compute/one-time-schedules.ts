import type { Construct } from "constructs";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
import { SchedulerSchedule } from "@cdktf/provider-aws/lib/scheduler-schedule";
import { SchedulerScheduleGroup } from "@cdktf/provider-aws/lib/scheduler-schedule-group";
import { ModuleConstruct } from "../core/environment";
import type { DeadLetterQueue } from "../messaging/dead-letter-queue";
import { policyDocument, serviceTrustPolicy, type PolicyStatement } from "../security/policy-document";

export interface OneTimeSchedulesProps {
  /** Name component of the schedule group and role. */
  readonly component: string;
  /** The state machine the schedules start executions of. */
  readonly targetArn: string;
  /** What the schedules' role needs to start the target. */
  readonly targetStatements: readonly PolicyStatement[];
  /** Where an invocation that failed every retry goes. */
  readonly deadLetterQueue: DeadLetterQueue;
  /**
   * How long and how often Scheduler retries a failed start.
   * @default 1 hour, 10 attempts
   */
  readonly retry?: { readonly maximumEventAgeInSeconds: number; readonly maximumRetryAttempts: number };
}

export interface OneTimeSchedule {
  /** Name component, unique within the group. */
  readonly component: string;
  readonly description: string;
  /** `at(yyyy-mm-ddThh:mm:ss)`. */
  readonly expression: string;
  /** IANA zone the expression is read in. */
  readonly timezone: string;
  /** JSON input of the execution (the state machine's input). */
  readonly input: string;
  /**
   * Name of the execution the schedule starts. Step Functions refuses a second execution of the
   * same name (an at-least-once duplicate delivery starts nothing new), so it is derived from what
   * the schedule is for, never random.
   */
  readonly executionName: string;
}

/** The Scheduler universal target that calls Step Functions' StartExecution with the parameters in the input. */
export const START_EXECUTION_TARGET = "arn:aws:scheduler:::aws-sdk:sfn:startExecution";

/**
 * EventBridge Scheduler one-time schedules in their own group, sharing one role that may only start
 * the target and write to the dead-letter queue.
 */
export class OneTimeSchedules extends ModuleConstruct {
  readonly group: SchedulerScheduleGroup;
  readonly role: IamRole;
  readonly schedules: SchedulerSchedule[] = [];

  constructor(
    scope: Construct,
    id: string,
    private readonly props: OneTimeSchedulesProps,
  ) {
    super(scope, id);
    this.group = new SchedulerScheduleGroup(this, "group", { name: this.naming.name(props.component, 64) });
    this.role = new IamRole(this, "role", {
      name: this.naming.name(`${props.component}-scheduler`, 64),
      description: "Lets EventBridge Scheduler start the event lifecycle",
      assumeRolePolicy: serviceTrustPolicy("scheduler.amazonaws.com", this.account),
    });
    new IamRolePolicy(this, "policy", {
      name: "least-privilege",
      role: this.role.id,
      policy: policyDocument([...props.targetStatements, ...props.deadLetterQueue.sendStatements(this.region)]),
    });
  }

  add(schedule: OneTimeSchedule): SchedulerSchedule {
    if (!/^[A-Za-z0-9_-]{1,80}$/.test(schedule.executionName)) {
      throw new Error(`${this.node.path}: execution name "${schedule.executionName}" must be 1-80 letters, digits, '-' or '_' (Step Functions' limit)`);
    }
    const s = new SchedulerSchedule(this, schedule.component, {
      name: this.naming.name(schedule.component, 64),
      groupName: this.group.name,
      description: schedule.description,
      scheduleExpression: schedule.expression,
      scheduleExpressionTimezone: schedule.timezone,
      flexibleTimeWindow: { mode: "OFF" },
      state: "ENABLED",
      target: {
        // The universal target, not the state machine target: only it passes a Name to
        // StartExecution, which makes a repeated delivery start nothing.
        arn: START_EXECUTION_TARGET,
        roleArn: this.role.arn,
        input: JSON.stringify({ StateMachineArn: this.props.targetArn, Name: schedule.executionName, Input: schedule.input }),
        retryPolicy: this.props.retry ?? { maximumEventAgeInSeconds: 3600, maximumRetryAttempts: 10 },
        deadLetterConfig: { arn: this.props.deadLetterQueue.arn },
      },
    });
    this.schedules.push(s);
    return s;
  }
}
