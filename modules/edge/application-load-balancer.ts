import type { Construct } from "constructs";
import { Lb } from "@cdktf/provider-aws/lib/lb";
import { LbListener } from "@cdktf/provider-aws/lib/lb-listener";
import { LbListenerRule } from "@cdktf/provider-aws/lib/lb-listener-rule";
import { LbTargetGroup } from "@cdktf/provider-aws/lib/lb-target-group";
import { S3BucketPolicy } from "@cdktf/provider-aws/lib/s3-bucket-policy";
import { SecurityGroup } from "@cdktf/provider-aws/lib/security-group";
import { Connections, Peer, Port, type IConnectable } from "../core/connections";
import { ModuleConstruct } from "../core/environment";
import { Grant, type IGrantable } from "../core/grant";
import { S3Bucket } from "../data/s3-bucket";
import type { SubnetPlacement } from "../network/placement";
import { loadBalancerMetric, type LoadBalancerMetricName, type LoadBalancerMetrics, type Metric } from "../observability/metric";
import type { PolicyStatement } from "../security/policy-document";

/**
 * Accounts Elastic Load Balancing writes access logs from, in the regions that existed before
 * August 2022. Newer regions use the `logdelivery.elasticloadbalancing.amazonaws.com` principal.
 */
export const ELB_LOG_DELIVERY_ACCOUNTS: Readonly<Record<string, string>> = {
  "us-east-1": "127311923021",
  "us-east-2": "033677994240",
  "us-west-1": "027434742980",
  "us-west-2": "797873946194",
  "af-south-1": "098369216593",
  "ap-east-1": "754344448648",
  "ap-southeast-3": "589379963580",
  "ap-south-1": "718504428378",
  "ap-northeast-3": "383597477331",
  "ap-northeast-2": "600734575887",
  "ap-southeast-1": "114774131450",
  "ap-southeast-2": "783225319266",
  "ap-northeast-1": "582318560864",
  "ca-central-1": "985666609251",
  "eu-central-1": "054676820928",
  "eu-west-1": "156460612806",
  "eu-west-2": "652711504416",
  "eu-south-1": "635631232127",
  "eu-west-3": "009996457667",
  "eu-north-1": "897822967062",
  "me-south-1": "076674570225",
  "sa-east-1": "507241528517",
};

/** AWS's current recommended TLS 1.3 policy (TLS 1.3 and 1.2 with forward-secret AEAD ciphers, hybrid post-quantum key exchange). */
export const DEFAULT_SSL_POLICY = "ELBSecurityPolicy-TLS13-1-2-Res-PQ-2025-09";

/** A service in EKS that the load balancer routes to through an `ip` target group. */
export interface AlbService {
  /** Names the target group: `{project}-{stack}-tg-{name}` (32 characters at most). */
  readonly name: string;
  /** Port the pods listen on. */
  readonly port: number;
  readonly healthCheckPath: string;
  /** Paths routed to the service (at most 4: the origin header check is the fifth condition value). */
  readonly pathPatterns: readonly string[];
}

/** A target group as alarms and the add-ons stack (TargetGroupBinding) see it. */
export interface AlbTargetGroup {
  readonly arn: string;
  /** `targetgroup/<name>/<id>`, the CloudWatch dimension. */
  readonly arnSuffix: string;
  readonly port: number;
}

