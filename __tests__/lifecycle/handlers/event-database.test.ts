import {
  CreateDBClusterSnapshotCommand,
  DescribeDBClusterSnapshotsCommand,
  DescribeDBClustersCommand,
  ModifyDBClusterCommand,
  RDSClient,
} from "@aws-sdk/client-rds";
import { mockClient } from "aws-sdk-client-mock";
import { beforeEach, describe, expect, it } from "vitest";
import { InvalidPayload } from "../../../src/lifecycle/contracts";
import { createEventDatabaseHandler } from "../../../src/lifecycle/handlers/event-database";

const rdsMock = mockClient(RDSClient);
const handler = createEventDatabaseHandler({ rds: new RDSClient({}) });
const CLUSTER = "flashcrowd-event-dec-flash-sale-db";
const FINAL = { action: "final-snapshot", snapshotId: "flashcrowd-event-dec-flash-sale-db-final", clusterId: CLUSTER };
const VERIFIED = { action: "snapshot", snapshotId: "flashcrowd-event-dec-flash-sale-db-verified", clusterId: CLUSTER };
const notFound = () => Object.assign(new Error("not found"), { name: "DBClusterSnapshotNotFoundFault" });

function givenSnapshot(status: string, clusterId = CLUSTER): void {
  rdsMock.on(DescribeDBClusterSnapshotsCommand).resolves({ DBClusterSnapshots: [{ DBClusterIdentifier: clusterId, Status: status }] });
}

beforeEach(() => rdsMock.reset());

describe("final snapshot check", () => {
  it.each([
    ["available", "available"],
    ["creating", "creating"],
    ["copying", "creating"],
    ["failed", "failed"],
  ])("reports a snapshot in status %s as %s", async (status, state) => {
    givenSnapshot(status);
    expect(await handler(FINAL)).toMatchObject({ state });
  });

  it("reports a snapshot that does not exist as missing", async () => {
    rdsMock.on(DescribeDBClusterSnapshotsCommand).rejects(notFound());
    expect(await handler(FINAL)).toMatchObject({ state: "missing" });
  });

  it("does not accept a snapshot of another cluster", async () => {
    givenSnapshot("available", "someone-else");
    expect(await handler(FINAL)).toMatchObject({ state: "failed" });
  });

  it("never creates a snapshot itself", async () => {
    rdsMock.on(DescribeDBClusterSnapshotsCommand).rejects(notFound());
    await handler(FINAL);
    expect(rdsMock.commandCalls(CreateDBClusterSnapshotCommand)).toHaveLength(0);
  });
});

describe("verified snapshot", () => {
  it("requests the snapshot of the cluster when there is none yet", async () => {
    rdsMock.on(DescribeDBClusterSnapshotsCommand).rejects(notFound());
    rdsMock.on(CreateDBClusterSnapshotCommand).resolves({});
    const result = await handler(VERIFIED);
    expect(rdsMock.commandCalls(CreateDBClusterSnapshotCommand).map((c) => c.args[0].input)).toEqual([
      { DBClusterIdentifier: CLUSTER, DBClusterSnapshotIdentifier: VERIFIED.snapshotId },
    ]);
    expect(result).toMatchObject({ state: "creating" });
  });

  it.each([
    ["available", "available"],
    ["creating", "creating"],
  ])("does not request it again when it is already %s", async (status, state) => {
    givenSnapshot(status);
    expect(await handler(VERIFIED)).toMatchObject({ state });
    expect(rdsMock.commandCalls(CreateDBClusterSnapshotCommand)).toHaveLength(0);
  });

  it("reports a snapshot with that name of another cluster as failed instead of trusting it", async () => {
    givenSnapshot("available", "someone-else");
    expect(await handler(VERIFIED)).toMatchObject({ state: "failed" });
    expect(rdsMock.commandCalls(CreateDBClusterSnapshotCommand)).toHaveLength(0);
  });
});

describe("deletion protection", () => {
  const UNPROTECT = { action: "unprotect", clusterId: CLUSTER };

  it("turns deletion protection off, immediately, on a protected cluster", async () => {
    rdsMock.on(DescribeDBClustersCommand).resolves({ DBClusters: [{ DBClusterIdentifier: CLUSTER, DeletionProtection: true }] });
    rdsMock.on(ModifyDBClusterCommand).resolves({});
    const result = await handler(UNPROTECT);
    expect(rdsMock.commandCalls(ModifyDBClusterCommand).map((c) => c.args[0].input)).toEqual([
      { DBClusterIdentifier: CLUSTER, DeletionProtection: false, ApplyImmediately: true },
    ]);
    expect(result).toEqual({ deletionProtection: false, changed: true });
  });

  it("leaves an unprotected cluster as it is", async () => {
    rdsMock.on(DescribeDBClustersCommand).resolves({ DBClusters: [{ DBClusterIdentifier: CLUSTER, DeletionProtection: false }] });
    expect(await handler(UNPROTECT)).toEqual({ deletionProtection: false, changed: false });
    expect(rdsMock.commandCalls(ModifyDBClusterCommand)).toHaveLength(0);
  });
});

describe("event database payload", () => {
  it.each([
    ["an unknown action", { action: "delete", clusterId: CLUSTER }, /action/],
    ["a snapshot without its id", { action: "snapshot", clusterId: CLUSTER }, /snapshotId/],
    ["unprotect with an extra field", { action: "unprotect", clusterId: CLUSTER, snapshotId: "x" }, /snapshotId/],
  ])("refuses %s before calling RDS", async (_, payload, field) => {
    const refusal = handler(payload);
    await expect(refusal).rejects.toBeInstanceOf(InvalidPayload);
    await expect(refusal).rejects.toThrow(field);
    expect(rdsMock.calls()).toHaveLength(0);
  });
});
