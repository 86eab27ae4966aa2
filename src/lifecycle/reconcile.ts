/**
 * Data gate of an event's teardown: proves that every row of the event's key block in the event
 * database is in prod, identical, before the event environment may be destroyed.
 *
 * AWS DMS cannot validate a task whose target tables also hold other writers' rows, and prod's
 * `shop.*` tables do. So the project reconciles by key itself: per mapped table, key-ordered
 * chunks WITHIN the event's key block, each compared by row count and an order-independent
 * checksum on both sides; only a chunk that differs is read row by row (key + row hash, at most
 * `chunkSize` pairs per side at a time) to name the first differing keys. Prod's own rows lie
 * outside the block and are never read, so prod may keep writing during the check.
 *
 * Only SELECT statements run (information_schema included): a user with SELECT on the mapped
 * schemas suffices. Memory is bounded by `chunkSize` whatever the table size, and the work is
 * resumable: when the time budget is used up the result carries a small JSON cursor that a later
 * call continues from, ending with the same result as an uninterrupted run.
 *
 * Checksum of a row (see {@link rowHashSql}): MD5 over the concatenation of every compared column
 * as `N` for NULL or `V<byte length>:<bytes>` otherwise, which is unambiguous (NULL differs from
 * '', ('a', NULL) from (NULL, 'a'), ('ab', 'c') from ('a', 'bc')). A chunk's checksum is the
 * BIT_XOR of the two 64-bit halves of the row hashes; the key is always hashed, so two rows never
 * cancel each other out. Assumption: a column has the same type, scale, precision and character set
 * on both sides (checked up front), so the server renders equal values identically (DECIMAL with
 * its scale, DATETIME with its fraction digits, strings as their stored bytes). TIMESTAMP columns
 * are hashed as UNIX_TIMESTAMP so the sessions' time zones do not matter. FLOAT/DOUBLE render by
 * the server's shortest round-trip form, which is stable between servers of one engine family.
 */
import { createHash } from "node:crypto";
import type { SqlSession } from "./handlers/post-apply";

export interface TableName {
  readonly schema: string;
  readonly table: string;
}

export interface ReconcileTable {
  /** Table in the event database. */
  readonly source: TableName;
  /** Table in prod that DMS writes the source table's rows into. */
  readonly target: TableName;
  /**
   * Integer primary-key column (the table's whole primary key), the same on both sides.
   * @default "id"
   */
  readonly key?: string;
  /**
   * Columns compared; the key is always compared as well.
   * @default every column of the source table, in ordinal order (read from information_schema)
   */
  readonly columns?: readonly string[];
}

/** An event's inclusive range of primary keys. */
export interface KeyBlock {
  readonly first: number;
  readonly last: number;
}

/** Per-table figures so far. */
export interface TableReport {
  /** `source -> target`, e.g. `sale.orders -> shop.orders`. */
  readonly name: string;
  readonly sourceRows: number;
  readonly targetRows: number;
  readonly chunks: number;
  readonly differingChunks: number;
  /** The first differing keys (at most `maxDifferences` per table), in key order per chunk. */
  readonly differences: readonly Difference[];
}

export interface Difference {
  readonly key: string;
  /**
   * - `missing-in-target`: the event row never reached prod.
   * - `extra-in-target`: a prod row inside the block that the event lacks (a prod write into the
   *   block, or an event delete that DMS did not apply).
   * - `different`: both have the key, with different values.
   */
  readonly kind: "missing-in-target" | "extra-in-target" | "different";
}

/** Where a run stopped; plain JSON, a few hundred bytes plus the differences found so far. */
export interface ReconcileCursor {
  /** Fingerprint of the tables and key block: a cursor only continues the request that made it. */
  readonly request: string;
  /** Index in `tables` of the table being reconciled. */
  readonly table: number;
  /** Every key <= afterKey of that table is done; null: none yet. */
  readonly afterKey: string | null;
  /** Figures of the tables up to and including `table`, so far. */
  readonly totals: readonly TableReport[];
}