export interface ApplicationLoadBalancerProps {
  /** Component name: the load balancer is `{project}-{stack}-{name}`. @default "alb" */
  readonly name?: string;
  /** Public subnets, one per AZ. */
  readonly placement: SubnetPlacement;
  /**
   * The only source admitted: the id of the managed prefix list
   * `com.amazonaws.global.cloudfront.origin-facing` in this region (from config; ids differ by region).
   */
  readonly cloudFrontPrefixListId: string;
  /** Regional ACM certificate of the origin name CloudFront connects to. */
  readonly certificateArn: string;
  /** Header every forwarded request must carry with exactly this value; anything else gets 403. */
  readonly originVerifyHeader: { readonly name: string; readonly value: string };
  /** Services, in rule order: the first whose path matches wins. */
  readonly services: readonly AlbService[];
  /**
   * Bucket for access logs (SSE-S3: ELB log delivery cannot use a customer key): an
   * {@link S3Bucket} of this stack, whose policy is extended here, or a bucket of a permanent stack
   * by name, whose policy already lets ELB write under `accessLogsPrefix` (see
   * {@link elbLogDeliveryStatement}); logs of a stack that is destroyed must outlive it.
   */
  readonly accessLogsBucket: S3Bucket | { readonly bucketName: string };
  /** Prefix of the access logs in the bucket. @default "alb/<name>" */
  readonly accessLogsPrefix?: string;
  /** @default true - `terraform destroy` and the console cannot delete the load balancer until this is turned off */
  readonly deletionProtection?: boolean;
  /** @default 60 seconds */
  readonly idleTimeoutSeconds?: number;
  /** TLS policy of the HTTPS listener. @default {@link DEFAULT_SSL_POLICY} */
  readonly sslPolicy?: string;
  /**
   * An HTTP listener on port 80 that redirects to HTTPS, reachable from CloudFront only.
   * @default true. Its ingress rule lives in a second security group: the CloudFront prefix list
   * counts as 55 rules against the 60-rule quota of a security group, so 80 and 443 cannot share one.
   */
  readonly httpRedirect?: boolean;
  /**
   * Seconds a deregistering pod keeps receiving in-flight requests.
   * @default 30 - long enough for keep-alive requests to finish; the AWS default of 300 slows every rollout
   */
  readonly deregistrationDelaySeconds?: number;
}

/**
 * An internet-facing application load balancer that only CloudFront can use:
 * - ingress only from CloudFront's origin-facing managed prefix list, on 443 (and 80 for the
 *   redirect, in its own security group); egress only to the targets linked through
 *   {@link connections} (`targets.connections.allowFrom(alb, port, ...)`), on their ports;
 * - HTTPS with a TLS 1.3 policy and a regional ACM certificate; HTTP redirects to HTTPS;
 * - every request must carry the secret origin header (one listener rule per service checks it
 *   together with the service's paths); the default action is a fixed 403;
 * - invalid header fields dropped, deletion protection on, access logs to the log bucket;
 * - `ip` target groups for services in EKS, bound later by the AWS Load Balancer Controller
 *   (TargetGroupBinding); the controller's role is granted registration with
 *   {@link grantTargetRegistration}.
 */
export class ApplicationLoadBalancer extends ModuleConstruct implements IConnectable, LoadBalancerMetrics {
  readonly loadBalancer: Lb;
  /** Security group admitting HTTPS from CloudFront; also the source the targets admit. */
  readonly securityGroup: SecurityGroup;
  /** The load balancer's (HTTPS) security group, which targets admit. */
  readonly connections: Connections;
  /** Security group admitting HTTP (redirect only) from CloudFront, when the redirect is on. */
  readonly redirectSecurityGroup?: SecurityGroup;
  readonly httpsListener: LbListener;
  readonly targetGroups: Readonly<Record<string, AlbTargetGroup>>;
  private readonly targetGroupArns: string[];
  private grants = 0;

