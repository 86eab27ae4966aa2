import { CloudWatchClient, GetMetricDataCommand } from "@aws-sdk/client-cloudwatch";
import {
  DatabaseMigrationServiceClient,
  DescribeReplicationTasksCommand,
  DescribeTableStatisticsCommand,
  StopReplicationTaskCommand,
  type TableStatistics,
} from "@aws-sdk/client-database-migration-service";
import { mockClient } from "aws-sdk-client-mock";
import { beforeEach, describe, expect, it } from "vitest";
import { createDmsHandler, type VerifyResult } from "../../../src/lifecycle/handlers/dms-replication";

const dmsMock = mockClient(DatabaseMigrationServiceClient);
const cwMock = mockClient(CloudWatchClient);
const NOW = new Date("2026-12-05T16:00:00Z");
const TASK_ID = "flashcrowd-event-dec-flash-sale-sync";
const TASK_ARN = "arn:aws:dms:ap-northeast-2:210987654321:task:ABCDEFGHIJKLMNOP";
const request = { taskId: TASK_ID, replicationInstanceId: "flashcrowd-event-dec-flash-sale-dms", maxLatencySeconds: 5 };

const handler = createDmsHandler({ dms: new DatabaseMigrationServiceClient({}), cloudwatch: new CloudWatchClient({}), now: () => NOW });
const verify = async () => (await handler({ action: "verify", ...request })) as VerifyResult;

const table = (name: string, over: Partial<TableStatistics> = {}): TableStatistics => ({
  SchemaName: "shop",
  TableName: name,
  TableState: "Table completed",
  ValidationState: "Validated",
  ValidationFailedRecords: 0,
  ValidationPendingRecords: 0,
  ValidationSuspendedRecords: 0,
  ...over,
});

function given(options: { status?: string; source?: number[]; target?: number[]; tables?: TableStatistics[]; stopReason?: string } = {}) {
  dmsMock.on(DescribeReplicationTasksCommand).resolves({
    ReplicationTasks: [{ ReplicationTaskIdentifier: TASK_ID, ReplicationTaskArn: TASK_ARN, Status: options.status ?? "running", StopReason: options.stopReason }],
  });
  const series = (values: number[]) => ({ Timestamps: values.map((_, i) => new Date(NOW.getTime() - i * 60_000)), Values: values });
  cwMock.on(GetMetricDataCommand).resolves({
    MetricDataResults: [
      { Id: "cdclatencysource0", ...series(options.source ?? [0, 3]) },
      { Id: "cdclatencysource1", Timestamps: [], Values: [] },
      { Id: "cdclatencytarget0", ...series(options.target ?? [1, 9]) },
      { Id: "cdclatencytarget1", Timestamps: [], Values: [] },
    ],
  });
  dmsMock.on(DescribeTableStatisticsCommand).resolves({ TableStatistics: options.tables ?? [table("orders"), table("order_items")] });
}

beforeEach(() => {
  dmsMock.reset();
  cwMock.reset();
});

