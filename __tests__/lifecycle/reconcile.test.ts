/**
 * The teardown's data gate against two real MariaDB servers: an "event" server holding sale.*
 * and a "prod" server holding shop.* with prod's own rows around the event's key block.
 *
 * Needs MariaDB (Debian's mariadb-server). Without it the suite is skipped with a message, unless
 * CI or REQUIRE_MARIADB is set, where a missing server fails the run.
 */
import type { Connection } from "mysql2/promise";
import { createConnection } from "mysql2/promise";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { reconcile, ReconcileError, type ReconcileRequest, type ReconcileResult } from "../../src/lifecycle/reconcile";
import { sqlSession, startMariadb, type MariadbServer } from "../../src/rehearsal/mariadb";
import { describeMariadbRequirement, mariadbMissing } from "../helpers/mariadb";

const BLOCK = { first: 1_000_000, last: 1_999_999 };

describeMariadbRequirement("the reconciliation tests");

/** orders with the column types an order table has; the rows depend only on the key. */
const ORDERS_DDL = `CREATE TABLE ??.orders (
  id BIGINT NOT NULL PRIMARY KEY,
  customer VARCHAR(64) NULL,
  note VARCHAR(200) NULL,
  total DECIMAL(12,2) NOT NULL,
  created_at DATETIME(6) NOT NULL,
  updated_at TIMESTAMP(3) NULL,
  payload BLOB NULL)`;
const ORDERS_ROWS = `INSERT INTO ??.orders
  SELECT seq, CONCAT('c', seq % 17), IF(seq % 5 = 0, NULL, CONCAT('note ', seq)), seq / 7,
         TIMESTAMP('2026-12-01 10:00:00.123456') + INTERVAL (seq % 86400) SECOND,
         IF(seq % 3 = 0, NULL, TIMESTAMP('2026-12-02 00:00:00.5') + INTERVAL (seq % 1000) SECOND), UNHEX(MD5(seq))
    FROM mysql.?? `;
const PAYMENTS_DDL = "CREATE TABLE ??.payments (payment_id INT UNSIGNED NOT NULL PRIMARY KEY, order_id BIGINT NOT NULL, amount DECIMAL(12,2) NOT NULL, method VARCHAR(20) NULL, ref VARCHAR(20) NULL)";
const PAYMENTS_ROWS = "INSERT INTO ??.payments SELECT seq, seq, seq / 3, IF(seq % 2 = 0, 'card', NULL), NULL FROM mysql.??";

