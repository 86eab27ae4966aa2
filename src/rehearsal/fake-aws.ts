/**
 * Stateful stand-ins for the AWS APIs the lifecycle's handlers call, behind the real AWS SDK v3
 * clients: {@link FakeAws.attach} puts a middleware at the front of a client's stack, so the
 * handler builds real commands with real inputs and gets outputs (or errors with the service's
 * error names) from this state. Each service refuses what the real one refuses in the situations
 * the lifecycle can meet: a protected cluster is not deleted, a snapshot id is not reused, a task
 * is started or stopped only from the states DMS allows, a secret without a value is not found.
 *
 * Time comes from the rehearsal's simulated clock: tasks start, services drain and snapshots
 * become available after plausible simulated delays, advanced by {@link FakeAws.tick}.
 */
import type { Clock } from "./asl-runner";
import type { CdcReplicator } from "./cdc";

/** An error shaped like the SDK's service exceptions: handlers match on `name`. */
export class FakeServiceError extends Error {
  readonly $fault: "client" | "server";
  readonly $metadata: { httpStatusCode: number };
  constructor(name: string, message: string, status = 400) {
    super(message);
    this.name = name;
    this.$fault = status >= 500 ? "server" : "client";
    this.$metadata = { httpStatusCode: status };
  }
}

export interface FakeCluster {
  readonly id: string;
  status: string;
  endpoint: string;
  port: number;
  masterSecretArn: string;
  deletionProtection: boolean;
  finalSnapshotId?: string;
  /** Until then the cluster reports `backing-up` (its first automated backup after creation). */
  availableAt?: number;
}

export interface FakeSnapshot {
  readonly id: string;
  readonly clusterId: string;
  status: string;
  readonly createdAt: number;
  /** Rows of the event tables when taken (the rehearsal counts them), for the report. */
  rows?: number;
}

export interface FakeTask {
  readonly id: string;
  readonly arn: string;
  status: string;
  stopReason?: string;
  lastFailureMessage?: string;
  cdcStopPosition?: string;
  startedOnce: boolean;
  /** Simulated time at which a transitional status settles. */
  settlesAt?: number;
  replicator: CdcReplicator;
  /** Seconds DMS lags behind the source while running. */
  lagSeconds: number;
}

export interface FakeService {
  readonly cluster: string;
  readonly name: string;
  desired: number;
  running: number;
  min?: number;
  max?: number;
}

export interface FakeQueue {
  readonly name: string;
  readonly url: string;
  /** Each message is an order (its payload), oldest first. */
  readonly messages: Record<string, unknown>[];
  inFlight: number;
}

/** A call the fakes answered, for the timeline and the scenarios' expectations. */
export interface AwsCall {
  readonly at: number;
  readonly service: string;
  readonly command: string;
  readonly input: unknown;
  readonly error?: string;
}

type Handler = (input: Record<string, unknown>) => Promise<unknown> | unknown;

export class FakeAws {
  readonly calls: AwsCall[] = [];
  readonly secrets = new Map<string, { value?: string }>();
  readonly clusters = new Map<string, FakeCluster>();
  readonly snapshots = new Map<string, FakeSnapshot>();
  readonly tasks = new Map<string, FakeTask>();
  readonly services = new Map<string, FakeService>();
  readonly queues = new Map<string, FakeQueue>();
  readonly published: { topicArn: string; subject?: string; message: string; at: number }[] = [];
  readonly scalableTargets = new Map<string, { min: number; max: number }>();
  /** One-shot faults: the next call of `command` fails with this error. */
  private readonly faults: { command: string; error: FakeServiceError }[] = [];
  private readonly handlers: Record<string, Handler>;

