import {
  DatabaseMigrationServiceClient,
  DescribeReplicationTasksCommand,
  StartReplicationTaskCommand,
  StopReplicationTaskCommand,
  type ReplicationTask,
} from "@aws-sdk/client-database-migration-service";
import { mockClient } from "aws-sdk-client-mock";
import { beforeEach, describe, expect, it } from "vitest";
import { InvalidPayload } from "../../../src/lifecycle/contracts";
import { commitTimePosition, createDmsHandler, ReplicationTaskFailed } from "../../../src/lifecycle/handlers/dms-replication";
import { TransientError } from "../../../src/lifecycle/handlers/runtime";

const dmsMock = mockClient(DatabaseMigrationServiceClient);
const handler = createDmsHandler({ dms: new DatabaseMigrationServiceClient({}) });
const TASK_ID = "flashcrowd-event-dec-flash-sale-sync";
const TASK_ARN = "arn:aws:dms:ap-northeast-2:210987654321:task:ABCDEFGHIJKLMNOP";
const COMMIT_TIME = "2026-12-06T01:00:00.000Z";
const POSITION = "commit_time:2026-12-06T01:00:00";
const stopAt = { action: "stop-at", taskId: TASK_ID, commitTime: COMMIT_TIME };

function givenTask(task: Partial<ReplicationTask>): void {
  dmsMock.on(DescribeReplicationTasksCommand).resolves({
    ReplicationTasks: [{ ReplicationTaskIdentifier: TASK_ID, ReplicationTaskArn: TASK_ARN, ...task }],
  });
  dmsMock.on(StopReplicationTaskCommand).resolves({});
  dmsMock.on(StartReplicationTaskCommand).resolves({});
}

beforeEach(() => dmsMock.reset());

describe("commit time stop position", () => {
  it.each([
    ["2026-12-06T01:00:00Z", "commit_time:2026-12-06T01:00:00"],
    ["2026-12-06T10:00:00+09:00", "commit_time:2026-12-06T01:00:00"],
    ["2026-12-06T01:00:00.987Z", "commit_time:2026-12-06T01:00:00"],
  ])("turns %s into %s (UTC, whole seconds)", (iso, position) => {
    expect(commitTimePosition(iso)).toBe(position);
  });
});

