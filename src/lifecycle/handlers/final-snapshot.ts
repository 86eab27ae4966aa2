/**
 * Lambda: confirms that the event database's final snapshot exists after the destroy run.
 * `available` ends teardown; `creating` is polled again; anything else is an alert.
 */
import { DescribeDBClusterSnapshotsCommand, RDSClient } from "@aws-sdk/client-rds";
import { classifyAwsError } from "./runtime";

export interface FinalSnapshotRequest {
  readonly snapshotId: string;
  readonly clusterId: string;
}

export interface FinalSnapshotResult {
  /** available | creating | missing | failed */
  readonly state: "available" | "creating" | "missing" | "failed";
  /** The snapshot's RDS status, when it exists. */
  readonly status?: string;
  readonly detail?: string;
}

const CREATING = new Set(["creating", "copying", "pending"]);

export function createFinalSnapshotHandler(deps: { readonly rds: RDSClient }): (request: FinalSnapshotRequest) => Promise<FinalSnapshotResult> {
  return async ({ snapshotId, clusterId }) => {
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
}

export const handler = createFinalSnapshotHandler({ rds: new RDSClient({}) });
