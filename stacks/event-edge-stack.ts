import { join } from "node:path";
import type { Construct } from "constructs";
import { EcrRegistryReplication } from "../modules/compute/ecr-registry-replication";
import { EcrRepository } from "../modules/compute/ecr-repository";
import { S3Bucket } from "../modules/data/s3-bucket";
import { AliasRecords } from "../modules/edge/alias-records";
import { elbLogDeliveryStatement } from "../modules/edge/application-load-balancer";
import { CdnDistribution, cloudFrontReadStatements } from "../modules/edge/cdn-distribution";
import { CloudFrontWebAcl } from "../modules/edge/cloudfront-web-acl";
import { DnsValidatedCertificate } from "../modules/edge/dns-validated-certificate";
import { OriginVerifyHeader } from "../modules/edge/origin-verify-header";
import { StaticPage } from "../modules/edge/static-page";
import { AlertTopic } from "../modules/observability/alert-topic";
import { DmsAccountRoles } from "../modules/security/dms-account-roles";
import { KmsKey } from "../modules/security/kms-key";
import type { TfcWorkloadIdentity } from "../modules/security/tfc-workload-identity";
import type { Config, EventPlatformConfig, ResolvedEvent } from "../src/config";
import { ownsRegistryReplication, repositoryPrefix } from "../src/config/ecr-replication";
import { eventResourceNames } from "../src/config/event-resources";
import { stackCatalog } from "../src/topology/stack-catalog";
import { AwsStack } from "./base/aws-stack";
import { StackIds } from "../src/core/naming";
import { PROJECT_ROOT } from "../src/core/project-root";
import { attachTfcWorkloadIdentity } from "./base/tfc-identity";

export interface EventEdgeStackProps {
  readonly config: Config;
}

/** The "sale not open yet / sale ended" page, kept in the repository. */
export const SALE_PAGE_SOURCE = join(PROJECT_ROOT, "modules", "edge", "assets", "sale-page.html");
/** Where the page lives in the bucket and under every event's hostname. */
export const SALE_PAGE_PATH = "/_sale/index.html";
/** Prefix under which each event's ALB writes its access logs: `alb/<slug>`. */
export const EVENT_ALB_LOG_PREFIX = "alb";
/** Prefix under which each event's Firehose stream archives its logs: `events/<slug>/`. */
export const EVENT_LOG_ARCHIVE_PREFIX = "events";

/** What an event stack needs from the event edge for its own sale (cross-stack references). */
export interface EventEdgeSale {
  /** `<slug>.<domain>`: the distribution's alias. */
  readonly publicHostname: string;
  /** `origin-<slug>.<domain>`: the event stack points it at its ALB. */
  readonly originHostname: string;
  /** The header CloudFront sends to this event's origin, and its secret (sensitive). */
  readonly originVerifyHeader: { readonly name: string; readonly value: string };
  readonly distribution: CdnDistribution;
  /** `alb/<slug>`: the event ALB's access-log prefix in {@link EventEdgeStack.accessLogsBucketName}. */
  readonly albLogPrefix: string;
  /** `events/<slug>/`: the event's Firehose prefix in the log archive. */
  readonly archivePrefix: string;
}

/** An event repository, by reference. */
export interface EventRepository {
  readonly name: string;
  readonly url: string;
  readonly arn: string;
}

/**
 * `event-edge`: the permanent part of the event environments, applied with the other permanent
 * stacks and costing almost nothing between sales. It keeps the slow and rarely-changing pieces off
 * the spin-up path (certificate validation, distribution deployment) and holds what must outlive
 * an event stack:
 *
 * - per calendar event, a CloudFront distribution for `<slug>.<domain>` whose default behavior is
 *   an origin group: the event's origin `origin-<slug>.<domain>` (a record that exists only while
 *   the event stack is up) with its own origin-verify secret, failing over to the shared static
 *   page bucket; the alias record; concurrent events never share a distribution or an origin;
 * - shared by every event: the WAF web ACL (us-east-1), the us-east-1 certificate for `<domain>`
 *   and `*.<domain>`, the regional `*.<domain>` certificate the event ALBs use, the page bucket;
 * - the event images' repositories (`<project>/event/<name>`);
 * - permanent keys and buckets: the key of the event databases (their final snapshots stay
 *   readable after teardown), the access-log bucket of the event ALBs and distributions, the
 *   archive the events' Firehose streams write to;
 * - the event-alerts topic DMS events and alarms of every event go to;
 * - the account-wide DMS roles and the Terraform Cloud workload identity, when this stack hosts
 *   the events' account (an account of its own, without environments).
 */
