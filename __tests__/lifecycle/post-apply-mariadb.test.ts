/**
 * The post-apply step's SQL on a real MariaDB server (Debian's 10.11, started by the test), where
 * the RDS-only procedures are stand-ins that record their calls: binlog retention set through the
 * procedure, the DMS source user created with exactly its grants, and nothing changed by a second
 * run. AWS is the rehearsal's stateful fake behind the real SDK clients.
 *
 * Without MariaDB the suite is skipped with a message, unless CI or REQUIRE_MARIADB is set.
 */
import { DatabaseMigrationServiceClient } from "@aws-sdk/client-database-migration-service";
import { RDSClient } from "@aws-sdk/client-rds";
import { SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import { createConnection } from "mysql2/promise";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runPostApply, type PostApplyDeps } from "../../src/lifecycle/handlers/post-apply";
import type { PostApplySettings } from "../../src/lifecycle/post-apply-config";
import { SimulatedClock } from "../../src/rehearsal/asl-runner";
import { FakeAws } from "../../src/rehearsal/fake-aws";
import { sqlSession, startMariadb, type MariadbServer } from "../../src/rehearsal/mariadb";
import { describeMariadbRequirement, mariadbMissing } from "../helpers/mariadb";


describeMariadbRequirement("the post-apply SQL tests");

const MASTER = "arn:aws:secretsmanager:ap-northeast-2:210987654321:secret:rds!cluster-x-AbCdEf";
const SOURCE = "arn:aws:secretsmanager:ap-northeast-2:210987654321:secret:flashcrowd-event-x-dms-source-AbCdEf";

describe.skipIf(mariadbMissing)("post-apply SQL on MariaDB", () => {
  let server: MariadbServer;
  const aws = new FakeAws(new SimulatedClock(Date.parse("2031-03-14T08:00:00Z")));
  const config = { region: "ap-northeast-2", credentials: { accessKeyId: "t", secretAccessKey: "t" } };
  let deps: PostApplyDeps;
  const settings: PostApplySettings = {
    clusterIdentifier: "flashcrowd-event-x-db",
    masterSecretArn: MASTER,
    binlogRetentionHours: 48,
    dmsSource: { secretArn: SOURCE, username: "dms_source", schemas: ["sale", "sale_archive"] },
  };

  beforeAll(async () => {
    server = await startMariadb({ name: "post-apply" });
    const root = await server.connect();
    await root.query("CREATE DATABASE sale");
    await root.query("CREATE DATABASE sale_archive");
    await root.end();
    aws.secrets.set(MASTER, { value: JSON.stringify({ username: "root", password: server.rootPassword }) });
    aws.secrets.set(SOURCE, {});
    aws.clusters.set("flashcrowd-event-x-db", { id: "flashcrowd-event-x-db", status: "available", endpoint: "127.0.0.1", port: server.port, masterSecretArn: MASTER, deletionProtection: true });
    deps = {
      rds: aws.attach(new RDSClient(config), "rds"),
      secrets: aws.attach(new SecretsManagerClient(config), "secretsmanager"),
      dms: aws.attach(new DatabaseMigrationServiceClient(config), "dms"),
      connect: async (o) => sqlSession(await createConnection({ host: o.host, port: o.port, user: o.user, password: o.password })),
      newPassword: () => "Fresh_password-0123456789abcdefXY",
      log: () => undefined,
    };
  }, 60_000);

  afterAll(async () => {
    await server?.stop();
  });

  it("sets binlog retention through rds_set_configuration, creates the DMS user with exactly its grants, and changes nothing the second time", async () => {
    // WHEN the step runs on a fresh cluster
    const first = await runPostApply(settings, deps);
    // THEN retention is set through the procedure and reads back
    expect(first.binlogRetentionHours).toEqual({ after: 48, changed: true });
    const root = await server.connect();
    const [calls] = (await root.query("SELECT name, value FROM mysql.rds_configuration_calls ORDER BY id")) as unknown as [{ name: string; value: string }[]];
    expect(calls).toEqual([{ name: "binlog retention hours", value: "48" }]);
    // AND the DMS source user has replication rights and SELECT on the event schemas, nothing else
    const [grants] = (await root.query("SHOW GRANTS FOR 'dms_source'@'%'")) as unknown as [Record<string, string>[]];
    // MariaDB 10.5+ shows REPLICATION CLIENT under its new name, BINLOG MONITOR; Aurora MySQL keeps the old one.
    const lines = grants.map((g) => Object.values(g)[0]!.replace(/ IDENTIFIED BY PASSWORD '[^']+'/, "").replace("BINLOG MONITOR", "REPLICATION CLIENT")).sort();
    expect(lines).toEqual([
      "GRANT REPLICATION SLAVE, REPLICATION CLIENT ON *.* TO `dms_source`@`%`",
      "GRANT SELECT ON `sale`.* TO `dms_source`@`%`",
      "GRANT SELECT ON `sale_archive`.* TO `dms_source`@`%`",
    ].sort());
    // AND its credentials, with the writer's address, are in the secret DMS reads
    const secret = JSON.parse(aws.secrets.get(SOURCE)!.value!) as Record<string, unknown>;
    expect(secret).toEqual({ username: "dms_source", password: "Fresh_password-0123456789abcdefXY", host: "127.0.0.1", port: server.port, engine: "aurora" });
    const login = await createConnection({ host: "127.0.0.1", port: server.port, user: "dms_source", password: String(secret.password) });
    await login.end();

    // WHEN it runs again (a retried step)
    const second = await runPostApply({ ...settings }, { ...deps, newPassword: () => "another_password_that_must_not_be_used" });
    // THEN nothing changes: no second procedure call, the same password, the secret untouched
    expect(second.binlogRetentionHours).toEqual({ before: 48, after: 48, changed: false });
    expect(second.dmsSource).toEqual({ username: "dms_source", secretUpdated: false });
    const [callsAfter] = (await root.query("SELECT COUNT(*) AS n FROM mysql.rds_configuration_calls")) as unknown as [{ n: number }[]];
    expect(Number(callsAfter[0]!.n)).toBe(1);
    expect(JSON.parse(aws.secrets.get(SOURCE)!.value!)).toEqual(secret);
    await root.end();
  }, 60_000);
});
