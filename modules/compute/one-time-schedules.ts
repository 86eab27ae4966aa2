import type { Construct } from "constructs";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
import { SchedulerSchedule } from "@cdktf/provider-aws/lib/scheduler-schedule";
import { SchedulerScheduleGroup } from "@cdktf/provider-aws/lib/scheduler-schedule-group";
import { ModuleConstruct } from "../core/environment";
import { PolicyStatements, type Grant, type IGrantable, type IPrincipal } from "../core/grant";
import type { DeadLetterQueue } from "../messaging/dead-letter-queue";
import { serviceTrustPolicy, type PolicyStatement } from "../security/policy-document";

/** A state machine the schedules start, which grants its starting itself. */
export interface ScheduleTarget {
  readonly arn: string;
  grantStartExecution(grantee: IGrantable): Grant;
}

export interface OneTimeSchedulesProps {
  /** Name component of the schedule group and role. */
  readonly component: string;
  /** The state machine the schedules start executions of; it grants the schedules' role the start. */
  readonly target: ScheduleTarget;
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
 * the target and write to the dead-letter queue (both granted by them into the role's one policy).
 */
export class OneTimeSchedules extends ModuleConstruct implements IGrantable, IPrincipal {
  readonly grantPrincipal: IPrincipal = this;
  readonly group: SchedulerScheduleGroup;
  readonly role: IamRole;
  readonly schedules: SchedulerSchedule[] = [];
  private readonly statements = new PolicyStatements();

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
    props.target.grantStartExecution(this);
    props.deadLetterQueue.grantSend(this);
    new IamRolePolicy(this, "policy", { name: "least-privilege", role: this.role.id, policy: this.statements.document() });
  }

  get grantId(): string {
    return this.node.id;
  }

  /** Grants land in the role's one policy. */
  addToPrincipalPolicy(statements: readonly PolicyStatement[]): boolean {
    this.statements.add(...statements);
    return true;
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
        input: JSON.stringify({ StateMachineArn: this.props.target.arn, Name: schedule.executionName, Input: schedule.input }),
        retryPolicy: this.props.retry ?? { maximumEventAgeInSeconds: 3600, maximumRetryAttempts: 10 },
        deadLetterConfig: { arn: this.props.deadLetterQueue.arn },
      },
    });
    this.schedules.push(s);
    return s;
  }
}