  constructor(private readonly clock: Clock) {
    this.handlers = {
      // ---- Secrets Manager
      GetSecretValueCommand: ({ SecretId }) => {
        const secret = this.secret(String(SecretId));
        if (secret.value === undefined) {
          throw new FakeServiceError("ResourceNotFoundException", "Secrets Manager can't find the specified secret value for staging label: AWSCURRENT");
        }
        return { ARN: SecretId, SecretString: secret.value };
      },
      PutSecretValueCommand: ({ SecretId, SecretString }) => {
        this.secret(String(SecretId)).value = String(SecretString);
        return { ARN: SecretId };
      },
      // ---- RDS
      DescribeDBClustersCommand: ({ DBClusterIdentifier }) => {
        const c = this.cluster(String(DBClusterIdentifier));
        if (c.availableAt !== undefined && this.clock.now() >= c.availableAt) c.status = "available";
        else if (c.availableAt !== undefined) c.status = "backing-up";
        return {
          DBClusters: [
            {
              DBClusterIdentifier: c.id,
              Status: c.status,
              Endpoint: c.endpoint,
              Port: c.port,
              DeletionProtection: c.deletionProtection,
              MasterUserSecret: { SecretArn: c.masterSecretArn, SecretStatus: "active" },
            },
          ],
        };
      },
      ModifyDBClusterCommand: ({ DBClusterIdentifier, DeletionProtection }) => {
        const c = this.cluster(String(DBClusterIdentifier));
        if (c.status !== "available") throw new FakeServiceError("InvalidDBClusterStateFault", `DB cluster ${c.id} is not in the available state (${c.status})`);
        if (typeof DeletionProtection === "boolean") c.deletionProtection = DeletionProtection;
        return { DBCluster: { DBClusterIdentifier: c.id, DeletionProtection: c.deletionProtection } };
      },
      CreateDBClusterSnapshotCommand: ({ DBClusterIdentifier, DBClusterSnapshotIdentifier }) => {
        const c = this.cluster(String(DBClusterIdentifier));
        const id = String(DBClusterSnapshotIdentifier);
        if (this.snapshots.has(id)) throw new FakeServiceError("DBClusterSnapshotAlreadyExistsFault", `Cannot create the snapshot because a snapshot with the identifier ${id} already exists.`);
        this.snapshots.set(id, { id, clusterId: c.id, status: "creating", createdAt: this.clock.now() });
        return { DBClusterSnapshot: { DBClusterSnapshotIdentifier: id, Status: "creating" } };
      },
      DescribeDBClusterSnapshotsCommand: ({ DBClusterSnapshotIdentifier }) => {
        const s = this.snapshots.get(String(DBClusterSnapshotIdentifier));
        if (!s) throw new FakeServiceError("DBClusterSnapshotNotFoundFault", `DBClusterSnapshot ${String(DBClusterSnapshotIdentifier)} not found.`, 404);
        return { DBClusterSnapshots: [{ DBClusterSnapshotIdentifier: s.id, DBClusterIdentifier: s.clusterId, Status: s.status }] };
      },
      // ---- DMS
      DescribeReplicationTasksCommand: ({ Filters }) => {
        const filters = (Filters ?? []) as { Name: string; Values: string[] }[];
        const matches = [...this.tasks.values()].filter((t) =>
          filters.every((f) => (f.Name === "replication-task-id" ? f.Values.includes(t.id) : f.Name === "replication-task-arn" ? f.Values.includes(t.arn) : true)),
        );
        if (matches.length === 0) throw new FakeServiceError("ResourceNotFoundFault", "No Tasks found matching the provided filters");
        return { ReplicationTasks: matches.map((t) => this.taskView(t)) };
      },
      StartReplicationTaskCommand: ({ ReplicationTaskArn, StartReplicationTaskType, CdcStopPosition }) => {
        const t = this.task(String(ReplicationTaskArn));
        const type = String(StartReplicationTaskType);
        const allowed = type === "start-replication" ? t.status === "ready" : type === "resume-processing" ? t.status === "stopped" || t.status === "failed" : t.status !== "running";
        if (!allowed || (type === "resume-processing" && !t.startedOnce)) {
          throw new FakeServiceError("InvalidResourceStateFault", `Replication task ${t.id} is ${t.status}; ${type} is not allowed`);
        }
        t.status = "starting";
        t.stopReason = undefined;
        t.cdcStopPosition = CdcStopPosition ? String(CdcStopPosition) : undefined;
        t.settlesAt = this.clock.now() + 60_000;
        return { ReplicationTask: this.taskView(t) };
      },
      StopReplicationTaskCommand: ({ ReplicationTaskArn }) => {
        const t = this.task(String(ReplicationTaskArn));
        if (t.status !== "running" && t.status !== "starting") throw new FakeServiceError("InvalidResourceStateFault", `Replication task ${t.id} is ${t.status}, not running`);
        t.status = "stopping";
        t.settlesAt = this.clock.now() + 30_000;
        return { ReplicationTask: this.taskView(t) };
      },
      // ---- ECS and Application Auto Scaling
      UpdateServiceCommand: ({ cluster, service, desiredCount }) => {
        const s = this.service(String(cluster), String(service));
        if (typeof desiredCount === "number") s.desired = desiredCount;
        return { service: this.serviceView(s) };
      },
      DescribeServicesCommand: ({ cluster, services }) => ({
        services: ((services ?? []) as string[]).flatMap((name) => {
          const s = this.services.get(`${String(cluster)}/${name}`);
          return s ? [this.serviceView(s)] : [];
        }),
        failures: ((services ?? []) as string[]).filter((name) => !this.services.has(`${String(cluster)}/${name}`)).map((name) => ({ arn: name, reason: "MISSING" })),
      }),
      RegisterScalableTargetCommand: ({ ResourceId, MinCapacity, MaxCapacity }) => {
        const [, cluster, name] = String(ResourceId).split("/");
        const s = this.service(String(cluster), String(name));
        s.min = Number(MinCapacity);
        s.max = Number(MaxCapacity);
        this.scalableTargets.set(String(ResourceId), { min: s.min, max: s.max });
        s.desired = Math.min(Math.max(s.desired, s.min), s.max);
        return {};
      },
      // ---- SQS
      GetQueueUrlCommand: ({ QueueName }) => {
        const q = this.queues.get(String(QueueName));
        if (!q) throw new FakeServiceError("QueueDoesNotExist", "The specified queue does not exist.");
        return { QueueUrl: q.url };
      },
      GetQueueAttributesCommand: ({ QueueUrl }) => {
        const q = [...this.queues.values()].find((x) => x.url === QueueUrl);
        if (!q) throw new FakeServiceError("QueueDoesNotExist", "The specified queue does not exist.");
        return {
          Attributes: {
            ApproximateNumberOfMessages: String(q.messages.length - q.inFlight),
            ApproximateNumberOfMessagesNotVisible: String(q.inFlight),
            ApproximateNumberOfMessagesDelayed: "0",
          },
        };
      },
      // ---- SNS
      PublishCommand: ({ TopicArn, Subject, Message }) => {
        this.published.push({ topicArn: String(TopicArn), subject: Subject as string | undefined, message: String(Message), at: this.clock.now() });
        return { MessageId: `msg-${this.published.length}` };
      },
    };
  }