describe("DMS stop at a commit time", () => {
  it("stops a running task first, since a stop position can only be set on a stopped task", async () => {
    // GIVEN a task still replicating without a stop position
    givenTask({ Status: "running" });
    // WHEN the state machine asks to stop at the commit time
    const result = await handler(stopAt);
    // THEN the task is stopped and the answer is not yet done
    expect(dmsMock.commandCalls(StopReplicationTaskCommand).map((c) => c.args[0].input)).toEqual([{ ReplicationTaskArn: TASK_ARN }]);
    expect(dmsMock.commandCalls(StartReplicationTaskCommand)).toHaveLength(0);
    expect(result).toMatchObject({ status: "stopping", stoppedAtCommitTime: false });
  });

  it("resumes a stopped task with exactly the requested CdcStopPosition", async () => {
    givenTask({ Status: "stopped", StopReason: "Stop Reason NORMAL" });
    const result = await handler(stopAt);
    expect(dmsMock.commandCalls(StartReplicationTaskCommand).map((c) => c.args[0].input)).toEqual([
      { ReplicationTaskArn: TASK_ARN, StartReplicationTaskType: "resume-processing", CdcStopPosition: POSITION },
    ]);
    expect(result).toMatchObject({ status: "starting", stoppedAtCommitTime: false });
  });

  it("waits, without another stop, while a task resumed with the position applies changes", async () => {
    givenTask({ Status: "running", CdcStopPosition: POSITION });
    const result = await handler(stopAt);
    expect(dmsMock.commandCalls(StopReplicationTaskCommand)).toHaveLength(0);
    expect(dmsMock.commandCalls(StartReplicationTaskCommand)).toHaveLength(0);
    expect(result).toMatchObject({ status: "running", stoppedAtCommitTime: false });
  });

  it("waits while the task is stopping", async () => {
    givenTask({ Status: "stopping" });
    expect(await handler(stopAt)).toMatchObject({ status: "stopping", stoppedAtCommitTime: false });
    expect(dmsMock.commandCalls(StartReplicationTaskCommand)).toHaveLength(0);
  });

  it("is done once the task stopped by itself at the commit time", async () => {
    givenTask({ Status: "stopped", CdcStopPosition: POSITION, StopReason: "Stop Reason STOPPED_AT_COMMIT_TIME" });
    const result = await handler(stopAt);
    expect(result).toMatchObject({ status: "stopped", stoppedAtCommitTime: true });
    expect(dmsMock.commandCalls(StartReplicationTaskCommand)).toHaveLength(0);
  });

  it("is not done when the task stopped at a different commit time", async () => {
    givenTask({ Status: "stopped", CdcStopPosition: "commit_time:2026-12-05T01:00:00", StopReason: "Stop Reason STOPPED_AT_COMMIT_TIME" });
    const result = await handler(stopAt);
    expect(result.stoppedAtCommitTime).toBe(false);
    expect(dmsMock.commandCalls(StartReplicationTaskCommand)[0]!.args[0].input.CdcStopPosition).toBe(POSITION);
  });

  it.each([
    ["failed", { Status: "failed", LastFailureMessage: "Last Error Table 'orders' was errored" }],
    ["never started", { Status: "ready" }],
  ])("refuses a task that %s: changes may be missing in prod", async (_, task) => {
    givenTask(task);
    await expect(handler(stopAt)).rejects.toBeInstanceOf(ReplicationTaskFailed);
  });

  it("names the failure message of a failed task", async () => {
    givenTask({ Status: "failed", LastFailureMessage: "Last Error Table 'orders' was errored" });
    await expect(handler(stopAt)).rejects.toThrow(/Table 'orders' was errored/);
  });

  it("refuses a task that does not exist", async () => {
    dmsMock.on(DescribeReplicationTasksCommand).rejects(Object.assign(new Error("no task"), { name: "ResourceNotFoundFault" }));
    await expect(handler(stopAt)).rejects.toBeInstanceOf(ReplicationTaskFailed);
  });

  it("turns throttling into a retryable error", async () => {
    dmsMock.on(DescribeReplicationTasksCommand).rejects(Object.assign(new Error("slow down"), { name: "ThrottlingException" }));
    await expect(handler(stopAt)).rejects.toBeInstanceOf(TransientError);
  });
});

describe("DMS status", () => {
  it("reports the status and stop reason without touching the task", async () => {
    givenTask({ Status: "stopped", StopReason: "Stop Reason STOPPED_AT_COMMIT_TIME" });
    const result = await handler({ action: "status", taskId: TASK_ID });
    expect(result).toMatchObject({ status: "stopped", stopReason: "Stop Reason STOPPED_AT_COMMIT_TIME", stoppedAtCommitTime: false });
    expect(dmsMock.commandCalls(StopReplicationTaskCommand)).toHaveLength(0);
    expect(dmsMock.commandCalls(StartReplicationTaskCommand)).toHaveLength(0);
  });
});

describe("DMS payload", () => {
  it.each([
    ["the retired verify action", { action: "verify", taskId: TASK_ID }, /action/],
    ["a commit time that is not a time", { action: "stop-at", taskId: TASK_ID, commitTime: "tonight" }, /commitTime/],
    ["no task id", { action: "stop-at", commitTime: COMMIT_TIME }, /taskId/],
    ["an unknown field", { ...stopAt, maxLatencySeconds: 5 }, /maxLatencySeconds/],
  ])("refuses %s, naming the field, before calling DMS", async (_, payload, field) => {
    const refusal = handler(payload);
    await expect(refusal).rejects.toBeInstanceOf(InvalidPayload);
    await expect(refusal).rejects.toThrow(field);
    expect(dmsMock.calls()).toHaveLength(0);
  });
});
