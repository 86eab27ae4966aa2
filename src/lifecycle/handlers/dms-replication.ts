/**
 * Lambda: the data check before teardown, and stopping the event's DMS task.
 *
 * `verify` says the event's data is safely in prod only when all of these hold:
 * - the replication task exists and is `running` (a stopped or failed task may have missed changes);
 * - CDC latency, source and target, has data points in the last 10 minutes and the latest is at or
 *   below the allowed maximum (replication has caught up: "~0");
 * - table statistics list at least one table, every table is `Validated` with no failed, pending
 *   or suspended records, and none is in an error or loading state.
 * Anything else is `verified: false` with reasons a person can act on. `stop` and `status` serve
 * the stop-then-destroy steps.
 */
import { CloudWatchClient, GetMetricDataCommand, type MetricDataQuery } from "@aws-sdk/client-cloudwatch";
import {
  DatabaseMigrationServiceClient,
  DescribeReplicationTasksCommand,
  DescribeTableStatisticsCommand,
  StopReplicationTaskCommand,
  type ReplicationTask,
  type TableStatistics,
} from "@aws-sdk/client-database-migration-service";
import { classifyAwsError } from "./runtime";

export interface DmsRequest {
  readonly action: "verify" | "stop" | "status";
  readonly taskId: string;
  readonly replicationInstanceId: string;
  /** verify: the highest CDC latency that counts as caught up. */
  readonly maxLatencySeconds?: number;
}

export interface VerifyResult {
  readonly verified: boolean;
  /** Why not, one line each; empty when verified. */
  readonly reasons: string[];
  readonly status: string;
  readonly latencySeconds?: { readonly source?: number; readonly target?: number };
  readonly tables?: { readonly total: number; readonly validated: number };
}

export interface StatusResult {
  readonly status: string;
}

export class ReplicationTaskNotFound extends Error {
  override readonly name = "ReplicationTaskNotFound";
}

export interface DmsDeps {
  readonly dms: DatabaseMigrationServiceClient;
  readonly cloudwatch: CloudWatchClient;
  readonly now: () => Date;
}

const LATENCY_WINDOW_MS = 10 * 60_000;
/** Table states in which rows may still be missing from the target. */
const UNFINISHED_TABLE_STATES = new Set(["Table does not exist", "Before load", "Full load", "Table error", "Table cancelled", "Table is being reloaded"]);
const MAX_REASONS = 10;