  constructor(scope: Construct, id: string, props: ApplicationLoadBalancerProps) {
    super(scope, id);
    const { naming } = this;
    const name = props.name ?? "alb";
    if (props.services.length === 0) throw new Error(`${this.node.path}: at least one service is needed`);
    for (const service of props.services) {
      if (service.pathPatterns.length < 1 || service.pathPatterns.length > 4) {
        throw new Error(`${this.node.path}: service "${service.name}" needs 1 to 4 path patterns (got ${service.pathPatterns.length})`);
      }
    }

    this.securityGroup = new SecurityGroup(this, "sg", {
      name: naming.name(name),
      description: "Load balancer: HTTPS from CloudFront origin-facing addresses only",
      vpcId: props.placement.vpcId,
      tags: { Name: naming.name(name) },
    });
    this.connections = new Connections({ securityGroup: this.securityGroup });
    const cloudFront = Peer.prefixList(props.cloudFrontPrefixListId);
    this.connections.allowFrom(cloudFront, Port.tcp(443), {
      ingress: { id: "https-from-cloudfront", description: "HTTPS from CloudFront origin-facing servers" },
    });
    const securityGroups = [this.securityGroup.id];
    const httpRedirect = props.httpRedirect ?? true;
    if (httpRedirect) {
      this.redirectSecurityGroup = new SecurityGroup(this, "redirect-sg", {
        name: naming.name(`${name}-http`),
        description: "Load balancer: HTTP (redirected to HTTPS) from CloudFront origin-facing addresses only",
        vpcId: props.placement.vpcId,
        tags: { Name: naming.name(`${name}-http`) },
      });
      new Connections({ securityGroup: this.redirectSecurityGroup }).allowFrom(cloudFront, Port.tcp(80), {
        ingress: { id: "http-from-cloudfront", description: "HTTP from CloudFront origin-facing servers, answered with a redirect to HTTPS" },
      });
      securityGroups.push(this.redirectSecurityGroup.id);
    }

    const logsPrefix = props.accessLogsPrefix ?? `alb/${name}`;
    const bucket = props.accessLogsBucket;
    const ownBucket = bucket instanceof S3Bucket ? bucket : undefined;
    ownBucket?.addToPolicy(elbLogDeliveryStatement({ sid: `ElbAccessLogs${pascal(name)}`, bucketArn: ownBucket.arn, prefix: logsPrefix, accountId: this.account, region: this.region }));

    this.loadBalancer = new Lb(this, "lb", {
      name: naming.name(name, 32),
      loadBalancerType: "application",
      internal: false,
      ipAddressType: "ipv4",
      subnets: [...props.placement.subnetIds],
      securityGroups,
      dropInvalidHeaderFields: true,
      enableDeletionProtection: props.deletionProtection ?? true,
      idleTimeout: props.idleTimeoutSeconds ?? 60,
      enableHttp2: true,
      accessLogs: { bucket: bucket.bucketName, prefix: logsPrefix, enabled: true },
      // ELB writes a test object when logging is enabled: the bucket policy must be in place first
      // (a bucket of another stack has had its policy since that stack's apply).
      dependsOn: ownBucket ? [bucketPolicyOf(ownBucket)] : undefined,
    });

    const groups: Record<string, AlbTargetGroup> = {};
    const targetGroupResources = props.services.map((service) => {
      const tg = new LbTargetGroup(this, `tg-${service.name}`, {
        name: naming.name(`tg-${service.name}`, 32),
        targetType: "ip",
        protocol: "HTTP",
        port: service.port,
        vpcId: props.placement.vpcId,
        deregistrationDelay: String(props.deregistrationDelaySeconds ?? 30),
        healthCheck: {
          enabled: true,
          protocol: "HTTP",
          port: "traffic-port",
          path: service.healthCheckPath,
          matcher: "200-399",
          interval: 15,
          timeout: 5,
          healthyThreshold: 2,
          unhealthyThreshold: 3,
        },
      });
      groups[service.name] = { arn: tg.arn, arnSuffix: tg.arnSuffix, port: service.port };
      return tg;
    });
    this.targetGroups = groups;
    this.targetGroupArns = targetGroupResources.map((tg) => tg.arn);

    this.httpsListener = new LbListener(this, "https", {
      loadBalancerArn: this.loadBalancer.arn,
      port: 443,
      protocol: "HTTPS",
      sslPolicy: props.sslPolicy ?? DEFAULT_SSL_POLICY,
      certificateArn: props.certificateArn,
      defaultAction: [{ type: "fixed-response", fixedResponse: { contentType: "text/plain", statusCode: "403", messageBody: "Forbidden" } }],
    });
    props.services.forEach((service, i) => {
      new LbListenerRule(this, `rule-${service.name}`, {
        listenerArn: this.httpsListener.arn,
        priority: (i + 1) * 10,
        condition: [
          { httpHeader: { httpHeaderName: props.originVerifyHeader.name, values: [props.originVerifyHeader.value] } },
          { pathPattern: { values: [...service.pathPatterns] } },
        ],
        action: [{ type: "forward", targetGroupArn: targetGroupResources[i]!.arn }],
      });
    });
    if (httpRedirect) {
      new LbListener(this, "http", {
        loadBalancerArn: this.loadBalancer.arn,
        port: 80,
        protocol: "HTTP",
        defaultAction: [{ type: "redirect", redirect: { protocol: "HTTPS", port: "443", statusCode: "HTTP_301" } }],
      });
    }
  }

