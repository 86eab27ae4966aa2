/**
 * Lambda: the event's data checks, in its own function in the event's data subnets (the only
 * subnets peered with prod, next to both databases):
 *
 * - `key-block` (spin-up, before the DMS task starts): prod must hold no key of the event's
 *   block, nor be about to reach it; the event tables' AUTO_INCREMENT is set to the block's first
 *   key. A collision fails the spin-up hours before the sale, naming table, block and fix.
 * - `reconcile` (teardown, after the quiesce and DMS's stop at the commit time): the event's rows
 *   in prod compared by key in chunks, with the read-only DMS source user on the event side and
 *   prod's read-only verification user on the other. Resumable: a call returns a cursor when its
 *   time budget is spent, and the state machine passes it back.
 */
import { SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import { dataCheckRequestSchema, parsePayload } from "../contracts";
import { resolveDataCheckSettings, type DataCheckSettings } from "../post-apply-config";
import { reconcile, type ReconcileCursor, type ReconcileResult } from "../reconcile";
import { connectMysql, readEndpointSecret, readJsonSecret, type ConnectOptions, type SqlSession } from "./post-apply";

export interface DataCheckDeps {
  readonly secrets: Pick<SecretsManagerClient, "send">;
  readonly connect: (options: ConnectOptions) => Promise<SqlSession>;
  /** Clock of the reconciliation's time budget. */
  readonly clock: () => number;
  readonly log: (message: string, detail?: Record<string, unknown>) => void;
}

export interface KeyBlockResult {
  readonly first: number;
  readonly last: number;
  /** Per mapped table: whether AUTO_INCREMENT was set now, and prod's next key (above the block). */
  readonly tables: { readonly table: string; readonly autoIncrementSet: boolean; readonly prodNextKey: string }[];
}

/** Prod already holds (or is about to reach) keys of the event's block: the spin-up stops, not the sale. */
export class KeyBlockCollision extends Error {
  override readonly name = "KeyBlockCollision";
}

/** A table the application has not created yet: worth retrying. */
export class DataCheckRetryableError extends Error {
  override readonly name = "DataCheckRetryableError";
}

export interface DataCheckOptions {
  /** Time one reconciliation call may take. @default 60 s */
  readonly reconcileBudgetMs?: number;
  /** Rows per chunk. @default 10000 */
  readonly reconcileChunkSize?: number;
}

async function readMasterSecret(deps: Pick<DataCheckDeps, "secrets">, secretArn: string): Promise<{ user: string; password: string }> {
  const value = await readJsonSecret(deps, secretArn);
  if (!value || typeof value.username !== "string" || typeof value.password !== "string") throw new Error(`master secret ${secretArn} has no username and password`);
  return { user: value.username, password: value.password };
}

const qualified = (t: { schema: string; table: string }) => `${t.schema}.${t.table}`;

/**
 * Keys that cannot collide. DMS writes the event's rows into prod's live tables with their own
 * keys, and InnoDB moves a table's AUTO_INCREMENT counter past the largest key inserted: an event
 * key above prod's counter would make prod's own next orders take keys right after it, inside the
 * event's block, and the next replicated event row would collide and stop DMS mid-sale. So a
 * block is safe only below prod's counter, on keys prod never used: for every mapped table, prod
 * (read with its read-only user) must hold no key in the block and its next key must be above
 * the block's last. Then the event table's AUTO_INCREMENT is set to the block's first key while
 * the table holds no key yet. Runs before the DMS task starts, hours before the sale: a collision
 * stops the spin-up, not the sale.
 */
export async function ensureKeyBlock(settings: DataCheckSettings, deps: DataCheckDeps): Promise<KeyBlockResult> {
  const block = settings.keyBlock;
  const master = await readMasterSecret(deps, settings.masterSecretArn);
  const prod = await deps.connect(await readEndpointSecret(deps, settings.prodReaderSecretArn, "prod reader"));
  const event = await deps.connect({ host: settings.writer.host, port: settings.writer.port, user: master.user, password: master.password }).catch(async (error: unknown) => {
    await prod.end();
    throw error;
  });
  const tables: KeyBlockResult["tables"][number][] = [];
  try {
    // MySQL 8 (Aurora 3) caches information_schema's AUTO_INCREMENT for a day by default; MariaDB has no such cache (and no variable).
    await prod.query("SET SESSION information_schema_stats_expiry = 0").catch(() => undefined);
    for (const t of settings.tables) {
      const target = qualified(t.target);
      const [prodRows] = (await prod.query(
        "SELECT (SELECT COUNT(*) FROM ??.?? WHERE ?? BETWEEN ? AND ?) AS in_block, (SELECT CAST(AUTO_INCREMENT AS CHAR) FROM information_schema.TABLES WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ?) AS next_key",
        [t.target.schema, t.target.table, t.key, block.first, block.last, t.target.schema, t.target.table],
      )) as [Record<string, unknown>[]];
      const inBlock = Number(prodRows[0]?.in_block ?? 0);
      const nextKey = (prodRows[0]?.next_key as string | null) ?? null;
      if (inBlock > 0) {
        throw new KeyBlockCollision(
          `${target} in prod already holds ${inBlock} keys in the event's block ${block.first}..${block.last}: give the event another block (calendar keyBlock) or find what wrote those keys`,
        );
      }
      if (nextKey === null) throw new KeyBlockCollision(`${target} in prod has no AUTO_INCREMENT counter the reader can see: the key-block guarantee needs an auto-increment key`);
      if (BigInt(nextKey) <= BigInt(block.last)) {
        throw new KeyBlockCollision(
          `${target} in prod will hand out key ${nextKey} next, not above the event's block ${block.first}..${block.last}: an event row would move prod's counter into the block ` +
            `and prod's own orders would collide with the event's. Fix once on prod (database administrators): ALTER TABLE ${target} AUTO_INCREMENT = <above the highest event block>; ` +
            "or give the event a block below prod's next key that prod never used",
        );
      }
      let maxRows: Record<string, unknown>[];
      try {
        [maxRows] = (await event.query("SELECT CAST(MIN(??) AS CHAR) AS min_key, CAST(MAX(??) AS CHAR) AS max_key FROM ??.??", [t.key, t.key, t.source.schema, t.source.table])) as [Record<string, unknown>[]];
      } catch (error) {
        if ((error as { code?: string }).code === "ER_NO_SUCH_TABLE") {
          throw new DataCheckRetryableError(`${qualified(t.source)} does not exist yet in the event database (the application creates it when it first starts); retrying`);
        }
        throw error;
      }
      const min = maxRows[0]?.min_key as string | null;
      const max = maxRows[0]?.max_key as string | null;
      if (min !== null && (BigInt(min) < BigInt(block.first) || BigInt(max!) > BigInt(block.last))) {
        throw new KeyBlockCollision(`${qualified(t.source)} in the event database holds keys ${min}..${max} outside its block ${block.first}..${block.last}: those rows would land among prod's; delete them or fix the block`);
      }
      let autoIncrementSet = false;
      if (max === null) {
        // Idempotent: InnoDB never lowers AUTO_INCREMENT below a key in use, and the table is empty.
        await event.query("ALTER TABLE ??.?? AUTO_INCREMENT = ?", [t.source.schema, t.source.table, block.first]);
        autoIncrementSet = true;
      }
      tables.push({ table: qualified(t.source), autoIncrementSet, prodNextKey: nextKey });
    }
  } finally {
    await prod.end();
    await event.end();
  }
  deps.log("key block ready", { first: block.first, last: block.last, tables });
  return { first: block.first, last: block.last, tables };
}


export async function runReconcile(settings: DataCheckSettings, cursor: unknown, deps: DataCheckDeps, options: DataCheckOptions = {}): Promise<ReconcileResult> {
  const source = await deps.connect(await readEndpointSecret(deps, settings.dmsSourceSecretArn, "DMS source"));
  try {
    const target = await deps.connect(await readEndpointSecret(deps, settings.prodReaderSecretArn, "prod reader"));
    try {
      const result = await reconcile(
        source,
        target,
        {
          tables: settings.tables,
          keyBlock: settings.keyBlock,
          ...(cursor ? { cursor: cursor as ReconcileCursor } : {}),
          ...(options.reconcileBudgetMs !== undefined ? { budgetMs: options.reconcileBudgetMs } : {}),
          ...(options.reconcileChunkSize !== undefined ? { chunkSize: options.reconcileChunkSize } : {}),
        },
        deps.clock,
      );
      deps.log("reconcile", { done: result.done, matched: result.matched, summary: result.summary });
      return result;
    } finally {
      await target.end();
    }
  } finally {
    await source.end();
  }
}

/** The function's handler for any environment and dependencies (the rehearsal passes its fakes). */
export function createDataCheckHandler(env: Readonly<Record<string, string | undefined>>, deps: () => DataCheckDeps): (input: unknown) => Promise<KeyBlockResult | ReconcileResult> {
  return async (input) => {
    const request = parsePayload(dataCheckRequestSchema, input, "data-check");
    const settings = resolveDataCheckSettings(env);
    if (request.action === "key-block") return ensureKeyBlock(settings, deps());
    const budget = env.RECONCILE_BUDGET_SECONDS ? Number(env.RECONCILE_BUDGET_SECONDS) * 1000 : undefined;
    const chunk = env.RECONCILE_CHUNK_SIZE ? Number(env.RECONCILE_CHUNK_SIZE) : undefined;
    return runReconcile(settings, request.cursor, deps(), { reconcileBudgetMs: budget, reconcileChunkSize: chunk });
  };
}

let cached: DataCheckDeps | undefined;

export const handler = createDataCheckHandler(process.env, () =>
  (cached ??= {
    secrets: new SecretsManagerClient({}),
    connect: connectMysql,
    clock: Date.now,
    log: (message, detail) => console.log(JSON.stringify({ message, ...detail })),
  }),
);
