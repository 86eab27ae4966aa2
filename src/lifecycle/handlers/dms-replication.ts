/**
 * Lambda: brings the event's DMS task to a clean stop at a commit time, once the event has been
 * quiesced (no new writes, order queues drained).
 *
 * `stop-at` is called repeatedly by the state machine until `stoppedAtCommitTime` is true:
 * 1. a running task is stopped (a task's stop position can only be set while it is stopped);
 * 2. a stopped task is resumed with `CdcStopPosition: commit_time:<T>`: DMS applies every change
 *    committed up to T and stops by itself ("Stop Reason STOPPED_AT_COMMIT_TIME");
 * 3. then it answers `stoppedAtCommitTime: true`: everything written before the quiesce is in prod,
 *    and the reconciliation can compare the two databases without a moving target.
 *
 * DMS row validation is not used as the gate: AWS does not support it when the target tables also
 * hold other rows (prod's own orders), so the project's reconciliation by key decides instead.
 */
import {
  DatabaseMigrationServiceClient,
  DescribeReplicationTasksCommand,
  StartReplicationTaskCommand,
  StopReplicationTaskCommand,
  type ReplicationTask,
} from "@aws-sdk/client-database-migration-service";
import { dmsRequestSchema, parsePayload } from "../contracts";
import { classifyAwsError } from "./runtime";

export type { DmsRequest } from "../contracts";

export interface DmsResult {
  readonly status: string;
  readonly stopReason?: string;
  /** True once the task stopped by itself at the requested commit time. */
  readonly stoppedAtCommitTime: boolean;
  /** What this call did or waits for, in words. */
  readonly detail: string;
}

/** The task stopped in a way that needs a person (failed, or missing). */
export class ReplicationTaskFailed extends Error {
  override readonly name = "ReplicationTaskFailed";
}

export interface DmsDeps {
  readonly dms: Pick<DatabaseMigrationServiceClient, "send">;
}

const AT_COMMIT_TIME = "STOPPED_AT_COMMIT_TIME";
const RUNNING = new Set(["running", "starting", "resuming"]);

/** `commit_time:2026-12-06T01:00:00`, the format DMS takes (UTC, seconds). */
export function commitTimePosition(iso: string): string {
  return `commit_time:${new Date(iso).toISOString().slice(0, 19)}`;
}

export function createDmsHandler(deps: DmsDeps): (input: unknown) => Promise<DmsResult> {
  const describeTask = async (taskId: string): Promise<ReplicationTask | undefined> => {
    try {
      const out = await deps.dms.send(new DescribeReplicationTasksCommand({ Filters: [{ Name: "replication-task-id", Values: [taskId] }], WithoutSettings: true }));
      return out.ReplicationTasks?.find((t) => t.ReplicationTaskIdentifier === taskId);
    } catch (error) {
      if ((error as { name?: string }).name === "ResourceNotFoundFault") return undefined;
      return classifyAwsError(error);
    }
  };
  const call = async <T>(f: () => Promise<T>): Promise<T> => {
    try {
      return await f();
    } catch (error) {
      return classifyAwsError(error);
    }
  };

  return async (input) => {
    const request = parsePayload(dmsRequestSchema, input, "dms-replication");
    const task = await describeTask(request.taskId);
    if (!task) throw new ReplicationTaskFailed(`DMS task ${request.taskId} not found: the event's changes cannot be confirmed in prod`);
    const status = task.Status ?? "unknown";
    const stopReason = task.StopReason;
    if (request.action === "status") return { status, ...(stopReason ? { stopReason } : {}), stoppedAtCommitTime: false, detail: `task is ${status}` };

    const position = commitTimePosition(request.commitTime);
    const resumedWithPosition = task.CdcStopPosition === position;
    if (status === "stopped" && resumedWithPosition && (stopReason ?? "").includes(AT_COMMIT_TIME)) {
      return { status, stopReason, stoppedAtCommitTime: true, detail: `stopped at ${position}: every change committed before it was applied` };
    }
    if (RUNNING.has(status)) {
      if (resumedWithPosition) return { status, stoppedAtCommitTime: false, detail: `applying changes up to ${position}` };
      await call(() => deps.dms.send(new StopReplicationTaskCommand({ ReplicationTaskArn: task.ReplicationTaskArn })));
      return { status: "stopping", stoppedAtCommitTime: false, detail: `stopping the task to set its stop position ${position}` };
    }
    if (status === "stopping") return { status, stoppedAtCommitTime: false, detail: "waiting for the task to stop" };
    if (status === "stopped" || status === "ready") {
      if (status === "ready") throw new ReplicationTaskFailed(`DMS task ${request.taskId} never ran: nothing of the event reached prod through it`);
      await call(() =>
        deps.dms.send(
          new StartReplicationTaskCommand({ ReplicationTaskArn: task.ReplicationTaskArn, StartReplicationTaskType: "resume-processing", CdcStopPosition: position }),
        ),
      );
      return { status: "starting", stoppedAtCommitTime: false, detail: `resumed to apply every change up to ${position}, then stop` };
    }
    const why = task.LastFailureMessage ?? stopReason ?? "no reason given";
    throw new ReplicationTaskFailed(
      `DMS task ${request.taskId} is ${status} (${why}): changes may be missing in prod; fix the task (runbook: DMS task failed) and run the teardown again`,
    );
  };
}

export const handler = createDmsHandler({ dms: new DatabaseMigrationServiceClient({}) });