  get arn(): string {
    return this.loadBalancer.arn;
  }

  /** `app/<name>/<id>`, the CloudWatch dimension of the load balancer. */
  get arnSuffix(): string {
    return this.loadBalancer.arnSuffix;
  }

  /** A CloudWatch metric of the load balancer, or with `targetGroup` (a service name) of that target group. */
  metric(name: LoadBalancerMetricName, targetGroup?: string): Metric {
    if (targetGroup === undefined) return loadBalancerMetric(this.arnSuffix, name);
    const group = this.targetGroups[targetGroup];
    if (!group) throw new Error(`${this.node.path}: no target group "${targetGroup}"; target groups are ${Object.keys(this.targetGroups).join(", ")}`);
    return loadBalancerMetric(this.arnSuffix, name, group.arnSuffix);
  }

  get dnsName(): string {
    return this.loadBalancer.dnsName;
  }

  /** Route 53 zone of the load balancer's DNS name (alias targets). */
  get hostedZoneId(): string {
    return this.loadBalancer.zoneId;
  }

  /**
   * Lets `grantee` (the AWS Load Balancer Controller) register and deregister pods in these target
   * groups only. A bare role gets a policy of this load balancer, `target-registration-<n>`.
   */
  grantTargetRegistration(grantee: IGrantable): Grant {
    this.grants += 1;
    return Grant.addToPrincipal({
      grantee,
      resource: this,
      statements: [
        {
          sid: "RegisterPodsInOwnTargetGroups",
          actions: ["elasticloadbalancing:RegisterTargets", "elasticloadbalancing:DeregisterTargets"],
          resources: this.targetGroupArns,
        },
      ],
      policy: { scope: this, id: `target-registration-${this.grants}`, name: `register-targets-${this.node.id}` },
    });
  }
}

/**
 * The bucket-policy statement that lets Elastic Load Balancing write access logs of `accountId`'s
 * load balancers in `region` under `<prefix>/AWSLogs/<accountId>/` (`prefix` may hold `*`, for a
 * bucket that collects the logs of several load balancers: the event stacks' ALBs).
 */
export function elbLogDeliveryStatement(props: {
  readonly sid: string;
  readonly bucketArn: string;
  readonly prefix: string;
  readonly accountId: string;
  readonly region: string;
}): PolicyStatement {
  const elbAccount = ELB_LOG_DELIVERY_ACCOUNTS[props.region];
  return {
    sid: props.sid,
    principals: elbAccount
      ? { type: "AWS", identifiers: [`arn:aws:iam::${elbAccount}:root`] }
      : { type: "Service", identifiers: ["logdelivery.elasticloadbalancing.amazonaws.com"] },
    actions: ["s3:PutObject"],
    resources: [`${props.bucketArn}/${props.prefix}/AWSLogs/${props.accountId}/*`],
  };
}

function bucketPolicyOf(bucket: S3Bucket): S3BucketPolicy {
  const policy = bucket.node.findChild("policy");
  if (!(policy instanceof S3BucketPolicy)) throw new Error(`${bucket.node.path}: expected its bucket policy as child "policy"`);
  return policy;
}

function pascal(name: string): string {
  return name.replace(/(^|-)([a-z0-9])/g, (_m, _d, c: string) => c.toUpperCase());
}