export class EventEdgeStack extends AwsStack {
  readonly platform: EventPlatformConfig;
  /** Encrypts the event databases (storage, final snapshots, Performance Insights, master secrets). */
  readonly databaseKey: KmsKey;
  /** Encrypts the log archive and the alerts topic. */
  readonly logsKey: KmsKey;
  /** SSE-S3 bucket for the event ALBs' and distributions' access logs (and the other buckets' server access logs). */
  readonly accessLogsBucket: S3Bucket;
  /** SSE-KMS archive of every event's logs (Firehose), partitioned by event and date. */
  readonly logArchive: S3Bucket;
  /** The "sale not open" page. */
  readonly pageBucket: S3Bucket;
  readonly webAcl: CloudFrontWebAcl;
  /** us-east-1: `<domain>` and `*.<domain>`, on every event distribution. */
  readonly viewerCertificate: DnsValidatedCertificate;
  /** Events region: `*.<domain>`, on every event ALB (`origin-<slug>.<domain>`). */
  readonly originCertificate: DnsValidatedCertificate;
  readonly alerts: AlertTopic;
  /** Repositories by configured name. */
  readonly repositories: Readonly<Record<string, EcrRepository>>;
  /** Each calendar event's edge, by slug. */
  readonly sales: Readonly<Record<string, EventEdgeSale>>;
  readonly dmsAccountRoles?: DmsAccountRoles;
  readonly tfcIdentity?: TfcWorkloadIdentity;

