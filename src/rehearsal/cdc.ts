/**
 * A stand-in for the event's AWS DMS task (full-load-and-cdc, TargetTablePrepMode DO_NOTHING,
 * every error policy STOP_TASK) between two real MariaDB servers, for the offline rehearsal of the
 * event lifecycle and its tests. It moves real rows from the event server into prod's tables,
 * which keep their own rows and writers.
 *
 * Change capture: AFTER INSERT/UPDATE/DELETE triggers on each mapped source table append a row
 * image to a change log in a schema of its own on the source (`rehearsal_cdc.changes`). The log
 * row is written in the writer's transaction, so a change becomes visible exactly when it
 * commits, and a rolled-back change never appears. Applied changes are removed from the log, so
 * what remains is what DMS would still have to apply (its CDC latency).
 *
 * Differences from DMS, on purpose or by necessity:
 * - Order: changes are applied in log sequence order. Two changes to one row are always in commit
 *   order (the second writer waits for the first one's row lock before it logs), which is what
 *   matters for the final state; changes to different rows may be applied in a slightly different
 *   order than they committed.
 * - Commit time: `committed_at` is the UTC start time of the statement that made the change
 *   (triggers cannot see the commit), so a stop position is accurate to one statement.
 * - Transactions: each change is applied on its own, not grouped per source transaction.
 * - Errors (the project's STOP_TASK policies): an INSERT whose key exists in the target, an
 *   UPDATE or DELETE that affects no target row (the row is not there) stop the replicator with
 *   the table and key; nothing more is applied until {@link CdcReplicator.reset}. An UPDATE that
 *   finds its row but changes nothing counts as found: the target session must report found rows
 *   (mysql2's default CLIENT_FOUND_ROWS).
 * - Values travel as text (CAST AS CHAR, base64 for binary columns), which keeps DECIMAL and
 *   DATETIME exact; TIMESTAMP columns assume the writer's and the replicator's sessions share a
 *   time zone, as they do in the rehearsal.
 *
 * The target is read only where CDC would hit it: the key conflicts of the statements it applies.
 */
import type { SqlSession } from "../lifecycle/handlers/post-apply";

export interface CdcTableName {
  readonly schema: string;
  readonly table: string;
}

export interface CdcTableMapping {
  readonly source: CdcTableName;
  readonly target: CdcTableName;
  /** Primary-key column, the same on both sides. @default "id" */
  readonly key?: string;
}

export interface CdcReplicatorOptions {
  /** Session on the event server allowed to create schemas, tables and triggers (root in the rehearsal). */
  readonly source: SqlSession;
  /** Session on prod allowed to write the mapped tables. */
  readonly target: SqlSession;
  readonly tables: readonly CdcTableMapping[];
  /** Schema of the change log on the source. @default "rehearsal_cdc" */
  readonly logSchema?: string;
  /** Rows read per round trip during the full load and the apply. @default 500 */
  readonly batchSize?: number;
}

export interface CdcError {
  /** Target table, `schema.table`. */
  readonly table: string;
  readonly key: string;
  readonly message: string;
}

export interface ApplyOptions {
  /** Apply changes committed at or before this time, then stop (DMS's CDC stop position). @default no stop position */
  readonly upToCommitTime?: Date;
  /** Apply at most this many changes. @default no limit */
  readonly maxChanges?: number;
}

export interface ApplyResult {
  readonly applied: number;
  /** Commit time of the last change applied by this call. */
  readonly lastCommitTime?: Date;
  /** Why the call returned; absent when it returned because of an error. */
  readonly stoppedAt?: "stop-position" | "max-changes" | "caught-up";
  /** The error the replicator stopped on (also returned by every later call until reset). */
  readonly error?: CdcError;
}

/** Invalid options or a source the stand-in cannot capture. */
export class CdcSetupError extends Error {
  override readonly name = "CdcSetupError";
}