export function createDmsHandler(deps: DmsDeps): (request: DmsRequest) => Promise<VerifyResult | StatusResult> {
  const describeTask = async (taskId: string): Promise<ReplicationTask | undefined> => {
    try {
      const out = await deps.dms.send(
        new DescribeReplicationTasksCommand({ Filters: [{ Name: "replication-task-id", Values: [taskId] }], WithoutSettings: true }),
      );
      return out.ReplicationTasks?.find((t) => t.ReplicationTaskIdentifier === taskId);
    } catch (error) {
      if ((error as { name?: string }).name === "ResourceNotFoundFault") return undefined;
      return classifyAwsError(error);
    }
  };

  const latency = async (task: ReplicationTask, instanceId: string): Promise<{ source?: number; target?: number }> => {
    // The metrics' ReplicationTaskIdentifier dimension is the task's resource id (the ARN's last
    // part); ask for the user-facing id too, in case an account reports that instead.
    const resourceId = task.ReplicationTaskArn?.split(":").pop() ?? "";
    const ids = [...new Set([resourceId, task.ReplicationTaskIdentifier ?? ""].filter((v) => v !== ""))];
    const queries: MetricDataQuery[] = [];
    for (const metric of ["CDCLatencySource", "CDCLatencyTarget"]) {
      ids.forEach((id, i) =>
        queries.push({
          Id: `${metric.toLowerCase()}${i}`,
          MetricStat: {
            Metric: {
              Namespace: "AWS/DMS",
              MetricName: metric,
              Dimensions: [
                { Name: "ReplicationInstanceIdentifier", Value: instanceId },
                { Name: "ReplicationTaskIdentifier", Value: id },
              ],
            },
            Period: 60,
            Stat: "Maximum",
          },
        }),
      );
    }
    const end = deps.now();
    let results;
    try {
      results = (
        await deps.cloudwatch.send(
          new GetMetricDataCommand({ MetricDataQueries: queries, StartTime: new Date(end.getTime() - LATENCY_WINDOW_MS), EndTime: end, ScanBy: "TimestampDescending" }),
        )
      ).MetricDataResults ?? [];
    } catch (error) {
      return classifyAwsError(error);
    }
    const latest = (prefix: string): number | undefined => {
      let best: { at: number; value: number } | undefined;
      for (const r of results.filter((r) => r.Id?.startsWith(prefix))) {
        (r.Timestamps ?? []).forEach((t, i) => {
          const value = r.Values?.[i];
          if (value !== undefined && (!best || t.getTime() > best.at)) best = { at: t.getTime(), value };
        });
      }
      return best?.value;
    };
    return { source: latest("cdclatencysource"), target: latest("cdclatencytarget") };
  };

  const tableStatistics = async (taskArn: string): Promise<TableStatistics[]> => {
    const all: TableStatistics[] = [];
    let marker: string | undefined;
    try {
      do {
        const page = await deps.dms.send(new DescribeTableStatisticsCommand({ ReplicationTaskArn: taskArn, MaxRecords: 500, Marker: marker }));
        all.push(...(page.TableStatistics ?? []));
        marker = page.Marker;
      } while (marker);
    } catch (error) {
      return classifyAwsError(error);
    }
    return all;
  };

  const verify = async (request: DmsRequest): Promise<VerifyResult> => {
    const task = await describeTask(request.taskId);
    if (!task) return { verified: false, reasons: [`DMS task ${request.taskId} not found`], status: "missing" };
    const status = task.Status ?? "unknown";
    if (status !== "running") {
      const why = task.StopReason ? ` (${task.StopReason})` : task.LastFailureMessage ? ` (${task.LastFailureMessage})` : "";
      return { verified: false, reasons: [`DMS task ${request.taskId} is ${status}${why}, not running: changes since it stopped may be missing in prod`], status };
    }
    const reasons: string[] = [];
    const max = request.maxLatencySeconds ?? 5;
    const lat = await latency(task, request.replicationInstanceId);
    for (const [label, value] of [
      ["CDCLatencySource", lat.source],
      ["CDCLatencyTarget", lat.target],
    ] as const) {
      if (value === undefined) reasons.push(`${label}: no data in the last 10 minutes`);
      else if (value > max) reasons.push(`${label} is ${value} s (at most ${max} s allowed)`);
    }
    const tables = await tableStatistics(task.ReplicationTaskArn!);
    if (tables.length === 0) reasons.push("no table statistics: nothing shows the tables were replicated");
    const tableReasons: string[] = [];
    for (const t of tables) {
      const name = `${t.SchemaName}.${t.TableName}`;
      const problems: string[] = [];
      if (t.TableState && UNFINISHED_TABLE_STATES.has(t.TableState)) problems.push(`state "${t.TableState}"`);
      if (t.ValidationState !== "Validated") problems.push(`validation "${t.ValidationState ?? "unknown"}"`);
      if ((t.ValidationFailedRecords ?? 0) > 0) problems.push(`${t.ValidationFailedRecords} failed records`);
      if ((t.ValidationPendingRecords ?? 0) > 0) problems.push(`${t.ValidationPendingRecords} pending records`);
      if ((t.ValidationSuspendedRecords ?? 0) > 0) problems.push(`${t.ValidationSuspendedRecords} suspended records`);
      if (problems.length > 0) tableReasons.push(`table ${name}: ${problems.join(", ")}`);
    }
    reasons.push(...tableReasons.slice(0, MAX_REASONS));
    if (tableReasons.length > MAX_REASONS) reasons.push(`... and ${tableReasons.length - MAX_REASONS} more tables`);
    const validated = tables.length - tableReasons.length;
    return { verified: reasons.length === 0, reasons, status, latencySeconds: lat, tables: { total: tables.length, validated } };
  };

  return async (request) => {
    switch (request.action) {
      case "verify":
        return verify(request);
      case "status": {
        const task = await describeTask(request.taskId);
        return { status: task?.Status ?? "missing" };
      }
      case "stop": {
        const task = await describeTask(request.taskId);
        if (!task) throw new ReplicationTaskNotFound(`DMS task ${request.taskId} not found`);
        const status = task.Status ?? "unknown";
        if (status !== "running" && status !== "starting" && status !== "resuming") return { status };
        try {
          const out = await deps.dms.send(new StopReplicationTaskCommand({ ReplicationTaskArn: task.ReplicationTaskArn }));
          return { status: out.ReplicationTask?.Status ?? "stopping" };
        } catch (error) {
          return classifyAwsError(error);
        }
      }
      default:
        throw new Error(`unknown action "${String((request as { action?: unknown }).action)}"`);
    }
  };
}

export const handler = createDmsHandler({
  dms: new DatabaseMigrationServiceClient({}),
  cloudwatch: new CloudWatchClient({}),
  now: () => new Date(),
});
