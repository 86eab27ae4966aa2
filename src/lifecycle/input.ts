/**
 * The input of one lifecycle execution: what a schedule (or a person) passes to the state machine.
 * Everything a step needs about the event is in it, so the handlers need no configuration of their
 * own and the names cannot drift from what the event stack creates.
 */
import type { Config, ResolvedEvent } from "../config";
import { eventResourceNames } from "../config/event-resources";

export type LifecycleAction = "up" | "down";

export interface LifecycleEventInput {
  readonly slug: string;
  readonly name: string;
  readonly stackId: string;
  readonly workspace: string;
  /** Slack channel of the team that owns the sale; empty when none is configured. */
  readonly ownerChannel: string;
  readonly opensAt: string;
  readonly closesAt: string;
  readonly dmsTaskId: string;
  readonly dmsReplicationInstanceId: string;
  readonly auroraClusterId: string;
  readonly finalSnapshotId: string;
  readonly smokeCheckUrl: string;
  readonly postApplyFunctionName: string;
  readonly dataCheckFunctionName: string;
  readonly ecsClusterName: string;
  readonly httpServices: readonly string[];
  readonly workerServices: readonly string[];
  readonly ordersQueueName: string;
  readonly ordersDeadLetterQueueName: string;
  readonly verifiedSnapshotId: string;
}

export interface LifecycleInput {
  readonly action: LifecycleAction;
  /** When the schedule was meant to fire (ISO-8601 in the event's zone), for messages. */
  readonly scheduledAt: string;
  readonly event: LifecycleEventInput;
}

const iso = (d: { toISO(o: { suppressMilliseconds: boolean }): string | null }) => d.toISO({ suppressMilliseconds: true }) ?? "";

export function lifecycleInput(config: Config, event: ResolvedEvent, action: LifecycleAction): LifecycleInput {
  const names = eventResourceNames(config, event);
  return {
    action,
    scheduledAt: iso(action === "up" ? event.spinUpAt : event.teardownAt),
    event: {
      slug: event.slug,
      name: event.name,
      stackId: names.stackId,
      workspace: names.workspace,
      ownerChannel: event.ownerChannel ?? "",
      opensAt: iso(event.opensAt),
      closesAt: iso(event.closesAt),
      dmsTaskId: names.dmsTaskId,
      dmsReplicationInstanceId: names.dmsReplicationInstanceId,
      auroraClusterId: names.auroraClusterId,
      finalSnapshotId: names.finalSnapshotId,
      smokeCheckUrl: names.smokeCheckUrl,
      postApplyFunctionName: names.postApplyFunctionName,
      dataCheckFunctionName: names.dataCheckFunctionName,
      ecsClusterName: names.ecsClusterName,
      httpServices: names.services.http,
      workerServices: names.services.worker,
      ordersQueueName: names.ordersQueueName,
      ordersDeadLetterQueueName: names.ordersDeadLetterQueueName,
      verifiedSnapshotId: names.verifiedSnapshotId,
    },
  };
}
