/**
 * Lambda: the event database's last steps before and after its destroy run.
 *
 * - `snapshot`: an explicit cluster snapshot of the verified data, created once (idempotent by
 *   identifier) and reported `creating` until it is `available`; the destroy waits for it.
 * - `unprotect`: turns the cluster's deletion protection off, the only way the destroy run can
 *   delete it. The verified teardown calls this right before its destroy run and nothing else
 *   does: any other destroy (auto-destroy, a workflow, the CLI) fails at the database.
 * - `final-snapshot`: after the destroy, confirms the final snapshot Terraform asked RDS for.
 */
import {
  CreateDBClusterSnapshotCommand,
  DescribeDBClusterSnapshotsCommand,
  DescribeDBClustersCommand,
  ModifyDBClusterCommand,
  RDSClient,
} from "@aws-sdk/client-rds";
import { eventDatabaseRequestSchema, parsePayload } from "../contracts";
import { classifyAwsError } from "./runtime";

export type { EventDatabaseRequest } from "../contracts";

export interface SnapshotResult {
  /** available | creating | missing | failed */
  readonly state: "available" | "creating" | "missing" | "failed";
  readonly status?: string;
  readonly detail?: string;
}

export interface UnprotectResult {
  readonly deletionProtection: boolean;
  readonly changed: boolean;
}

const CREATING = new Set(["creating", "copying", "pending"]);

async function call<T>(f: () => Promise<T>): Promise<T> {
  try {
    return await f();
  } catch (error) {
    return classifyAwsError(error);
  }
}

export function createEventDatabaseHandler(deps: { readonly rds: Pick<RDSClient, "send"> }): (input: unknown) => Promise<SnapshotResult | UnprotectResult> {
  const readSnapshot = async (snapshotId: string, clusterId: string): Promise<SnapshotResult> => {
    let snapshots;
    try {
      snapshots = (await deps.rds.send(new DescribeDBClusterSnapshotsCommand({ DBClusterSnapshotIdentifier: snapshotId }))).DBClusterSnapshots ?? [];
    } catch (error) {
      if ((error as { name?: string }).name === "DBClusterSnapshotNotFoundFault") return { state: "missing", detail: `no snapshot ${snapshotId}` };
      return classifyAwsError(error);
    }
    const snapshot = snapshots[0];
    if (!snapshot) return { state: "missing", detail: `no snapshot ${snapshotId}` };
    if (snapshot.DBClusterIdentifier !== clusterId) {
      return { state: "failed", status: snapshot.Status, detail: `snapshot ${snapshotId} is of cluster ${snapshot.DBClusterIdentifier}, not ${clusterId}` };
    }
    const status = snapshot.Status ?? "unknown";
    if (status === "available") return { state: "available", status };
    if (CREATING.has(status)) return { state: "creating", status };
    return { state: "failed", status, detail: `snapshot ${snapshotId} is ${status}` };
  };

  return async (input) => {
    const request = parsePayload(eventDatabaseRequestSchema, input, "event-database");
    switch (request.action) {
      case "final-snapshot":
        return readSnapshot(request.snapshotId, request.clusterId);
      case "snapshot": {
        const existing = await readSnapshot(request.snapshotId, request.clusterId);
        if (existing.state !== "missing") return existing;
        await call(() => deps.rds.send(new CreateDBClusterSnapshotCommand({ DBClusterIdentifier: request.clusterId, DBClusterSnapshotIdentifier: request.snapshotId })));
        return { state: "creating", status: "creating", detail: `snapshot ${request.snapshotId} requested` };
      }
      case "unprotect": {
        const cluster = (await call(() => deps.rds.send(new DescribeDBClustersCommand({ DBClusterIdentifier: request.clusterId })))).DBClusters?.[0];
        if (!cluster) throw new Error(`cluster ${request.clusterId} not found`);
        if (cluster.DeletionProtection !== true) return { deletionProtection: false, changed: false };
        await call(() => deps.rds.send(new ModifyDBClusterCommand({ DBClusterIdentifier: request.clusterId, DeletionProtection: false, ApplyImmediately: true })));
        return { deletionProtection: false, changed: true };
      }
    }
  };
}

export const handler = createEventDatabaseHandler({ rds: new RDSClient({}) });