export interface ReconcileRequest {
  readonly tables: readonly ReconcileTable[];
  readonly keyBlock: KeyBlock;
  /** Continue a run that returned `done: false`. @default start from the first table */
  readonly cursor?: ReconcileCursor;
  /** Rows per chunk, and the most key+hash pairs held per side while drilling down. @default 10000 */
  readonly chunkSize?: number;
  /**
   * Stop and return a cursor once this long has passed; at least one chunk is done per call so
   * that every call makes progress.
   * @default 60000 (one minute)
   */
  readonly budgetMs?: number;
  /** Differing keys named per table; further differing chunks are counted, not drilled into. @default 10 */
  readonly maxDifferences?: number;
}

export interface ReconcileResult {
  readonly done: boolean;
  /** Present when `done` is false: pass it back in the next request. */
  readonly cursor?: ReconcileCursor;
  /** Meaningful only when done; false as soon as any difference was found. */
  readonly matched: boolean;
  readonly tables: readonly TableReport[];
  /** One line a person can act on. */
  readonly summary: string;
}

/** Invalid request or a schema the check cannot run against; a retry does not help. */
export class ReconcileError extends Error {
  override readonly name = "ReconcileError";
}

const DEFAULT_CHUNK_SIZE = 10_000;
const DEFAULT_BUDGET_MS = 60_000;
const DEFAULT_MAX_DIFFERENCES = 10;
/** Plain MySQL identifiers: what the project's schemas use; anything else is a typo or worse. */
const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_$]{0,63}$/;
const INTEGER_TYPES = new Set(["tinyint", "smallint", "mediumint", "int", "bigint"]);

/** Compares the key block's rows of every mapped table; see the module comment. */
export async function reconcile(source: SqlSession, target: SqlSession, request: ReconcileRequest, clock: () => number = Date.now): Promise<ReconcileResult> {
  const started = clock();
  const opts = validateRequest(request);
  const fingerprint = fingerprintOf(request);
  const cursor = request.cursor;
  if (cursor) validateCursor(cursor, fingerprint, request.tables.length);

  const totals: TableReport[] = cursor ? cursor.totals.map((t) => ({ ...t, differences: [...t.differences] })) : [];
  let tableIndex = cursor?.table ?? 0;
  let afterKey: number = cursor?.afterKey === null || cursor?.afterKey === undefined ? opts.first - 1 : Number(cursor.afterKey);

  while (tableIndex < request.tables.length) {
    const spec = request.tables[tableIndex]!;
    const plan = await planTable(source, target, spec);
    let report = totals[tableIndex] ?? emptyReport(plan.name);
    while (afterKey < opts.last) {
      const chunk = await reconcileChunk(source, target, plan, afterKey, opts, report.differences.length);
      report = {
        name: report.name,
        sourceRows: report.sourceRows + chunk.sourceRows,
        targetRows: report.targetRows + chunk.targetRows,
        chunks: report.chunks + 1,
        differingChunks: report.differingChunks + (chunk.differs ? 1 : 0),
        differences: [...report.differences, ...chunk.differences],
      };
      totals[tableIndex] = report;
      afterKey = chunk.hi;
      if (clock() - started >= opts.budgetMs && !(afterKey >= opts.last && tableIndex === request.tables.length - 1)) {
        const next = afterKey >= opts.last ? { table: tableIndex + 1, afterKey: null } : { table: tableIndex, afterKey: String(afterKey) };
        const partial = { request: fingerprint, ...next, totals };
        return { done: false, cursor: partial, matched: totals.every(isClean), tables: totals, summary: progressSummary(totals, request, next.table) };
      }
    }
    totals[tableIndex] = report;
    tableIndex += 1;
    afterKey = opts.first - 1;
  }
  const matched = totals.every(isClean);
  return { done: true, matched, tables: totals, summary: finalSummary(totals, request.keyBlock, matched) };
}

interface Options {
  readonly first: number;
  readonly last: number;
  readonly chunkSize: number;
  readonly budgetMs: number;
  readonly maxDifferences: number;
}