  constructor(scope: Construct, props: EventEdgeStackProps) {
    const platform = props.config.events.platform;
    // Environment tag "event", as in the stack catalog: the event platform's costs together. No
    // Event tag, so the lifecycle's tag-scoped grants (Environment=event and Event=<slug>) never match.
    super(scope, { config: props.config, stackId: StackIds.eventEdge, environment: "event", target: platform });
    this.platform = platform;
    const { naming } = this;
    const account = platform.account;
    const region = platform.region;
    const zoneId = platform.hostedZone.id;
    const domain = platform.domain;

    // ---- Keys: permanent, so nothing they encrypt becomes unreadable when an event goes ----
    this.databaseKey = new KmsKey(this, "database-key", {
      alias: naming.name("databases"),
      description: "Encrypts the event databases and their final snapshots; outlives every event stack",
    });
    this.logsKey = new KmsKey(this, "logs-key", {
      alias: naming.name("logs"),
      description: "Encrypts the event log archive and the event-alerts topic",
    });
    const pageKey = new KmsKey(this, "page-key", { alias: naming.name("pages"), description: "Encrypts the event edge's static pages" });
    const imagesKey = new KmsKey(this, "images-key", { alias: naming.name("images"), description: "Encrypts the event images (ECR)" });

    // ---- Buckets ----
    const lifecycle = { transitionToGlacierDays: platform.logs.transitionToGlacierDays, expireDays: platform.logs.expireDays, noncurrentExpireDays: 30 };
    this.accessLogsBucket = new S3Bucket(this, "access-logs", {
      bucketName: naming.name(`logs-${account}`, 63),
      // ALB access-log delivery cannot use a customer key; CloudFront standard logging needs ACLs.
      encryption: "s3-managed",
      objectOwnership: "BucketOwnerPreferred",
      preventDestroy: true,
      lifecycle,
    });
    this.accessLogsBucket.allowServerAccessLogDelivery();
    // One statement for every event ALB (each writes under alb/<slug>/): granted here, where the
    // bucket lives, since an event stack cannot change this stack's bucket policy.
    this.accessLogsBucket.addToPolicy(
      elbLogDeliveryStatement({ sid: "EventAlbAccessLogs", bucketArn: this.accessLogsBucket.arn, prefix: `${EVENT_ALB_LOG_PREFIX}/*`, accountId: account, region }),
    );
    this.logArchive = new S3Bucket(this, "log-archive", {
      bucketName: naming.name(`archive-${account}`, 63),
      kmsKey: this.logsKey,
      accessLogsBucket: this.accessLogsBucket,
      preventDestroy: true,
      lifecycle,
    });
    this.pageBucket = new S3Bucket(this, "page-bucket", {
      bucketName: naming.name(`pages-${account}`, 63),
      kmsKey: pageKey,
      accessLogsBucket: this.accessLogsBucket,
      preventDestroy: true,
      lifecycle: { noncurrentExpireDays: 30 },
    });
    const page = new StaticPage(this, "sale-page", { bucket: this.pageBucket, key: SALE_PAGE_PATH.slice(1), sourcePath: SALE_PAGE_SOURCE });

    // ---- Shared by every event's distribution ----
    this.webAcl = new CloudFrontWebAcl(this, "waf", {
      usEast1Provider: this.usEast1Provider,
      rateLimit: platform.edge.wafRateLimit,
      logRetentionDays: platform.edge.wafLogRetentionDays,
    });
    this.viewerCertificate = new DnsValidatedCertificate(this, "viewer-certificate", {
      domainName: domain,
      subjectAlternativeNames: [`*.${domain}`],
      hostedZoneId: zoneId,
      provider: this.usEast1Provider,
    });
    // Validated here, once, so no event spin-up waits for a certificate.
    this.originCertificate = new DnsValidatedCertificate(this, "origin-certificate", {
      domainName: `*.${domain}`,
      hostedZoneId: zoneId,
      validationRecordsFrom: this.viewerCertificate,
    });

    // ---- One distribution per calendar event ----
    const sales: Record<string, EventEdgeSale> = {};
    // Retired events keep theirs: an environment still up reads its outputs, even to be destroyed.
    for (const event of props.config.events.withStacks) sales[event.slug] = this.sale(event, page.path);
    this.sales = sales;
    const distributionArns = Object.values(sales).map((s) => s.distribution.arn);
    if (distributionArns.length > 0) {
      // The page bucket is shared: one grant names every event distribution.
      const read = cloudFrontReadStatements({ sid: "EventDistributionsReadPages", bucketArn: this.pageBucket.arn, distributionArns });
      this.pageBucket.addToPolicy(read.bucket);
      pageKey.addToPolicy(read.key);
    }

    // ---- Event images ----
    const prefix = repositoryPrefix(props.config.project.name);
    this.repositories = Object.fromEntries(
      platform.ecr.repositories.map((name) => [
        name,
        new EcrRepository(this, `ecr-${name.replace(/[^a-z0-9]+/g, "-")}`, {
          // `<project>/event/<name>`: the account's replication rule covers every `<project>/` repository.
          name: `${prefix}event/${name}`,
          kmsKey: imagesKey,
          untaggedExpireDays: platform.ecr.untaggedExpireDays,
          keepTaggedImages: platform.ecr.keepTaggedImages,
        }),
      ]),
    );
    // One registry replication configuration per account: an environment in this account owns it
    // (prod by default); this stack does only in an events account of its own.
    if (ownsRegistryReplication(props.config, StackIds.eventEdge, account)) {
      new EcrRegistryReplication(this, "ecr-replication", {
        destinationRegion: platform.secondaryRegion,
        destinationProvider: this.secondaryProvider,
        namespace: props.config.project.name,
        untaggedExpireDays: platform.ecr.untaggedExpireDays,
        keepTaggedImages: platform.ecr.keepTaggedImages,
      });
    }

    // ---- Alerts of every event (DMS events and alarms): subscriptions confirmed once, here ----
    this.alerts = new AlertTopic(this, "alerts", {
      name: "event-alerts",
      kmsKey: this.logsKey,
      emails: platform.alerts.emails,
      slack: platform.alerts.slack
        ? {
            workspaceId: platform.alerts.slack.workspaceId,
            channelId: platform.alerts.slack.channelId,
            provider: this.aliasedProvider("chatbot", platform.alerts.slack.apiRegion),
          }
        : undefined,
      servicePublishers: ["dms.amazonaws.com"],
    });

    // ---- Account-wide pieces, when this stack hosts the events' account ----
    if (stackCatalog(props.config).identityHostOf(account) === StackIds.eventEdge) {
      this.dmsAccountRoles = new DmsAccountRoles(this, "dms-account-roles");
    }
    this.tfcIdentity = attachTfcWorkloadIdentity(this);
  }

  /** The key of the event databases, by ARN (event stacks must not extend its policy). */
  get databaseKeyArn(): string {
    return this.databaseKey.arn;
  }