  /** Routes every command of `client` to this state instead of the network. */
  attach<C extends { middlewareStack: { add: (mw: never, options: { step: "initialize"; name: string; priority: "high" }) => void } }>(client: C, service: string): C {
    const middleware = (_next: unknown, context: { commandName?: string }) => async (args: { input: Record<string, unknown> }) => {
      const command = context.commandName ?? "unknown";
      const call = { at: this.clock.now(), service, command, input: args.input };
      try {
        const fault = this.faults.findIndex((f) => f.command === command);
        if (fault >= 0) throw this.faults.splice(fault, 1)[0]!.error;
        const handler = this.handlers[command];
        if (!handler) throw new FakeServiceError("UnknownOperationException", `${service} ${command} is not modelled by the rehearsal`);
        const output = await handler(args.input);
        this.calls.push(call);
        return { output: { $metadata: { httpStatusCode: 200 }, ...(output as object) }, response: {} };
      } catch (error) {
        this.calls.push({ ...call, error: (error as Error).name });
        throw error;
      }
    };
    client.middlewareStack.add(middleware as never, { step: "initialize", name: "rehearsalFakeAws", priority: "high" });
    return client;
  }

  /** The next call of `command` fails with `error` (a throttle, a 5xx, ...). */
  failNext(command: string, error: FakeServiceError): void {
    this.faults.push({ command, error });
  }

  /** Moves transitional states on to the present simulated time; DMS applies changes while running. */
  async tick(): Promise<void> {
    const now = this.clock.now();
    for (const s of this.snapshots.values()) if (s.status === "creating" && now - s.createdAt >= 5 * 60_000) s.status = "available";
    for (const s of this.services.values()) {
      // Tasks start or stop within a simulated minute of the desired count changing.
      if (s.running !== s.desired) s.running = s.desired;
    }
    for (const t of this.tasks.values()) await this.tickTask(t, now);
  }