function validateRequest(request: ReconcileRequest): Options {
  const problems: string[] = [];
  if (!Array.isArray(request.tables) || request.tables.length === 0) problems.push("tables: list at least one mapped table");
  (request.tables ?? []).forEach((t, i) => {
    for (const side of ["source", "target"] as const) {
      for (const part of ["schema", "table"] as const) {
        const value = t?.[side]?.[part];
        if (typeof value !== "string" || !IDENTIFIER.test(value)) problems.push(`tables[${i}].${side}.${part}: ${JSON.stringify(value)} is not a plain MySQL name ([A-Za-z_][A-Za-z0-9_$]*, at most 64 characters)`);
      }
    }
    if (t?.key !== undefined && !IDENTIFIER.test(t.key)) problems.push(`tables[${i}].key: ${JSON.stringify(t.key)} is not a plain MySQL name`);
    if (t?.columns !== undefined) {
      if (t.columns.length === 0) problems.push(`tables[${i}].columns: list at least one column, or leave it out to compare every column`);
      t.columns.forEach((c, j) => {
        if (typeof c !== "string" || !IDENTIFIER.test(c)) problems.push(`tables[${i}].columns[${j}]: ${JSON.stringify(c)} is not a plain MySQL name`);
      });
    }
  });
  const { first, last } = request.keyBlock ?? ({} as KeyBlock);
  if (!Number.isSafeInteger(first)) problems.push(`keyBlock.first: ${String(first)} is not a safe integer`);
  if (!Number.isSafeInteger(last)) problems.push(`keyBlock.last: ${String(last)} is not a safe integer`);
  if (Number.isSafeInteger(first) && Number.isSafeInteger(last) && first > last) problems.push(`keyBlock: first (${first}) is greater than last (${last})`);
  const chunkSize = request.chunkSize ?? DEFAULT_CHUNK_SIZE;
  if (!Number.isSafeInteger(chunkSize) || chunkSize < 1) problems.push(`chunkSize: ${String(chunkSize)} is not a positive integer`);
  const budgetMs = request.budgetMs ?? DEFAULT_BUDGET_MS;
  if (typeof budgetMs !== "number" || !(budgetMs >= 0)) problems.push(`budgetMs: ${String(budgetMs)} is not a number >= 0`);
  const maxDifferences = request.maxDifferences ?? DEFAULT_MAX_DIFFERENCES;
  if (!Number.isSafeInteger(maxDifferences) || maxDifferences < 1) problems.push(`maxDifferences: ${String(maxDifferences)} is not a positive integer`);
  if (problems.length > 0) throw new ReconcileError(`invalid reconcile request: ${problems.join("; ")}`);
  return { first, last, chunkSize, budgetMs, maxDifferences };
}

function fingerprintOf(request: ReconcileRequest): string {
  const essence = { tables: request.tables.map((t) => [t.source, t.target, t.key ?? "id", t.columns ?? null]), keyBlock: [request.keyBlock.first, request.keyBlock.last] };
  return createHash("sha256").update(JSON.stringify(essence)).digest("hex").slice(0, 16);
}

function validateCursor(cursor: ReconcileCursor, fingerprint: string, tables: number): void {
  if (cursor.request !== fingerprint) throw new ReconcileError("cursor: it belongs to another request (other tables or key block); start without a cursor");
  if (!Number.isSafeInteger(cursor.table) || cursor.table < 0 || cursor.table >= tables) throw new ReconcileError(`cursor.table: ${String(cursor.table)} is not a table index`);
  if (cursor.afterKey !== null && !/^-?\d{1,16}$/.test(cursor.afterKey)) throw new ReconcileError(`cursor.afterKey: ${JSON.stringify(cursor.afterKey)} is not an integer`);
  if (!Array.isArray(cursor.totals) || cursor.totals.length !== cursor.table + 1 && cursor.totals.length !== cursor.table) {
    throw new ReconcileError("cursor.totals: does not match cursor.table");
  }
}

function emptyReport(name: string): TableReport {
  return { name, sourceRows: 0, targetRows: 0, chunks: 0, differingChunks: 0, differences: [] };
}

function isClean(t: TableReport): boolean {
  return t.differingChunks === 0 && t.sourceRows === t.targetRows;
}

