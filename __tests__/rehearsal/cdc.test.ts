/**
 * The rehearsal's stand-in for DMS change data capture, between two real MariaDB servers: the
 * event server's sale_N.orders replicated into prod's shop_N.orders, which holds prod's own rows.
 * Where the outcome is "the event's rows are in prod", the project's reconciliation checks it.
 *
 * Needs MariaDB (Debian's mariadb-server). Without it the suite is skipped with a message, unless
 * CI or REQUIRE_MARIADB is set, where a missing server fails the run.
 */
import type { Connection } from "mysql2/promise";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { SqlSession } from "../../src/lifecycle/handlers/post-apply";
import { reconcile } from "../../src/lifecycle/reconcile";
import { CdcLoadError, CdcReplicator, CdcSetupError } from "../../src/rehearsal/cdc";
import { sqlSession, startMariadb, type MariadbServer } from "../../src/rehearsal/mariadb";
import { describeMariadbRequirement, mariadbMissing } from "../helpers/mariadb";

const BLOCK = { first: 2_000_000, last: 2_999_999 };

describeMariadbRequirement("the CDC stand-in tests");

const ORDERS_DDL = `CREATE TABLE ??.orders (
  id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  customer VARCHAR(64) NULL,
  total DECIMAL(14,4) NOT NULL,
  placed_at DATETIME(6) NOT NULL,
  payload VARBINARY(64) NULL)`;