  private async tickTask(t: FakeTask, now: number): Promise<void> {
    if (t.settlesAt !== undefined && now >= t.settlesAt) {
      t.settlesAt = undefined;
      if (t.status === "starting") {
        if (!t.startedOnce) {
          t.startedOnce = true;
          try {
            // Full load and change capture start together, as in full-load-and-cdc.
            await t.replicator.install();
            await t.replicator.fullLoad();
          } catch (error) {
            t.status = "failed";
            t.lastFailureMessage = (error as Error).message;
            return;
          }
        }
        t.status = "running";
      } else if (t.status === "stopping") {
        t.status = "stopped";
        t.stopReason = "Stop Reason NORMAL";
      }
    }
    if (t.status !== "running") return;
    const stopAt = /^commit_time:(.+)$/.exec(t.cdcStopPosition ?? "")?.[1];
    const upTo = stopAt ? new Date(`${stopAt}Z`) : new Date(now - t.lagSeconds * 1000);
    const result = await t.replicator.applyPending({ upToCommitTime: upTo });
    if (result.error) {
      // The project's error policies stop the task on a table error rather than log and go on.
      t.status = "failed";
      t.stopReason = "Stop Reason FATAL_ERROR";
      t.lastFailureMessage = `${result.error.table} key ${result.error.key}: ${result.error.message}`;
      return;
    }
    // DMS stops once its stop position is in the past and every change committed before it is applied.
    if (stopAt && now >= upTo.getTime()) {
      t.status = "stopped";
      t.stopReason = "Stop Reason STOPPED_AT_COMMIT_TIME";
    }
  }

  secret(id: string): { value?: string } {
    const byArn = this.secrets.get(id) ?? [...this.secrets.entries()].find(([arn]) => arn.includes(`:secret:${id}`))?.[1];
    if (!byArn) throw new FakeServiceError("ResourceNotFoundException", `Secrets Manager can't find the specified secret ${id}.`);
    return byArn;
  }

  cluster(id: string): FakeCluster {
    const c = this.clusters.get(id);
    if (!c) throw new FakeServiceError("DBClusterNotFoundFault", `DBCluster ${id} not found.`, 404);
    return c;
  }

  task(arn: string): FakeTask {
    const t = [...this.tasks.values()].find((x) => x.arn === arn);
    if (!t) throw new FakeServiceError("ResourceNotFoundFault", `Replication task ${arn} not found`);
    return t;
  }

  service(cluster: string, name: string): FakeService {
    const key = `${cluster}/${name}`;
    const s = this.services.get(key);
    if (!s) throw new FakeServiceError("ServiceNotFoundException", `Service ${name} not found in cluster ${cluster}.`);
    return s;
  }

  /** DeleteDBCluster, as the destroy run's provider calls it: refused while deletion protection is on. */
  deleteCluster(id: string, finalSnapshotId: string | undefined): void {
    const c = this.cluster(id);
    if (c.deletionProtection) {
      throw new FakeServiceError("InvalidParameterCombination", "Cannot delete protected Cluster, please disable deletion protection and try again.");
    }
    if (finalSnapshotId) {
      if (this.snapshots.has(finalSnapshotId)) throw new FakeServiceError("DBClusterSnapshotAlreadyExistsFault", `Snapshot ${finalSnapshotId} already exists.`);
      this.snapshots.set(finalSnapshotId, { id: finalSnapshotId, clusterId: id, status: "creating", createdAt: this.clock.now() });
    }
    this.clusters.delete(id);
  }

  private taskView(t: FakeTask) {
    return {
      ReplicationTaskIdentifier: t.id,
      ReplicationTaskArn: t.arn,
      Status: t.status,
      StopReason: t.stopReason,
      LastFailureMessage: t.lastFailureMessage,
      CdcStopPosition: t.cdcStopPosition,
      MigrationType: "full-load-and-cdc",
    };
  }

  private serviceView(s: FakeService) {
    return { serviceName: s.name, clusterArn: s.cluster, desiredCount: s.desired, runningCount: s.running, pendingCount: 0, status: "ACTIVE" };
  }
}