/** The full load stopped on a table error (the replicator keeps the error). */
export class CdcLoadError extends Error {
  override readonly name = "CdcLoadError";
  constructor(readonly error: CdcError) {
    super(`full load stopped on ${error.table} key ${error.key}: ${error.message}`);
  }
}

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_$]{0,63}$/;
const BINARY_TYPES = new Set(["binary", "varbinary", "tinyblob", "blob", "mediumblob", "longblob", "bit"]);

interface Column {
  readonly name: string;
  readonly binary: boolean;
}

interface TablePlan {
  readonly mapping: CdcTableMapping;
  readonly key: string;
  readonly columns: readonly Column[];
  readonly targetName: string;
}

interface Change {
  readonly seq: string;
  readonly schema: string;
  readonly table: string;
  readonly op: "I" | "U" | "D";
  readonly key: string;
  readonly image: Record<string, string | null>;
  readonly committedAt: Date;
  readonly beyondStop: boolean;
}

export class CdcReplicator {
  private readonly source: SqlSession;
  private readonly target: SqlSession;
  private readonly tables: readonly CdcTableMapping[];
  private readonly logSchema: string;
  private readonly batchSize: number;
  private plans: TablePlan[] | undefined;
  private failure: CdcError | undefined;

  constructor(options: CdcReplicatorOptions) {
    const problems: string[] = [];
    if (options.tables.length === 0) problems.push("tables: map at least one table");
    options.tables.forEach((t, i) => {
      for (const [field, value] of [
        ["source.schema", t.source.schema],
        ["source.table", t.source.table],
        ["target.schema", t.target.schema],
        ["target.table", t.target.table],
        ["key", t.key ?? "id"],
      ] as const) {
        if (!IDENTIFIER.test(value)) problems.push(`tables[${i}].${field}: ${JSON.stringify(value)} is not a plain MySQL name`);
      }
      // Trigger names are cdc_<table>_<op> and must fit MySQL's 64 characters.
      if (t.source.table.length > 58) problems.push(`tables[${i}].source.table: at most 58 characters, for the trigger names`);
    });
    const logSchema = options.logSchema ?? "rehearsal_cdc";
    if (!IDENTIFIER.test(logSchema)) problems.push(`logSchema: ${JSON.stringify(logSchema)} is not a plain MySQL name`);
    const batchSize = options.batchSize ?? 500;
    if (!Number.isSafeInteger(batchSize) || batchSize < 1) problems.push(`batchSize: ${String(batchSize)} is not a positive integer`);
    if (problems.length > 0) throw new CdcSetupError(`invalid CDC options: ${problems.join("; ")}`);
    this.source = options.source;
    this.target = options.target;
    this.tables = options.tables;
    this.logSchema = logSchema;
    this.batchSize = batchSize;
  }

  /** The error the replicator stopped on, if any. */
  get error(): CdcError | undefined {
    return this.failure;
  }

  /** Creates the change log and the capture triggers (again, if they exist). */
  async install(): Promise<void> {
    const plans = await this.plan();
    await this.source.query("CREATE DATABASE IF NOT EXISTS ??", [this.logSchema]);
    await this.source.query(
      `CREATE TABLE IF NOT EXISTS ??.changes (
         seq BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
         schema_name VARCHAR(64) NOT NULL,
         table_name VARCHAR(64) NOT NULL,
         op CHAR(1) NOT NULL,
         key_value VARCHAR(64) NOT NULL,
         row_image JSON NOT NULL,
         committed_at DATETIME(6) NOT NULL)`,
      [this.logSchema],
    );
    for (const plan of plans) {
      const { schema, table } = plan.mapping.source;
      for (const [op, event, image] of [["I", "INSERT", "NEW"], ["U", "UPDATE", "NEW"], ["D", "DELETE", "OLD"]] as const) {
        const name = `cdc_${table}_${op.toLowerCase()}`;
        // An UPDATE is applied by its old key, in case the key itself changed.
        const keyRow = op === "I" ? "NEW" : "OLD";
        const [imageSql, imageValues] = rowImageSql(plan.columns, image);
        await this.source.query("DROP TRIGGER IF EXISTS ??.??", [schema, name]);
        await this.source.query(
          `CREATE TRIGGER ??.?? AFTER ${event} ON ??.?? FOR EACH ROW
             INSERT INTO ??.changes (schema_name, table_name, op, key_value, row_image, committed_at)
             VALUES (?, ?, ?, ${keyRow}.??, ${imageSql}, UTC_TIMESTAMP(6))`,
          [schema, name, schema, table, this.logSchema, schema, table, op, plan.key, ...imageValues],
        );
      }
    }
  }