// ---------------------------------------------------------------------------------------------
// Schema: columns and types from information_schema, checked on both sides.

interface ColumnInfo {
  readonly name: string;
  readonly dataType: string;
  readonly scale: string;
  readonly precision: string;
  readonly charset: string;
  readonly key: string;
}

interface TablePlan {
  readonly name: string;
  readonly spec: ReconcileTable;
  readonly key: string;
  /** Compared columns (the key among them), with their types. */
  readonly columns: readonly ColumnInfo[];
}

async function readColumns(session: SqlSession, side: "source" | "target", name: TableName): Promise<ColumnInfo[]> {
  const [rows] = (await session.query(
    `SELECT COLUMN_NAME AS name, DATA_TYPE AS dataType, COALESCE(NUMERIC_SCALE, '') AS scale,
            COALESCE(DATETIME_PRECISION, '') AS \`precision\`, COALESCE(CHARACTER_SET_NAME, '') AS charset, COLUMN_KEY AS \`key\`
       FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ? ORDER BY ORDINAL_POSITION`,
    [name.schema, name.table],
  )) as [Record<string, unknown>[]];
  if (rows.length === 0) {
    // information_schema shows only tables the user may read, so "missing" and "not granted" look alike.
    throw new ReconcileError(`${side} table ${name.schema}.${name.table} does not exist, or the ${side} user lacks SELECT on it (GRANT SELECT ON ${name.schema}.* TO the reconcile user)`);
  }
  return rows.map((r) => ({
    name: String(r.name),
    dataType: String(r.dataType).toLowerCase(),
    scale: String(r.scale),
    precision: String(r.precision),
    charset: String(r.charset),
    key: String(r.key),
  }));
}

async function planTable(source: SqlSession, target: SqlSession, spec: ReconcileTable): Promise<TablePlan> {
  const name = `${spec.source.schema}.${spec.source.table} -> ${spec.target.schema}.${spec.target.table}`;
  const [sourceColumns, targetColumns] = await Promise.all([readColumns(source, "source", spec.source), readColumns(target, "target", spec.target)]);
  const key = spec.key ?? "id";
  const wanted = spec.columns ? [key, ...spec.columns.filter((c) => c !== key)] : [key, ...sourceColumns.map((c) => c.name).filter((c) => c !== key)];
  const bySource = new Map(sourceColumns.map((c) => [c.name.toLowerCase(), c]));
  const byTarget = new Map(targetColumns.map((c) => [c.name.toLowerCase(), c]));
  const columns: ColumnInfo[] = [];
  for (const column of wanted) {
    const s = bySource.get(column.toLowerCase());
    const t = byTarget.get(column.toLowerCase());
    if (!s) throw new ReconcileError(`${name}: column ${column} is missing in source table ${spec.source.schema}.${spec.source.table} (or the source user lacks SELECT on it)`);
    if (!t) throw new ReconcileError(`${name}: column ${column} is missing in target table ${spec.target.schema}.${spec.target.table} (or the target user lacks SELECT on it)`);
    const render = (c: ColumnInfo) => `${c.dataType}${c.scale ? ` scale ${c.scale}` : ""}${c.precision ? ` fraction ${c.precision}` : ""}${c.charset ? ` ${c.charset}` : ""}`;
    if (render(s) !== render(t)) {
      throw new ReconcileError(`${name}: column ${column} is ${render(s)} in the source but ${render(t)} in the target; checksums would differ for equal values, align the types first`);
    }
    columns.push(s);
  }
  for (const [side, cols] of [["source", sourceColumns], ["target", targetColumns]] as const) {
    const keyInfo = cols.find((c) => c.name.toLowerCase() === key.toLowerCase())!;
    const primary = cols.filter((c) => c.key === "PRI");
    if (!INTEGER_TYPES.has(keyInfo.dataType) || primary.length !== 1 || primary[0] !== keyInfo) {
      throw new ReconcileError(`${name}: key ${key} must be the ${side} table's whole primary key and an integer column (it is ${keyInfo.dataType}${keyInfo.key === "PRI" ? "" : ", not the primary key"})`);
    }
  }
  return { name, spec, key: columns[0]!.name, columns };
}

