/**
 * Names shared between an event stack, which creates these resources, and the lifecycle (control
 * stack, Lambda handlers, CLI), which finds them at run time. One place, so the two cannot drift.
 */
import type { Config, ResolvedEvent } from "./validate";
import { Naming, StackIds } from "../core/naming";

export interface EventResourceNames {
  /** Stack id and workspace suffix, `event-<slug>`. */
  readonly stackId: string;
  /** Terraform Cloud workspace, `{project}-event-<slug>`. */
  readonly workspace: string;
  /** Aurora cluster identifier of the event database. */
  readonly auroraClusterId: string;
  /**
   * Final snapshot taken when the event database is destroyed, `{project}-event-<slug>-db-final`:
   * from the slug only, so moving the event's `closes` never changes the name the lifecycle looks
   * for after the destroy run. Unique per event because slugs are.
   */
  readonly finalSnapshotId: string;
  /** DMS replication instance identifier. */
  readonly dmsReplicationInstanceId: string;
  /** DMS replication task identifier (event -> prod). */
  readonly dmsTaskId: string;
  /**
   * Public hostname of the sale, `<slug>.<domain>`: its own CloudFront distribution in the
   * permanent event edge, so concurrent events never share an origin.
   */
  readonly publicHostname: string;
  /**
   * `origin-<slug>.<domain>`: the event stack's ALB behind that distribution; the record exists
   * only while the event stack is up (the distribution fails over to the static page otherwise).
   */
  readonly originHostname: string;
  /**
   * URL the lifecycle smoke-checks after spin-up: through CloudFront to the event's services. The
   * static failover bucket has no such object, so a 200 means the event origin answered.
   */
  readonly smokeCheckUrl: string;
  /**
   * Lambda function created by the event stack (in its VPC) that runs the post-apply SQL step
   * (binlog retention on the event Aurora); the lifecycle state machine invokes it after apply.
   */
  readonly postApplyFunctionName: string;
  /**
   * Lambda function created by the event stack in its data subnets (peered with prod): the
   * key-block check at spin-up and the reconciliation at teardown.
   */
  readonly dataCheckFunctionName: string;
  /** ECS cluster of the event's services. */
  readonly ecsClusterName: string;
  /** ECS service names: request-serving (stopped first at teardown) and queue consumers (stopped once the queue is empty). */
  readonly services: { readonly http: readonly string[]; readonly worker: readonly string[] };
  /** The order queue and its dead-letter queue (`<queue>-dlq`). */
  readonly ordersQueueName: string;
  readonly ordersDeadLetterQueueName: string;
  /**
   * Snapshot the verified teardown takes (and waits for) before its destroy run, besides the final
   * snapshot: the data exactly as verified, kept whatever happens to the destroy.
   */
  readonly verifiedSnapshotId: string;
}

export function eventResourceNames(config: Config, event: ResolvedEvent): EventResourceNames {
  const naming = new Naming(config.project.name, event.stackId);
  const domain = config.events.platform.domain;
  const names = perStackNames(naming);
  return {
    stackId: event.stackId,
    workspace: naming.workspace,
    ...names,
    publicHostname: `${event.slug}.${domain}`,
    originHostname: `origin-${event.slug}.${domain}`,
    smokeCheckUrl: `https://${event.slug}.${domain}/healthz`,
    services: {
      http: Object.entries(config.events.platform.services).filter(([, s]) => s.kind === "http").map(([svc]) => naming.name(svc, 255)),
      worker: Object.entries(config.events.platform.services).filter(([, s]) => s.kind !== "http").map(([svc]) => naming.name(svc, 255)),
    },
    ordersDeadLetterQueueName: `${names.ordersQueueName}-dlq`,
  };
}

/**
 * The names an event stack's own naming gives its resources: of one event (its stack id), or of
 * every event as IAM patterns (stack id `event-*`).
 */
function perStackNames(naming: Naming) {
  return {
    auroraClusterId: naming.name("db", 63),
    // No date in the name, on purpose. If a slug is ever applied and destroyed twice, RDS refuses
    // to delete the cluster under a snapshot identifier that already exists: the second destroy
    // fails and leaves the database in place, it can never overwrite the first snapshot.
    finalSnapshotId: naming.name("db-final", 255),
    dmsReplicationInstanceId: naming.name("dms", 63),
    dmsTaskId: naming.name("sync", 255),
    postApplyFunctionName: naming.name("post-apply", 64),
    dataCheckFunctionName: naming.name("data-check", 64),
    ecsClusterName: naming.name("ecs"),
    ordersQueueName: naming.name("orders", 76),
    verifiedSnapshotId: naming.name("db-verified", 255),
  };
}

/**
 * IAM resource-name patterns that match the names above for every event of the project, for the
 * grants of the control stack (which serves all events with one set of functions) and of the
 * platform's secrets the event stacks read. They hold because `Naming.fit` never shortens these
 * names: project <= 16 and slug <= 24 characters keep each well under its cap (a test checks the
 * longest case).
 */
export interface EventResourcePatterns {
  readonly postApplyFunctionName: string;
  readonly dataCheckFunctionName: string;
  readonly auroraClusterId: string;
  readonly finalSnapshotId: string;
  readonly verifiedSnapshotId: string;
  readonly ecsClusterName: string;
  /** The order queues and their dead-letter queues. */
  readonly ordersQueueName: string;
  /** The role DMS assumes to read its endpoint secrets (modules/data/dms-replication.ts, `dms-secrets`). */
  readonly dmsSecretsRoleName: string;
  /** The data-check function's role (modules/compute/node-function.ts, `<component>-fn`). */
  readonly dataCheckRoleName: string;
}

export function eventResourcePatterns(config: Config): EventResourcePatterns {
  const naming = new Naming(config.project.name, StackIds.event("*"));
  const any = perStackNames(naming);
  return {
    postApplyFunctionName: any.postApplyFunctionName,
    dataCheckFunctionName: any.dataCheckFunctionName,
    auroraClusterId: any.auroraClusterId,
    finalSnapshotId: any.finalSnapshotId,
    verifiedSnapshotId: any.verifiedSnapshotId,
    ecsClusterName: any.ecsClusterName,
    ordersQueueName: `${any.ordersQueueName}*`,
    dmsSecretsRoleName: naming.name("dms-secrets"),
    dataCheckRoleName: naming.name("data-check-fn", 64),
  };
}