  /**
   * Copies the source rows into the target from one consistent snapshot, and drops from the log
   * the changes that snapshot already contains (later ones stay pending). Returns the rows copied.
   * A key that exists in the target stops the load with a {@link CdcLoadError}.
   */
  async fullLoad(): Promise<number> {
    if (this.failure) throw new CdcLoadError(this.failure);
    const plans = await this.plan();
    let copied = 0;
    await this.source.query("START TRANSACTION WITH CONSISTENT SNAPSHOT");
    try {
      // Changes committed before the snapshot are in the rows copied below: not to be applied again.
      let afterSeq = "0";
      for (;;) {
        const [rows] = (await this.source.query("SELECT CAST(seq AS CHAR) AS seq_text FROM ??.changes WHERE seq > ? ORDER BY seq LIMIT ?", [
          this.logSchema, afterSeq, this.batchSize,
        ])) as [{ seq_text: string }[]];
        if (rows.length === 0) break;
        const seqs = rows.map((r) => r.seq_text);
        await this.source.query("DELETE FROM ??.changes WHERE seq IN (?)", [this.logSchema, seqs]);
        afterSeq = seqs[seqs.length - 1]!;
      }
      for (const plan of plans) {
        const { schema, table } = plan.mapping.source;
        const [imageSql, imageValues] = rowImageSql(plan.columns, null);
        let afterKey: string | null = null;
        for (;;) {
          const [rows] = (await this.source.query(
            `SELECT CAST(?? AS CHAR) AS k, ${imageSql} AS image FROM ??.?? ${afterKey === null ? "" : "WHERE ?? > ?"} ORDER BY ?? LIMIT ?`,
            [plan.key, ...imageValues, schema, table, ...(afterKey === null ? [] : [plan.key, afterKey]), plan.key, this.batchSize],
          )) as [{ k: string; image: string }[]];
          if (rows.length === 0) break;
          const images = rows.map((r) => parseImage(r.image));
          const names = plan.columns.map((c) => c.name);
          try {
            await this.target.query("INSERT INTO ??.?? (??) VALUES ?", [
              plan.mapping.target.schema, plan.mapping.target.table, names, images.map((image) => plan.columns.map((c) => valueOf(c, image))),
            ]);
          } catch (error) {
            this.failure = { table: plan.targetName, key: duplicateKeyOf(error) ?? `one of ${rows[0]!.k}..${rows[rows.length - 1]!.k}`, message: messageOf(error) };
            throw new CdcLoadError(this.failure);
          }
          copied += rows.length;
          afterKey = rows[rows.length - 1]!.k;
        }
      }
      await this.source.query("COMMIT");
    } catch (error) {
      await this.source.query("ROLLBACK");
      throw error;
    }
    return copied;
  }