/**
 * SQL of one row's 32-hex-digit hash over the compared columns: `N` for NULL, `V<bytes>:<value>`
 * otherwise, concatenated. Identifiers are escaped with `??`-style escaping by the caller's
 * values list; this returns the SQL with `??` placeholders and the identifiers to bind.
 */
function rowHashSql(columns: readonly ColumnInfo[]): { sql: string; ids: string[] } {
  const parts: string[] = [];
  const ids: string[] = [];
  for (const c of columns) {
    // TIMESTAMP renders in the session's time zone; the epoch value does not depend on it.
    const value = c.dataType === "timestamp" ? "UNIX_TIMESTAMP(??)" : "??";
    parts.push(`IF(?? IS NULL, 'N', CONCAT('V', LENGTH(CAST(${value} AS BINARY)), ':', CAST(${value} AS BINARY)))`);
    ids.push(c.name, c.name, c.name);
  }
  return { sql: `MD5(CONCAT(${parts.join(", ")}))`, ids };
}

// ---------------------------------------------------------------------------------------------
// Chunks.

interface ChunkResult {
  readonly hi: number;
  readonly sourceRows: number;
  readonly targetRows: number;
  readonly differs: boolean;
  readonly differences: Difference[];
}

async function reconcileChunk(source: SqlSession, target: SqlSession, plan: TablePlan, lo: number, opts: Options, differencesSoFar: number): Promise<ChunkResult> {
  const { spec, key } = plan;
  // The chunk ends at the source's chunkSize-th key after lo, or at the block's end.
  const [upper] = (await source.query("SELECT ?? AS k FROM ??.?? WHERE ?? > ? AND ?? <= ? ORDER BY ?? LIMIT 1 OFFSET ?", [
    key, spec.source.schema, spec.source.table, key, lo, key, opts.last, key, opts.chunkSize - 1,
  ])) as [Record<string, unknown>[]];
  const hi = upper[0] === undefined ? opts.last : Number(upper[0].k);

  const hash = rowHashSql(plan.columns);
  const summarise = async (session: SqlSession, name: TableName) => {
    // The derived table's LIMIT (far above any chunk) keeps the optimizer from merging it into the
    // outer query, which would compute each row's MD5 twice, once per half: ~25% slower, measured.
    const [rows] = (await session.query(
      // As text: a driver would round 64-bit numbers to doubles and hide low-bit differences.
      `SELECT COUNT(*) AS n,
              CAST(BIT_XOR(CAST(CONV(LEFT(h, 16), 16, 10) AS UNSIGNED)) AS CHAR) AS x1,
              CAST(BIT_XOR(CAST(CONV(RIGHT(h, 16), 16, 10) AS UNSIGNED)) AS CHAR) AS x2
         FROM (SELECT ${hash.sql} AS h FROM ??.?? WHERE ?? > ? AND ?? <= ? LIMIT 18446744073709551615) AS chunk`,
      [...hash.ids, name.schema, name.table, key, lo, key, hi],
    )) as [Record<string, unknown>[]];
    const row = rows[0]!;
    return { count: Number(row.n), sum: `${String(row.x1)}:${String(row.x2)}` };
  };
  const [s, t] = await Promise.all([summarise(source, spec.source), summarise(target, spec.target)]);
  const differs = s.count !== t.count || s.sum !== t.sum;
  let differences: Difference[] = [];
  const room = opts.maxDifferences - differencesSoFar;
  if (differs && room > 0) differences = await drillDown(source, target, plan, lo, hi, opts.chunkSize, room);
  return { hi, sourceRows: s.count, targetRows: t.count, differs, differences };
}

/** Reads key+hash pairs of one side in pages of at most `pageSize`, in key order. */
class Pager {
  private page: { key: number; hash: string }[] = [];
  private index = 0;
  private after: number;
  private exhausted = false;