  get accessLogsBucketName(): string {
    return this.accessLogsBucket.bucketName;
  }

  /** Where an event's Firehose stream writes: the archive bucket and its key, by ARN. */
  get logArchiveTarget(): { readonly bucketArn: string; readonly keyArn: string } {
    return { bucketArn: this.logArchive.arn, keyArn: this.logsKey.arn };
  }

  get alertsTopicArn(): string {
    return this.alerts.topicArn;
  }

  /** The regional `*.<domain>` certificate (issued; ARN known once validated). */
  get originCertificateArn(): string {
    return this.originCertificate.certificateArn;
  }

  /** A repository by configured name, by reference. */
  repository(name: string): EventRepository {
    const repository = this.repositories[name];
    if (!repository) throw new Error(`event-edge has no repository "${name}"; add it to events.platform.ecr.repositories`);
    return { name, url: repository.repositoryUrl, arn: repository.arn };
  }

  /** The edge of one calendar event. */
  saleOf(slug: string): EventEdgeSale {
    const sale = this.sales[slug];
    if (!sale) throw new Error(`event-edge has no distribution for event "${slug}"; is it in events.calendar?`);
    return sale;
  }

  private sale(event: ResolvedEvent, pagePath: string): EventEdgeSale {
    const names = eventResourceNames(this.config, event);
    const originVerify = new OriginVerifyHeader(this, `origin-verify-${event.slug}`);
    const distribution = new CdnDistribution(this, `cdn-${event.slug}`, {
      name: `cdn-${event.slug}`,
      comment: `${event.name} (${names.publicHostname})`.slice(0, 128),
      aliases: [names.publicHostname],
      certificateArn: this.viewerCertificate.certificateArn,
      webAclArn: this.webAcl.arn,
      origins: [
        {
          kind: "https",
          id: "event",
          domainName: names.originHostname,
          customHeaders: { [originVerify.headerName]: originVerify.value },
        },
        // Granted once for every distribution, in the constructor.
        { kind: "s3", id: "page", bucket: this.pageBucket, grantRead: false },
      ],
      // While the event stack is down, origin-<slug> does not resolve: CloudFront gets a 502 and
      // reads the same path from the page bucket, which answers 403 (no such object, no listing),
      // which is answered with the page. CloudFront fails over only reads, so the service paths
      // that take writes go to the origin directly.
      originGroups: [{ id: "event-or-page", primaryOriginId: "event", failoverOriginId: "page" }],
      defaultBehavior: { targetOriginId: "event-or-page", cache: "disabled", forwardViewerRequest: true },
      behaviors: [
        { pathPattern: "/_sale/*", targetOriginId: "page", cache: "optimized" },
        ...serviceWritePaths(this.platform).map((pathPattern) => ({ pathPattern, targetOriginId: "event", cache: "disabled" as const })),
      ],
      // The event ALB never answers 403 to CloudFront (the header always matches), so a 403 is
      // the page bucket's "no such object" after a failover: show the page, with 503.
      errorResponses: [{ errorCode: 403, responseCode: 503, responsePagePath: pagePath }],
      logs: { bucket: this.accessLogsBucket, prefix: `cloudfront/${event.slug}/` },
      priceClass: this.platform.edge.priceClass,
    });
    new AliasRecords(this, `dns-${event.slug}`, {
      zoneId: this.platform.hostedZone.id,
      names: [names.publicHostname],
      target: { dnsName: distribution.domainName, hostedZoneId: distribution.hostedZoneId },
    });
    return {
      publicHostname: names.publicHostname,
      originHostname: names.originHostname,
      originVerifyHeader: { name: originVerify.headerName, value: originVerify.value },
      distribution,
      albLogPrefix: `${EVENT_ALB_LOG_PREFIX}/${event.slug}`,
      archivePrefix: `${EVENT_LOG_ARCHIVE_PREFIX}/${event.slug}/`,
    };
  }
}

/**
 * Path patterns of the http services that have their own paths (the API): they take writes, which
 * an origin group cannot carry, so CloudFront sends them to the event origin directly. The
 * catch-all service (the storefront) is behind the origin group and serves reads.
 */
export function serviceWritePaths(platform: EventPlatformConfig): string[] {
  return Object.values(platform.services).flatMap((s) => (s.kind === "http" && s.pathPatterns && !s.pathPatterns.includes("/*") ? s.pathPatterns : []));
}