  /** Applies logged changes in order; see {@link ApplyOptions} and the module comment for the rules. */
  async applyPending(options: ApplyOptions = {}): Promise<ApplyResult> {
    if (this.failure) return { applied: 0, error: this.failure };
    const maxChanges = options.maxChanges ?? Number.POSITIVE_INFINITY;
    if (!(maxChanges >= 0)) throw new CdcSetupError(`maxChanges: ${String(options.maxChanges)} is not a number >= 0`);
    const plans = await this.plan();
    const bySource = new Map(plans.map((p) => [`${p.mapping.source.schema}.${p.mapping.source.table}`, p]));
    const stop = options.upToCommitTime ? sqlTime(options.upToCommitTime) : null;
    let applied = 0;
    let lastCommitTime: Date | undefined;
    const done = (extra: Pick<ApplyResult, "stoppedAt" | "error">): ApplyResult => ({ applied, ...(lastCommitTime ? { lastCommitTime } : {}), ...extra });

    for (;;) {
      const limit = Math.min(this.batchSize, maxChanges - applied);
      if (limit <= 0) return done({ stoppedAt: "max-changes" });
      const changes = await this.readChanges(limit, stop);
      if (changes.length === 0) return done({ stoppedAt: "caught-up" });
      const appliedSeqs: string[] = [];
      let outcome: Pick<ApplyResult, "stoppedAt" | "error"> | undefined;
      for (const change of changes) {
        if (change.beyondStop) {
          outcome = { stoppedAt: "stop-position" };
          break;
        }
        const plan = bySource.get(`${change.schema}.${change.table}`);
        const problem = plan ? await this.applyChange(plan, change) : `no mapping for ${change.schema}.${change.table}`;
        if (problem !== undefined) {
          this.failure = { table: plan?.targetName ?? `${change.schema}.${change.table}`, key: change.key, message: `change ${change.seq} (${change.op}): ${problem}` };
          outcome = { error: this.failure };
          break;
        }
        appliedSeqs.push(change.seq);
        applied += 1;
        lastCommitTime = change.committedAt;
      }
      if (appliedSeqs.length > 0) await this.source.query("DELETE FROM ??.changes WHERE seq IN (?)", [this.logSchema, appliedSeqs]);
      if (outcome) return done(outcome);
    }
  }

  /** Changes committed and not yet applied, and the oldest one's commit time (CDC latency). */
  async pending(): Promise<{ count: number; oldestCommitTime?: Date }> {
    const [rows] = (await this.source.query(
      "SELECT COUNT(*) AS n, DATE_FORMAT(MIN(committed_at), '%Y-%m-%dT%H:%i:%s.%fZ') AS oldest FROM ??.changes",
      [this.logSchema],
    )) as [{ n: number | string; oldest: string | null }[]];
    const row = rows[0]!;
    return { count: Number(row.n), ...(row.oldest ? { oldestCommitTime: new Date(row.oldest) } : {}) };
  }

  /** Clears the error (after a person repaired its cause); the failed change is retried next. */
  reset(): void {
    this.failure = undefined;
  }

  private async readChanges(limit: number, stop: string | null): Promise<Change[]> {
    const [rows] = (await this.source.query(
      // seq travels as text (64 bits), under another name: an alias would make ORDER BY sort text.
      `SELECT CAST(seq AS CHAR) AS seq_text, schema_name AS s, table_name AS t, op, key_value AS k, row_image AS image,
              DATE_FORMAT(committed_at, '%Y-%m-%dT%H:%i:%s.%fZ') AS at, ${stop === null ? "0" : "committed_at > ?"} AS beyond
         FROM ??.changes ORDER BY seq LIMIT ?`,
      [...(stop === null ? [] : [stop]), this.logSchema, limit],
    )) as [Record<string, unknown>[]];
    return rows.map((r) => ({
      seq: String(r.seq_text),
      schema: String(r.s),
      table: String(r.t),
      op: String(r.op) as Change["op"],
      key: String(r.k),
      image: parseImage(r.image),
      committedAt: new Date(String(r.at)),
      beyondStop: Number(r.beyond) === 1,
    }));
  }

