import { DescribeDBClusterSnapshotsCommand, RDSClient } from "@aws-sdk/client-rds";
import { mockClient } from "aws-sdk-client-mock";
import { beforeEach, describe, expect, it } from "vitest";
import { createFinalSnapshotHandler } from "../../../src/lifecycle/handlers/final-snapshot";

const rdsMock = mockClient(RDSClient);
const handler = createFinalSnapshotHandler({ rds: new RDSClient({}) });
const request = { snapshotId: "flashcrowd-event-dec-flash-sale-db-final-20261205t1600", clusterId: "flashcrowd-event-dec-flash-sale-db" };

beforeEach(() => rdsMock.reset());

describe("final snapshot check", () => {
  it.each([
    ["available", "available"],
    ["creating", "creating"],
    ["failed", "failed"],
  ])("reports a snapshot in status %s as %s", async (status, state) => {
    rdsMock.on(DescribeDBClusterSnapshotsCommand).resolves({ DBClusterSnapshots: [{ DBClusterSnapshotIdentifier: request.snapshotId, DBClusterIdentifier: request.clusterId, Status: status }] });
    expect((await handler(request)).state).toBe(state);
    expect(rdsMock.commandCalls(DescribeDBClusterSnapshotsCommand)[0]!.args[0].input).toEqual({ DBClusterSnapshotIdentifier: request.snapshotId });
  });

  it("reports a snapshot that does not exist as missing", async () => {
    rdsMock.on(DescribeDBClusterSnapshotsCommand).rejects(Object.assign(new Error("not found"), { name: "DBClusterSnapshotNotFoundFault" }));
    expect(await handler(request)).toMatchObject({ state: "missing" });
  });

  it("does not accept a snapshot of another cluster", async () => {
    rdsMock.on(DescribeDBClusterSnapshotsCommand).resolves({ DBClusterSnapshots: [{ DBClusterIdentifier: "someone-else", Status: "available" }] });
    expect(await handler(request)).toMatchObject({ state: "failed" });
  });
});