describe.skipIf(mariadbMissing)("CdcReplicator", () => {
  let event: MariadbServer;
  let prod: MariadbServer;
  const open: Connection[] = [];
  let counter = 0;

  beforeAll(async () => {
    [event, prod] = await Promise.all([startMariadb({ name: "cdc-event" }), startMariadb({ name: "cdc-prod" })]);
  }, 60_000);

  afterAll(async () => {
    await Promise.all(open.map((c) => c.end()));
    await Promise.all([event?.stop(), prod?.stop()]);
  }, 60_000);

  async function connect(server: MariadbServer): Promise<Connection> {
    const connection = await server.connect();
    open.push(connection);
    return connection;
  }

  /** Event schema sale_N (AUTO_INCREMENT from the block) and prod schema shop_N with prod's rows. */
  async function given(): Promise<{ sale: string; shop: string; eventDb: Connection; prodDb: Connection; cdc: CdcReplicator; check: () => Promise<boolean> }> {
    counter += 1;
    const sale = `sale_${counter}`;
    const shop = `shop_${counter}`;
    const [eventDb, prodDb] = await Promise.all([connect(event), connect(prod)]);
    for (const [db, schema] of [[eventDb, sale], [prodDb, shop]] as const) {
      await db.query("CREATE DATABASE ??", [schema]);
      await db.query(ORDERS_DDL, [schema]);
    }
    await eventDb.query("ALTER TABLE ??.orders AUTO_INCREMENT = ?", [sale, BLOCK.first]);
    await prodDb.query("INSERT INTO ??.orders (customer, total, placed_at) VALUES ('prod', 1, NOW(6)), ('prod', 2, NOW(6))", [shop]);
    const cdc = new CdcReplicator({
      source: sqlSession(await connect(event)),
      target: sqlSession(await connect(prod)),
      tables: [{ source: { schema: sale, table: "orders" }, target: { schema: shop, table: "orders" } }],
      logSchema: `cdc_${counter}`,
      batchSize: 7,
    });
    const check = async () => {
      const result = await reconcile(sqlSession(await connect(event)), sqlSession(await connect(prod)), {
        tables: [{ source: { schema: sale, table: "orders" }, target: { schema: shop, table: "orders" } }],
        keyBlock: BLOCK,
      });
      return result.matched;
    };
    return { sale, shop, eventDb, prodDb, cdc, check };
  }

  async function insertOrders(db: Connection, schema: string, n: number): Promise<void> {
    for (let i = 0; i < n; i += 1) {
      await db.query("INSERT INTO ??.orders (customer, total, placed_at, payload) VALUES (?, ?, NOW(6), ?)", [
        schema, i % 4 === 0 ? null : `customer ${i}`, `${i}.0001`, i % 3 === 0 ? null : Buffer.from([0, 255, i, 10, 13]),
      ]);
    }
  }

  it("GIVEN rows before and after install WHEN fully loaded and caught up THEN prod holds exactly the event's rows, prod's own kept", async () => {
    const { sale, shop, eventDb, prodDb, cdc, check } = await given();
    await insertOrders(eventDb, sale, 20);
    await cdc.install();
    await insertOrders(eventDb, sale, 5);
    const copied = await cdc.fullLoad();
    // The load's snapshot already holds the 5 later rows, so their logged inserts are dropped.
    expect(copied).toBe(25);
    expect(await cdc.pending()).toEqual({ count: 0 });
    await insertOrders(eventDb, sale, 3);
    expect((await cdc.pending()).count).toBe(3);
    expect(await cdc.applyPending()).toMatchObject({ applied: 3, stoppedAt: "caught-up" });
    expect(await check()).toBe(true);
    const [prodRows] = (await prodDb.query("SELECT COUNT(*) AS n FROM ??.orders WHERE id < ?", [shop, BLOCK.first])) as unknown as [{ n: string }[]];
    expect(Number(prodRows[0]!.n)).toBe(2);
  });

  it("GIVEN inserts, updates and deletes in the event WHEN applied THEN they arrive in prod with exact values", async () => {
    const { sale, shop, eventDb, prodDb, cdc, check } = await given();
    await cdc.install();
    await cdc.fullLoad();
    await insertOrders(eventDb, sale, 10);
    await eventDb.query("UPDATE ??.orders SET total = 123456789.1234, customer = NULL WHERE id = ?", [sale, BLOCK.first + 1]);
    await eventDb.query("UPDATE ??.orders SET customer = 'same' WHERE id BETWEEN ? AND ?", [sale, BLOCK.first + 2, BLOCK.first + 4]);
    await eventDb.query("DELETE FROM ??.orders WHERE id = ?", [sale, BLOCK.first + 5]);
    const result = await cdc.applyPending();
    expect(result.error).toBeUndefined();
    expect(result).toMatchObject({ applied: 15, stoppedAt: "caught-up" });
    expect(result.lastCommitTime).toBeInstanceOf(Date);
    const [rows] = (await prodDb.query("SELECT id, customer, CAST(total AS CHAR) AS total, payload FROM ??.orders WHERE id IN (?) ORDER BY id", [
      shop, [BLOCK.first + 1, BLOCK.first + 2, BLOCK.first + 5],
    ])) as unknown as [{ id: string; customer: string | null; total: string; payload: Buffer | null }[]];
    expect(rows.map((r) => [Number(r.id), r.customer, r.total, r.payload?.toString("hex") ?? null])).toEqual([
      [BLOCK.first + 1, null, "123456789.1234", "00ff010a0d"],
      [BLOCK.first + 2, "same", "2.0001", "00ff020a0d"],
    ]);
    expect(await check()).toBe(true);
  });

  it("GIVEN a stop commit time WHEN applied THEN later changes stay pending until applied without a stop", async () => {
    const { sale, eventDb, cdc, check } = await given();
    await cdc.install();
    await cdc.fullLoad();
    await insertOrders(eventDb, sale, 4);
    await new Promise((r) => setTimeout(r, 20));
    const stop = new Date();
    await new Promise((r) => setTimeout(r, 20));
    await insertOrders(eventDb, sale, 3);
    await eventDb.query("UPDATE ??.orders SET customer = 'late' WHERE id = ?", [sale, BLOCK.first]);

    const first = await cdc.applyPending({ upToCommitTime: stop });
    expect(first).toMatchObject({ applied: 4, stoppedAt: "stop-position" });
    expect(first.lastCommitTime!.getTime()).toBeLessThanOrEqual(stop.getTime());
    const pending = await cdc.pending();
    expect(pending.count).toBe(4);
    expect(pending.oldestCommitTime!.getTime()).toBeGreaterThan(stop.getTime());
    expect(await check()).toBe(false);

    expect(await cdc.applyPending({ maxChanges: 3 })).toMatchObject({ applied: 3, stoppedAt: "max-changes" });
    expect(await cdc.applyPending()).toMatchObject({ applied: 1, stoppedAt: "caught-up" });
    expect(await check()).toBe(true);
  });

  it("GIVEN prod wrote a row with a key the event inserts WHEN applied THEN it stops naming table and key and applies nothing more until reset", async () => {
    const { sale, shop, eventDb, prodDb, cdc, check } = await given();
    await cdc.install();
    await cdc.fullLoad();
    await prodDb.query("INSERT INTO ??.orders (id, customer, total, placed_at) VALUES (?, 'prod wrote into the block', 9, NOW(6))", [shop, BLOCK.first + 2]);
    await insertOrders(eventDb, sale, 5);

    const failed = await cdc.applyPending();
    expect(failed.applied).toBe(2);
    expect(failed.stoppedAt).toBeUndefined();
    expect(failed.error).toMatchObject({ table: `${shop}.orders`, key: String(BLOCK.first + 2) });
    expect(failed.error!.message).toMatch(/Duplicate entry/);
    expect(await cdc.pending()).toMatchObject({ count: 3 });
    expect(await cdc.applyPending()).toEqual({ applied: 0, error: failed.error });

    await prodDb.query("DELETE FROM ??.orders WHERE id = ?", [shop, BLOCK.first + 2]);
    cdc.reset();
    expect(await cdc.applyPending()).toMatchObject({ applied: 3, stoppedAt: "caught-up" });
    expect(await check()).toBe(true);
  });

  it("GIVEN an event row deleted from prod WHEN the event updates it THEN the update affecting 0 rows stops the replicator", async () => {
    const { sale, shop, eventDb, prodDb, cdc } = await given();
    await cdc.install();
    await insertOrders(eventDb, sale, 2);
    await cdc.fullLoad();
    await prodDb.query("DELETE FROM ??.orders WHERE id = ?", [shop, BLOCK.first + 1]);
    await eventDb.query("UPDATE ??.orders SET customer = 'x' WHERE id = ?", [sale, BLOCK.first + 1]);
    const result = await cdc.applyPending();
    expect(result.error).toEqual({ table: `${shop}.orders`, key: String(BLOCK.first + 1), message: expect.stringContaining("UPDATE affected 0 rows") });
  });

  it("GIVEN a key already in prod WHEN fully loaded THEN the load stops with a table error naming table and key", async () => {
    const { sale, shop, eventDb, prodDb, cdc } = await given();
    await insertOrders(eventDb, sale, 10);
    await prodDb.query("INSERT INTO ??.orders (id, total, placed_at) VALUES (?, 1, NOW(6))", [shop, BLOCK.first + 8]);
    await cdc.install();
    const load = cdc.fullLoad();
    await expect(load).rejects.toBeInstanceOf(CdcLoadError);
    await expect(load).rejects.toThrow(`full load stopped on ${shop}.orders key ${BLOCK.first + 8}`);
    expect((await cdc.applyPending()).error?.key).toBe(String(BLOCK.first + 8));
  });

  it("GIVEN a rolled-back event transaction WHEN applied THEN nothing of it arrives", async () => {
    const { sale, eventDb, cdc, check } = await given();
    await cdc.install();
    await cdc.fullLoad();
    await eventDb.query("START TRANSACTION");
    await insertOrders(eventDb, sale, 3);
    await eventDb.query("ROLLBACK");
    expect(await cdc.pending()).toEqual({ count: 0 });
    expect(await cdc.applyPending()).toEqual({ applied: 0, stoppedAt: "caught-up" });
    expect(await check()).toBe(true);
  });

  it.each([
    ["tables[0].source.schema", { source: { schema: "sale`x", table: "orders" }, target: { schema: "shop", table: "orders" } }],
    ["tables[0].key", { source: { schema: "sale", table: "orders" }, target: { schema: "shop", table: "orders" }, key: "id; --" }],
  ])("GIVEN an invalid mapping WHEN constructed THEN the error names %s", (field, mapping) => {
    const unused: SqlSession = { query: () => Promise.reject(new Error("not called")), end: () => Promise.resolve() };
    expect(() => new CdcReplicator({ source: unused, target: unused, tables: [mapping] })).toThrow(CdcSetupError);
    expect(() => new CdcReplicator({ source: unused, target: unused, tables: [mapping] })).toThrow(field);
  });
});