describe("DMS data check", () => {
  it("verifies a running task that has caught up with every table validated", async () => {
    given();
    const result = await verify();
    expect(result).toMatchObject({ verified: true, reasons: [], status: "running", latencySeconds: { source: 0, target: 1 }, tables: { total: 2, validated: 2 } });
  });

  it("reads latency for the task's resource id and the event's replication instance", async () => {
    given();
    await verify();
    const queries = cwMock.commandCalls(GetMetricDataCommand)[0]!.args[0].input.MetricDataQueries!;
    expect(queries[0]!.MetricStat!.Metric!.Dimensions).toEqual([
      { Name: "ReplicationInstanceIdentifier", Value: request.replicationInstanceId },
      { Name: "ReplicationTaskIdentifier", Value: "ABCDEFGHIJKLMNOP" },
    ]);
    expect(dmsMock.commandCalls(DescribeReplicationTasksCommand)[0]!.args[0].input.Filters).toEqual([{ Name: "replication-task-id", Values: [TASK_ID] }]);
  });

  it.each([
    ["CDC target latency is high", { target: [40, 2] }, "CDCLatencyTarget is 40 s (at most 5 s allowed)"],
    ["CDC source latency is high", { source: [12] }, "CDCLatencySource is 12 s (at most 5 s allowed)"],
    ["there is no latency data", { source: [] }, "CDCLatencySource: no data in the last 10 minutes"],
    ["a table has failed validation", { tables: [table("orders", { ValidationState: "Mismatched records", ValidationFailedRecords: 3 })] }, 'table shop.orders: validation "Mismatched records", 3 failed records'],
    ["a table has records pending validation", { tables: [table("orders", { ValidationState: "Pending records", ValidationPendingRecords: 120 })] }, 'table shop.orders: validation "Pending records", 120 pending records'],
    ["a table has suspended records", { tables: [table("orders", { ValidationSuspendedRecords: 1 })] }, "table shop.orders: 1 suspended records"],
    ["validation is not enabled", { tables: [table("orders", { ValidationState: "Not enabled" })] }, 'table shop.orders: validation "Not enabled"'],
    ["a table is in error", { tables: [table("orders", { TableState: "Table error" })] }, 'table shop.orders: state "Table error"'],
    ["there are no table statistics", { tables: [] }, "no table statistics: nothing shows the tables were replicated"],
  ])("blocks teardown when %s", async (_why, options, reason) => {
    given(options);
    const result = await verify();
    expect(result.verified).toBe(false);
    expect(result.reasons).toContain(reason);
  });

  it.each(["stopped", "failed", "ready"])("blocks teardown when the task is %s, not running", async (status) => {
    given({ status, stopReason: "Stop Reason FATAL_ERROR" });
    const result = await verify();
    expect(result).toMatchObject({ verified: false, status });
    expect(result.reasons[0]).toMatch(new RegExp(`is ${status} \\(Stop Reason FATAL_ERROR\\), not running`));
    expect(cwMock.calls()).toHaveLength(0);
  });

  it("blocks teardown when the task does not exist", async () => {
    dmsMock.on(DescribeReplicationTasksCommand).rejects(Object.assign(new Error("No Replication Tasks found"), { name: "ResourceNotFoundFault" }));
    expect(await verify()).toMatchObject({ verified: false, reasons: [`DMS task ${TASK_ID} not found`] });
  });

  it("reads every page of table statistics", async () => {
    given();
    dmsMock
      .on(DescribeTableStatisticsCommand)
      .resolvesOnce({ TableStatistics: [table("a")], Marker: "next" })
      .resolvesOnce({ TableStatistics: [table("b", { ValidationState: "Pending records" })] });
    const result = await verify();
    expect(result.tables).toEqual({ total: 2, validated: 1 });
    expect(dmsMock.commandCalls(DescribeTableStatisticsCommand)[1]!.args[0].input.Marker).toBe("next");
  });

  it("marks throttling as transient so the state machine retries it in place", async () => {
    given();
    cwMock.on(GetMetricDataCommand).rejects(Object.assign(new Error("Rate exceeded"), { name: "ThrottlingException" }));
    await expect(verify()).rejects.toMatchObject({ name: "TransientError" });
  });
});

describe("DMS stop and status", () => {
  it("stops a running task by its ARN", async () => {
    given();
    dmsMock.on(StopReplicationTaskCommand).resolves({ ReplicationTask: { Status: "stopping" } });
    expect(await handler({ action: "stop", ...request })).toEqual({ status: "stopping" });
    expect(dmsMock.commandCalls(StopReplicationTaskCommand)[0]!.args[0].input).toEqual({ ReplicationTaskArn: TASK_ARN });
  });

  it("does not stop a task that is already stopped", async () => {
    given({ status: "stopped" });
    expect(await handler({ action: "stop", ...request })).toEqual({ status: "stopped" });
    expect(dmsMock.commandCalls(StopReplicationTaskCommand)).toHaveLength(0);
  });

  it("fails when the task to stop does not exist", async () => {
    dmsMock.on(DescribeReplicationTasksCommand).resolves({ ReplicationTasks: [] });
    await expect(handler({ action: "stop", ...request })).rejects.toMatchObject({ name: "ReplicationTaskNotFound" });
  });

  it("reports the task's status", async () => {
    given({ status: "stopping" });
    expect(await handler({ action: "status", ...request })).toEqual({ status: "stopping" });
  });
});
