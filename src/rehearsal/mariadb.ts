/**
 * A throwaway MariaDB server on 127.0.0.1 for the rehearsal and the tests: its own temporary data
 * directory, its own port, a binlog in ROW format like the event Aurora's, and stand-ins for the
 * RDS-only procedures the product calls (`mysql.rds_set_configuration`,
 * `mysql.rds_show_configuration`), which record their calls. Nothing depends on a system service.
 *
 * Debian's `mariadb-server` (10.11) provides the binaries; `.ci/run` installs it. Where it is
 * absent, {@link findMariadb} says so and callers skip or stop with that message.
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createConnection, type Connection } from "mysql2/promise";
import type { SqlSession } from "../lifecycle/handlers/post-apply";

export interface MariadbBinaries {
  readonly server: string;
  readonly installDb: string;
}

const CANDIDATES = {
  server: ["/usr/sbin/mariadbd", "/usr/sbin/mysqld", "/usr/bin/mariadbd"],
  installDb: ["/usr/bin/mariadb-install-db", "/usr/bin/mysql_install_db"],
};

/** The server binaries, or a sentence saying how to get them. */
export function findMariadb(): MariadbBinaries | { readonly missing: string } {
  const server = CANDIDATES.server.find((p) => existsSync(p));
  const installDb = CANDIDATES.installDb.find((p) => existsSync(p));
  if (!server || !installDb) {
    return { missing: "MariaDB is not installed: `apt-get update && apt-get install -y mariadb-server` (Debian's 10.11) provides mariadbd and mariadb-install-db" };
  }
  return { server, installDb };
}

/** SQL that stands in for Aurora MySQL's `mysql.rds_*` configuration procedures. */
export const RDS_PROCEDURES_SQL = [
  `CREATE TABLE IF NOT EXISTS mysql.rds_configuration_calls (
     id INT AUTO_INCREMENT PRIMARY KEY, name VARCHAR(64) NOT NULL, value VARCHAR(64) NULL,
     called_at TIMESTAMP(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6))`,
  `CREATE TABLE IF NOT EXISTS mysql.rds_configuration (
     name VARCHAR(64) PRIMARY KEY, value VARCHAR(64) NULL, description VARCHAR(300) NOT NULL)`,
  `INSERT IGNORE INTO mysql.rds_configuration VALUES
     ('binlog retention hours', NULL, 'binlog retention hours specifies the duration in hours before binary logs are automatically deleted.'),
     ('source delay', '0', 'source delay specifies replication delay in seconds between current instance and its master.'),
     ('target delay', '0', 'target delay specifies replication delay in seconds between current instance and its future read-replica.')`,
  `CREATE PROCEDURE IF NOT EXISTS mysql.rds_set_configuration(IN p_name VARCHAR(64), IN p_value INT)
   BEGIN
     IF p_name = 'binlog retention hours' AND (p_value < 1 OR p_value > 168) THEN
       SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'binlog retention hours must be between 1 and 168';
     END IF;
     IF (SELECT COUNT(*) FROM mysql.rds_configuration WHERE name = p_name) = 0 THEN
       SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'unknown configuration name';
     END IF;
     INSERT INTO mysql.rds_configuration_calls (name, value) VALUES (p_name, p_value);
     UPDATE mysql.rds_configuration SET value = p_value WHERE name = p_name;
   END`,
  `CREATE PROCEDURE IF NOT EXISTS mysql.rds_show_configuration()
   BEGIN
     SELECT name, value, description FROM mysql.rds_configuration ORDER BY name;
   END`,
];

export interface MariadbServer {
  readonly host: string;
  readonly port: number;
  /** Root user (password below), for set-up and inspection only. */
  readonly rootUser: string;
  readonly rootPassword: string;
  readonly dataDir: string;
  /** A new connection as root, with multiple statements off. */
  connect(database?: string): Promise<Connection>;
  stop(): Promise<void>;
}

export interface StartMariadbOptions {
  /** Name used in the data directory and in messages. */
  readonly name: string;
  /** @default a free port chosen by the OS */
  readonly port?: number;
  /** @default 20 s */
  readonly startTimeoutMs?: number;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const port = (srv.address() as { port: number }).port;
      srv.close(() => resolve(port));
    });
  });
}

