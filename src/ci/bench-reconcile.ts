/**
 * `npm run bench -- --reconcile`: the teardown's data gate on 1,000,000 rows. Starts two MariaDB
 * servers (event and prod), loads the same rows inside a key block on both sides (prod also gets
 * its own rows outside the block), reconciles them with the default settings and prints rows/s
 * and this process's peak RSS. Target: 1 M rows in 30 s or less on 2 cores; exits 1 on a miss.
 */
import type { Connection } from "mysql2/promise";
import type { SqlSession } from "../lifecycle/handlers/post-apply";
import { reconcile } from "../lifecycle/reconcile";
import { findMariadb, startMariadb, type MariadbServer } from "../rehearsal/mariadb";

const ROWS = Number(process.env.BENCH_RECONCILE_ROWS ?? 1_000_000);
const MAX_SECONDS = 30;
const BLOCK = { first: 5_000_000_001, last: 5_999_999_999 };

const DDL = `CREATE TABLE ??.orders (
  id BIGINT NOT NULL PRIMARY KEY,
  customer_id BIGINT NOT NULL,
  status VARCHAR(20) NOT NULL,
  note VARCHAR(200) NULL,
  total DECIMAL(12,2) NOT NULL,
  created_at DATETIME(6) NOT NULL)`;
// Rows depend only on the key, so both servers get identical data; sequence tables are MariaDB's.
const LOAD = `INSERT INTO ??.orders
  SELECT ? + seq, seq % 50000, ELT(1 + seq % 4, 'paid', 'shipped', 'cancelled', 'refunded'),
         IF(seq % 7 = 0, NULL, CONCAT('gift wrap ', seq % 13)), (seq % 100000) / 100,
         TIMESTAMP('2026-12-03 20:00:00') + INTERVAL (seq % 10800) SECOND
    FROM mysql.??`;

function sessionOf(connection: Connection): SqlSession {
  return { query: (sql, values) => connection.query(sql, values as never), end: () => connection.end() };
}

async function load(server: MariadbServer, schema: string, prodRows: boolean): Promise<void> {
  const root = await server.connect();
  try {
    await root.query("CREATE DATABASE ??", [schema]);
    await root.query(DDL, [schema]);
    // One statement per 250,000 rows keeps each transaction's undo log modest.
    for (let start = 0; start < ROWS; start += 250_000) {
      const end = Math.min(ROWS, start + 250_000);
      await root.query(LOAD, [schema, BLOCK.first - 1, `seq_${start + 1}_to_${end}`]);
    }
    if (prodRows) await root.query(LOAD, [schema, 0, "seq_1_to_100000"]);
  } finally {
    await root.end();
  }
}

export async function benchReconcile(): Promise<number> {
  const mariadb = findMariadb();
  if ("missing" in mariadb) {
    process.stderr.write(`${mariadb.missing}: the reconciliation benchmark was NOT run\n`);
    return 1;
  }
  const [event, prod] = await Promise.all([startMariadb({ name: "bench-event" }), startMariadb({ name: "bench-prod" })]);
  try {
    const loadStarted = process.hrtime.bigint();
    await Promise.all([load(event, "sale", false), load(prod, "shop", true)]);
    process.stderr.write(`loaded ${ROWS} rows per side in ${(Number(process.hrtime.bigint() - loadStarted) / 1e9).toFixed(1)} s\n`);

    const [s, t] = await Promise.all([event.connect(), prod.connect()]);
    const rssBefore = process.memoryUsage().rss;
    const started = process.hrtime.bigint();
    let peakRss = rssBefore;
    const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 50);
    let result;
    try {
      result = await reconcile(sessionOf(s), sessionOf(t), {
        tables: [{ source: { schema: "sale", table: "orders" }, target: { schema: "shop", table: "orders" } }],
        keyBlock: BLOCK,
        budgetMs: 10 * 60_000,
      });
    } finally {
      clearInterval(sampler);
      await Promise.all([s.end(), t.end()]);
    }
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    peakRss = Math.max(peakRss, process.memoryUsage().rss);
    const maxRssMb = process.resourceUsage().maxRSS / 1024;
    const ok = result.done && result.matched && result.tables[0]?.sourceRows === ROWS && seconds <= MAX_SECONDS * (ROWS / 1_000_000);
    process.stderr.write(`RSS before the reconciliation (node, tsx, mysql2, two connections): ${(rssBefore / 2 ** 20).toFixed(0)} MB\n`);
    process.stdout.write(
      [
        `| scenario | rows | seconds | rows/s | peak RSS MB (sampled during / process max) | target | result |`,
        `| --- | --- | --- | --- | --- | --- | --- |`,
        `| reconcile 1 table, chunks of 10000 | ${ROWS} | ${seconds.toFixed(2)} | ${Math.round(ROWS / seconds)} | ${(peakRss / 2 ** 20).toFixed(0)} / ${maxRssMb.toFixed(0)} | <= ${MAX_SECONDS} s per 1 M rows | ${ok ? "ok" : "MISSED"} |`,
        result.summary,
      ].join("\n") + "\n",
    );
    return ok ? 0 : 1;
  } finally {
    await Promise.all([event.stop(), prod.stop()]);
  }
}