  /** Applies one change; returns why it failed, or undefined. */
  private async applyChange(plan: TablePlan, change: Change): Promise<string | undefined> {
    const { schema, table } = plan.mapping.target;
    try {
      if (change.op === "I") {
        await this.target.query("INSERT INTO ??.?? (??) VALUES (?)", [schema, table, plan.columns.map((c) => c.name), plan.columns.map((c) => valueOf(c, change.image))]);
        return undefined;
      }
      const [result] =
        change.op === "U"
          ? ((await this.target.query("UPDATE ??.?? SET ? WHERE ?? = ?", [
              schema, table, Object.fromEntries(plan.columns.map((c) => [c.name, valueOf(c, change.image)])), plan.key, change.key,
            ])) as [{ affectedRows: number }])
          : ((await this.target.query("DELETE FROM ??.?? WHERE ?? = ?", [schema, table, plan.key, change.key])) as [{ affectedRows: number }]);
      if (result.affectedRows === 0) return `${change.op === "U" ? "UPDATE" : "DELETE"} affected 0 rows: the row is not in the target`;
      return undefined;
    } catch (error) {
      return messageOf(error);
    }
  }

  private async plan(): Promise<TablePlan[]> {
    if (this.plans) return this.plans;
    const plans: TablePlan[] = [];
    for (const mapping of this.tables) {
      const { schema, table } = mapping.source;
      const [rows] = (await this.source.query(
        "SELECT COLUMN_NAME AS name, DATA_TYPE AS type FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ? ORDER BY ORDINAL_POSITION",
        [schema, table],
      )) as [{ name: string; type: string }[]];
      if (rows.length === 0) throw new CdcSetupError(`source table ${schema}.${table} does not exist or is not readable`);
      const key = mapping.key ?? "id";
      const keyColumn = rows.find((r) => r.name.toLowerCase() === key.toLowerCase());
      if (!keyColumn) throw new CdcSetupError(`source table ${schema}.${table} has no key column ${key}`);
      plans.push({
        mapping,
        key: keyColumn.name,
        columns: rows.map((r) => ({ name: r.name, binary: BINARY_TYPES.has(r.type.toLowerCase()) })),
        targetName: `${mapping.target.schema}.${mapping.target.table}`,
      });
    }
    this.plans = plans;
    return plans;
  }
}

/**
 * JSON_OBJECT of every column as text (base64 for binary columns), over `NEW.`/`OLD.` columns in a
 * trigger or a table's own columns (`row` null). Returns SQL with `?`/`??` and its values.
 */
function rowImageSql(columns: readonly Column[], row: "NEW" | "OLD" | null): [string, string[]] {
  const prefix = row ? `${row}.` : "";
  const values: string[] = [];
  const parts = columns.map((c) => {
    values.push(c.name, c.name);
    return c.binary ? `?, TO_BASE64(${prefix}??)` : `?, CAST(${prefix}?? AS CHAR)`;
  });
  return [`JSON_OBJECT(${parts.join(", ")})`, values];
}

function parseImage(raw: unknown): Record<string, string | null> {
  return (typeof raw === "string" ? JSON.parse(raw) : raw) as Record<string, string | null>;
}

function valueOf(column: Column, image: Record<string, string | null>): string | Buffer | null {
  const value = image[column.name] ?? null;
  if (value === null) return null;
  // MariaDB's TO_BASE64 wraps lines every 76 characters; Buffer.from ignores the newlines.
  return column.binary ? Buffer.from(value, "base64") : value;
}

/** 'YYYY-MM-DD HH:MM:SS.ffffff' in UTC, comparable with committed_at. */
function sqlTime(date: Date): string {
  return `${date.toISOString().slice(0, 23).replace("T", " ")}000`;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function duplicateKeyOf(error: unknown): string | undefined {
  const code = (error as { code?: string }).code;
  if (code !== "ER_DUP_ENTRY") return undefined;
  return /Duplicate entry '([^']*)'/.exec(messageOf(error))?.[1];
}