/** Starts a MariaDB server on 127.0.0.1 with a fresh data directory; stop() removes it again. */
export async function startMariadb(options: StartMariadbOptions): Promise<MariadbServer> {
  const binaries = findMariadb();
  if ("missing" in binaries) throw new Error(binaries.missing);
  const dataDir = await mkdtemp(join(tmpdir(), `flashcrowd-${options.name}-`));
  const install = spawnSync(
    binaries.installDb,
    ["--no-defaults", `--datadir=${dataDir}`, "--user=root", "--auth-root-authentication-method=normal", "--skip-test-db"],
    { encoding: "utf8" },
  );
  if (install.status !== 0) {
    await rm(dataDir, { recursive: true, force: true });
    throw new Error(`mariadb-install-db failed for ${options.name}: ${install.stderr || install.stdout}`);
  }
  const port = options.port ?? (await freePort());
  const child: ChildProcess = spawn(
    binaries.server,
    [
      "--no-defaults",
      `--datadir=${dataDir}`,
      "--user=root",
      `--port=${port}`,
      "--bind-address=127.0.0.1",
      `--socket=${join(dataDir, "sock")}`,
      `--pid-file=${join(dataDir, "pid")}`,
      `--log-bin=${join(dataDir, "binlog")}`,
      "--binlog-format=ROW",
      "--server-id=1",
      "--skip-name-resolve",
      "--innodb-buffer-pool-size=256M",
      "--innodb-flush-log-at-trx-commit=2",
      "--max-connections=200",
      "--character-set-server=utf8mb4",
      "--collation-server=utf8mb4_bin",
    ],
    { stdio: ["ignore", "ignore", "pipe"] },
  );
  let stderr = "";
  child.stderr?.on("data", (chunk: Buffer) => {
    stderr = (stderr + chunk.toString("utf8")).slice(-4000);
  });
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));

  const rootPassword = "rehearsal-root";
  const deadline = Date.now() + (options.startTimeoutMs ?? 20_000);
  let root: Connection | undefined;
  for (;;) {
    if (child.exitCode !== null) {
      await rm(dataDir, { recursive: true, force: true });
      throw new Error(`mariadbd (${options.name}) exited with ${child.exitCode}: ${stderr}`);
    }
    try {
      root = await createConnection({ host: "127.0.0.1", port, user: "root", password: "" });
      break;
    } catch {
      if (Date.now() > deadline) {
        child.kill("SIGKILL");
        await rm(dataDir, { recursive: true, force: true });
        throw new Error(`mariadbd (${options.name}) did not accept connections on 127.0.0.1:${port} within the timeout: ${stderr}`);
      }
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  // Root over TCP from 127.0.0.1 only, with a password, like an RDS master user.
  for (const sql of RDS_PROCEDURES_SQL) await root.query(sql);
  await root.query("CREATE USER IF NOT EXISTS 'root'@'127.0.0.1'");
  await root.query("GRANT ALL PRIVILEGES ON *.* TO 'root'@'127.0.0.1' WITH GRANT OPTION");
  await root.query("ALTER USER 'root'@'127.0.0.1' IDENTIFIED BY ?", [rootPassword]);
  await root.query("ALTER USER 'root'@'localhost' IDENTIFIED BY ?", [rootPassword]);
  await root.end();

  const connect = (database?: string) =>
    createConnection({ host: "127.0.0.1", port, user: "root", password: rootPassword, ...(database ? { database } : {}), supportBigNumbers: true, bigNumberStrings: true });
  let stopped = false;
  return {
    host: "127.0.0.1",
    port,
    rootUser: "root",
    rootPassword,
    dataDir,
    connect,
    async stop() {
      if (stopped) return;
      stopped = true;
      child.kill("SIGTERM");
      const timer = setTimeout(() => child.kill("SIGKILL"), 10_000);
      await exited;
      clearTimeout(timer);
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

/** A mysql2 connection as the `SqlSession` the product's SQL code takes. */
export function sqlSession(connection: Connection): SqlSession {
  return { query: (sql, values) => connection.query(sql, values as never), end: () => connection.end() };
}