describe.skipIf(mariadbMissing)("reconcile", () => {
  let event: MariadbServer;
  let prod: MariadbServer;
  let eventRoot: Connection;
  let prodRoot: Connection;
  let counter = 0;

  beforeAll(async () => {
    [event, prod] = await Promise.all([startMariadb({ name: "reconcile-event" }), startMariadb({ name: "reconcile-prod" })]);
    [eventRoot, prodRoot] = await Promise.all([event.connect(), prod.connect()]);
  }, 60_000);

  afterAll(async () => {
    await Promise.all([eventRoot?.end(), prodRoot?.end()]);
    await Promise.all([event?.stop(), prod?.stop()]);
  }, 60_000);

  /**
   * A fresh pair of schemas: the event's sale_N (orders + payments, `rows` rows from the block's
   * first key) and prod's shop_N with the same rows plus prod's own rows below the block.
   */
  async function givenReplicatedEvent(rows = 100): Promise<{ sale: string; shop: string; request: ReconcileRequest }> {
    counter += 1;
    const sale = `sale_${counter}`;
    const shop = `shop_${counter}`;
    const eventSeq = `seq_${BLOCK.first}_to_${BLOCK.first + rows - 1}`;
    for (const [root, schema] of [[eventRoot, sale], [prodRoot, shop]] as const) {
      await root.query("CREATE DATABASE ??", [schema]);
      await root.query(ORDERS_DDL, [schema]);
      await root.query(PAYMENTS_DDL, [schema]);
      await root.query(ORDERS_ROWS, [schema, eventSeq]);
      await root.query(PAYMENTS_ROWS, [schema, `seq_${BLOCK.first}_to_${BLOCK.first + Math.floor(rows / 2) - 1}`]);
    }
    // Prod's own rows: keys far below the block, different data.
    await prodRoot.query(ORDERS_ROWS, [shop, "seq_1_to_300"]);
    await prodRoot.query(PAYMENTS_ROWS, [shop, "seq_1_to_300"]);
    const request: ReconcileRequest = {
      tables: [
        { source: { schema: sale, table: "orders" }, target: { schema: shop, table: "orders" } },
        { source: { schema: sale, table: "payments" }, target: { schema: shop, table: "payments" }, key: "payment_id" },
      ],
      keyBlock: BLOCK,
    };
    return { sale, shop, request };
  }

  async function run(request: ReconcileRequest, clock?: () => number): Promise<ReconcileResult> {
    const [s, t] = await Promise.all([event.connect(), prod.connect()]);
    try {
      return await reconcile(sqlSession(s), sqlSession(t), request, clock);
    } finally {
      await Promise.all([s.end(), t.end()]);
    }
  }

  it("GIVEN identical event rows in prod WHEN reconciled THEN it matches, counting only the block's rows", async () => {
    const { request } = await givenReplicatedEvent(100);
    const result = await run(request);
    expect(result.done).toBe(true);
    expect(result.matched).toBe(true);
    expect(result.tables.map((t) => [t.sourceRows, t.targetRows, t.differingChunks])).toEqual([[100, 100, 0], [50, 50, 0]]);
    expect(result.summary).toMatch(/^MATCHED: all 150 event rows/);
    expect(result.summary).not.toContain("no event rows");
  });

  it("GIVEN a key block holding no event rows WHEN reconciled THEN it matches and the summary says so", async () => {
    const { sale, request } = await givenReplicatedEvent(10);
    const result = await run({ ...request, keyBlock: { first: 3_000_000, last: 3_999_999 } });
    expect(result.matched).toBe(true);
    expect(result.summary).toContain(`no event rows at all in ${sale}.orders -> `);
  });

  it("GIVEN one prod row changed WHEN reconciled THEN that key is reported as different", async () => {
    const { shop, request } = await givenReplicatedEvent();
    await prodRoot.query("UPDATE ??.orders SET total = total + 0.01 WHERE id = ?", [shop, BLOCK.first + 42]);
    const result = await run({ ...request, chunkSize: 25 });
    expect(result.matched).toBe(false);
    expect(result.tables[0]).toMatchObject({ differingChunks: 1, differences: [{ key: String(BLOCK.first + 42), kind: "different" }] });
    expect(result.tables[1]!.differingChunks).toBe(0);
    expect(result.summary).toContain(`${BLOCK.first + 42} different`);
  });

  it("GIVEN an event row missing in prod WHEN reconciled THEN it is missing-in-target", async () => {
    const { shop, request } = await givenReplicatedEvent();
    await prodRoot.query("DELETE FROM ??.payments WHERE payment_id = ?", [shop, BLOCK.first + 7]);
    const result = await run(request);
    expect(result.matched).toBe(false);
    expect(result.tables[1]).toMatchObject({ sourceRows: 50, targetRows: 49, differences: [{ key: String(BLOCK.first + 7), kind: "missing-in-target" }] });
  });

  it("GIVEN a prod-only row inside the block WHEN reconciled THEN it is extra-in-target, also after the event's last key", async () => {
    const { shop, request } = await givenReplicatedEvent();
    await prodRoot.query("INSERT INTO ??.orders (id, total, created_at) VALUES (?, 1, NOW())", [shop, BLOCK.last]);
    const result = await run({ ...request, chunkSize: 30 });
    expect(result.matched).toBe(false);
    expect(result.tables[0]).toMatchObject({ sourceRows: 100, targetRows: 101, differences: [{ key: String(BLOCK.last), kind: "extra-in-target" }] });
  });

  it("GIVEN prod writing its own rows outside the block during the check WHEN reconciled THEN they are ignored", async () => {
    const { shop, request } = await givenReplicatedEvent(400);
    const writer = await prod.connect();
    let writing = true;
    let writes = 0;
    const load = (async () => {
      while (writing) {
        const key = 10_000 + writes;
        await writer.query("INSERT INTO ??.orders (id, total, created_at) VALUES (?, 9.99, NOW())", [shop, key]);
        await writer.query("UPDATE ??.orders SET note = ? WHERE id < 300", [shop, `prod write ${writes}`]);
        await writer.query("INSERT INTO ??.orders (id, total, created_at) VALUES (?, 1, NOW())", [shop, BLOCK.last + 1 + writes]);
        writes += 1;
      }
    })();
    try {
      // One chunk per call so that prod's writes interleave with the chunks.
      let result = await run({ ...request, chunkSize: 20, budgetMs: 0 });
      while (!result.done) result = await run({ ...request, chunkSize: 20, budgetMs: 0, cursor: result.cursor! });
      expect(result.matched).toBe(true);
      expect(result.tables.map((t) => t.targetRows)).toEqual([400, 200]);
    } finally {
      writing = false;
      await load;
      await writer.end();
    }
    expect(writes).toBeGreaterThan(0);
  });

  it("GIVEN budget 0 WHEN resumed call after call with JSON cursors THEN it does one chunk per call and ends as one uninterrupted run", async () => {
    const { shop, request } = await givenReplicatedEvent(100);
    await prodRoot.query("UPDATE ??.orders SET customer = 'x' WHERE id = ?", [shop, BLOCK.first + 3]);
    await prodRoot.query("DELETE FROM ??.orders WHERE id = ?", [shop, BLOCK.first + 64]);
    await prodRoot.query("INSERT INTO ??.payments VALUES (?, 1, 1, NULL, NULL)", [shop, BLOCK.first + 60]);
    const chunked = { ...request, chunkSize: 7 };
    const whole = await run(chunked);

    let calls = 1;
    let result = await run({ ...chunked, budgetMs: 0 });
    let largestCursor = 0;
    while (!result.done) {
      const json = JSON.stringify(result.cursor);
      largestCursor = Math.max(largestCursor, json.length);
      expect(result.summary).toMatch(/^IN PROGRESS/);
      result = await run({ ...chunked, budgetMs: 0, cursor: JSON.parse(json) });
      calls += 1;
    }
    expect(calls).toBe(whole.tables.reduce((n, t) => n + t.chunks, 0));
    expect(calls).toBeGreaterThan(20);
    expect(result).toEqual(whole);
    expect(whole.tables.flatMap((t) => t.differences)).toEqual([
      { key: String(BLOCK.first + 3), kind: "different" },
      { key: String(BLOCK.first + 64), kind: "missing-in-target" },
      { key: String(BLOCK.first + 60), kind: "extra-in-target" },
    ]);
    expect(largestCursor).toBeLessThan(2_000);
  });

  it("GIVEN more prod-only rows in the last chunk than a chunk holds WHEN reconciled THEN the drill-down pages through them in key order", async () => {
    const { shop, request } = await givenReplicatedEvent(10);
    const extras = Array.from({ length: 12 }, (_, i) => BLOCK.first + 500 + i);
    for (const id of extras) await prodRoot.query("INSERT INTO ??.orders (id, total, created_at) VALUES (?, 1, NOW())", [shop, id]);
    const result = await run({ ...request, chunkSize: 5, maxDifferences: 20 });
    expect(result.tables[0]!.differences).toEqual(extras.map((id) => ({ key: String(id), kind: "extra-in-target" })));
    expect(result.tables[0]).toMatchObject({ sourceRows: 10, targetRows: 22, chunks: 3, differingChunks: 1 });
  });

  it("GIVEN more differing rows than maxDifferences WHEN reconciled THEN it names that many keys and still counts every differing chunk", async () => {
    const { shop, request } = await givenReplicatedEvent(100);
    await prodRoot.query("UPDATE ??.orders SET customer = 'changed' WHERE id % 10 = 0", [shop]);
    const result = await run({ ...request, chunkSize: 10, maxDifferences: 3 });
    expect(result.tables[0]!.differences.map((d) => Number(d.key) - BLOCK.first)).toEqual([0, 10, 20]);
    expect(result.tables[0]!.differingChunks).toBe(10);
    expect(result.summary).toMatch(/^NOT MATCHED .*10 differing chunk\(s\).*do not destroy/);
  });

  it("GIVEN a clock WHEN the budget runs out mid-table THEN a cursor is returned after the chunks done so far", async () => {
    const { request } = await givenReplicatedEvent(100);
    // Each reading of the clock advances it 10 ms: started at 10, 30 ms used after the third chunk.
    let now = 0;
    const result = await run({ ...request, chunkSize: 10, budgetMs: 25 }, () => (now += 10));
    expect(result.done).toBe(false);
    expect(result.cursor).toMatchObject({ table: 0, afterKey: String(BLOCK.first + 29) });
    expect(result.tables[0]!.chunks).toBe(3);
  });

  it("GIVEN NULL in the event and '' in prod, or values swapped between columns, WHEN reconciled THEN the rows differ", async () => {
    const { shop, request } = await givenReplicatedEvent(20);
    // payments: method is 'card' or NULL and ref is NULL; key first+1 has method NULL.
    await prodRoot.query("UPDATE ??.payments SET method = '' WHERE payment_id = ?", [shop, BLOCK.first + 1]);
    await prodRoot.query("UPDATE ??.payments SET method = NULL, ref = 'card' WHERE payment_id = ?", [shop, BLOCK.first + 2]);
    const result = await run(request);
    expect(result.tables[1]!.differences).toEqual([
      { key: String(BLOCK.first + 1), kind: "different" },
      { key: String(BLOCK.first + 2), kind: "different" },
    ]);
  });

  it("GIVEN users with nothing but SELECT on the schemas WHEN reconciled THEN it runs; without the grant it names the table and the privilege", async () => {
    const { sale, shop, request } = await givenReplicatedEvent(30);
    const user = `reader_${counter}`;
    await eventRoot.query("CREATE USER ?@'127.0.0.1' IDENTIFIED BY 'pw'", [user]);
    await eventRoot.query("GRANT SELECT ON ??.* TO ?@'127.0.0.1'", [sale, user]);
    await prodRoot.query("CREATE USER ?@'127.0.0.1' IDENTIFIED BY 'pw'", [user]);
    const connectAs = (server: MariadbServer) => createConnection({ host: server.host, port: server.port, user, password: "pw" });
    const [s1, t1] = await Promise.all([connectAs(event), connectAs(prod)]);
    try {
      await expect(reconcile(sqlSession(s1), sqlSession(t1), request)).rejects.toThrow(
        new ReconcileError(`target table ${shop}.orders does not exist, or the target user lacks SELECT on it (GRANT SELECT ON ${shop}.* TO the reconcile user)`),
      );
    } finally {
      await Promise.all([s1.end(), t1.end()]);
    }
    await prodRoot.query("GRANT SELECT ON ??.* TO ?@'127.0.0.1'", [shop, user]);
    const [s2, t2] = await Promise.all([connectAs(event), connectAs(prod)]);
    try {
      const [grants] = (await t2.query("SHOW GRANTS")) as unknown as [Record<string, string>[]];
      expect(grants.map((g) => Object.values(g)[0]).join("\n")).not.toMatch(/INSERT|UPDATE|DELETE|ALL/);
      const result = await reconcile(sqlSession(s2), sqlSession(t2), request);
      expect(result.matched).toBe(true);
    } finally {
      await Promise.all([s2.end(), t2.end()]);
    }
  });

  it("GIVEN a compared column missing in prod WHEN reconciled THEN the error names the table and the column", async () => {
    const { shop, request } = await givenReplicatedEvent(5);
    await prodRoot.query("ALTER TABLE ??.payments DROP COLUMN ref", [shop]);
    await expect(run(request)).rejects.toThrow(`column ref is missing in target table ${shop}.payments`);
  });

  it("GIVEN explicit columns WHEN a column outside them differs THEN it matches", async () => {
    const { shop, request } = await givenReplicatedEvent(10);
    await prodRoot.query("UPDATE ??.orders SET note = 'changed by prod' WHERE id = ?", [shop, BLOCK.first + 1]);
    const result = await run({ ...request, tables: [{ ...request.tables[0]!, columns: ["customer", "total", "created_at"] }] });
    expect(result.matched).toBe(true);
  });

  it.each([
    ["tables[0].source.schema", { tables: [{ source: { schema: "sale`; DROP", table: "orders" }, target: { schema: "shop", table: "orders" } }], keyBlock: BLOCK }],
    ["tables[0].columns[1]", { tables: [{ source: { schema: "sale", table: "orders" }, target: { schema: "shop", table: "orders" }, columns: ["a", "b c"] }], keyBlock: BLOCK }],
    ["keyBlock: first (5) is greater than last (4)", { tables: [{ source: { schema: "a", table: "b" }, target: { schema: "c", table: "d" } }], keyBlock: { first: 5, last: 4 } }],
    ["keyBlock.first: 1.5 is not a safe integer", { tables: [{ source: { schema: "a", table: "b" }, target: { schema: "c", table: "d" } }], keyBlock: { first: 1.5, last: 4 } }],
    ["chunkSize: 0", { tables: [{ source: { schema: "a", table: "b" }, target: { schema: "c", table: "d" } }], keyBlock: BLOCK, chunkSize: 0 }],
    ["tables: list at least one", { tables: [], keyBlock: BLOCK }],
  ])("GIVEN an invalid request WHEN reconciled THEN the error names %s", async (field, request) => {
    await expect(run(request as ReconcileRequest)).rejects.toThrow(field);
  });

  it("GIVEN a cursor from another key block WHEN resumed THEN it is refused", async () => {
    const { request } = await givenReplicatedEvent(30);
    const partial = await run({ ...request, chunkSize: 10, budgetMs: 0 });
    await expect(run({ ...request, keyBlock: { first: BLOCK.first, last: BLOCK.last - 1 }, cursor: partial.cursor! })).rejects.toThrow("cursor: it belongs to another request");
  });
});