  constructor(
    private readonly session: SqlSession,
    private readonly name: TableName,
    private readonly plan: TablePlan,
    lo: number,
    private readonly hi: number,
    private readonly pageSize: number,
  ) {
    this.after = lo;
  }

  async peek(): Promise<{ key: number; hash: string } | undefined> {
    if (this.index < this.page.length) return this.page[this.index];
    if (this.exhausted) return undefined;
    const hash = rowHashSql(this.plan.columns);
    const key = this.plan.key;
    const [rows] = (await this.session.query(`SELECT ?? AS k, ${hash.sql} AS h FROM ??.?? WHERE ?? > ? AND ?? <= ? ORDER BY ?? LIMIT ?`, [
      key, ...hash.ids, this.name.schema, this.name.table, key, this.after, key, this.hi, key, this.pageSize,
    ])) as [Record<string, unknown>[]];
    this.page = rows.map((r) => ({ key: Number(r.k), hash: String(r.h) }));
    this.index = 0;
    if (rows.length < this.pageSize) this.exhausted = true;
    const lastRow = this.page[this.page.length - 1];
    if (lastRow) this.after = lastRow.key;
    return this.page[0];
  }

  next(): void {
    this.index += 1;
  }
}

async function drillDown(source: SqlSession, target: SqlSession, plan: TablePlan, lo: number, hi: number, pageSize: number, room: number): Promise<Difference[]> {
  const differences: Difference[] = [];
  const s = new Pager(source, plan.spec.source, plan, lo, hi, pageSize);
  const t = new Pager(target, plan.spec.target, plan, lo, hi, pageSize);
  while (differences.length < room) {
    const [a, b] = await Promise.all([s.peek(), t.peek()]);
    if (!a && !b) break;
    if (a && (!b || a.key < b.key)) {
      differences.push({ key: String(a.key), kind: "missing-in-target" });
      s.next();
    } else if (b && (!a || b.key < a.key)) {
      differences.push({ key: String(b.key), kind: "extra-in-target" });
      t.next();
    } else {
      if (a!.hash !== b!.hash) differences.push({ key: String(a!.key), kind: "different" });
      s.next();
      t.next();
    }
  }
  return differences;
}

// ---------------------------------------------------------------------------------------------
// Summaries.

function blockText(block: KeyBlock): string {
  return `key block [${block.first}, ${block.last}]`;
}

function progressSummary(totals: readonly TableReport[], request: ReconcileRequest, nextTable: number): string {
  const rows = totals.reduce((n, t) => n + t.sourceRows, 0);
  const differing = totals.filter((t) => !isClean(t)).map((t) => t.name);
  return (
    `IN PROGRESS: ${rows} event rows of ${blockText(request.keyBlock)} checked so far, ${Math.min(nextTable, request.tables.length)} of ${request.tables.length} tables finished; ` +
    (differing.length ? `differences already found in ${differing.join(", ")}; ` : "") +
    "call again with the returned cursor"
  );
}

function finalSummary(totals: readonly TableReport[], block: KeyBlock, matched: boolean): string {
  const rows = totals.reduce((n, t) => n + t.sourceRows, 0);
  if (matched) {
    // An empty table matches trivially; a wrong key block would make every table empty.
    const empty = totals.filter((t) => t.sourceRows === 0).map((t) => t.name);
    return (
      `MATCHED: all ${rows} event rows of ${blockText(block)} in ${totals.length} table${totals.length === 1 ? "" : "s"} are in the target, identical, and the target has no other rows in the block` +
      (empty.length ? `; no event rows at all in ${empty.join(", ")}: check the key block if rows were expected` : "")
    );
  }
  const details = totals
    .filter((t) => !isClean(t))
    .map((t) => {
      const first = t.differences.slice(0, 3).map((d) => `${d.key} ${d.kind}`).join(", ");
      return `${t.name}: ${t.sourceRows} source vs ${t.targetRows} target rows, ${t.differingChunks} differing chunk(s)${first ? ` (first: ${first})` : ""}`;
    });
  return `NOT MATCHED in ${blockText(block)}: ${details.join("; ")}; do not destroy the event database: let DMS catch up or repair the named keys, then reconcile again`;
}
