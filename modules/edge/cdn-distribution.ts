import type { Construct } from "constructs";
import {
  CloudfrontDistribution,
  type CloudfrontDistributionDefaultCacheBehavior,
  type CloudfrontDistributionOrigin,
} from "@cdktf/provider-aws/lib/cloudfront-distribution";
import { CloudfrontOriginAccessControl } from "@cdktf/provider-aws/lib/cloudfront-origin-access-control";
import { ModuleConstruct } from "../core/environment";
import type { S3Bucket } from "../data/s3-bucket";
import type { KmsKey } from "../security/kms-key";
import type { PolicyStatement } from "../security/policy-document";

/** AWS managed CloudFront policies (their ids are fixed; no lookup needed). */
export const MANAGED_POLICY_IDS = {
  cachingOptimized: "658327ea-f89d-4fab-a63d-7e88639e58f6",
  cachingDisabled: "4135ea2d-6df8-44a3-9df3-4b5a84be39ad",
  allViewerExceptHostHeader: "b689b0a8-53d0-40ab-baf2-68738e2966ac",
  securityHeaders: "67f7725c-6f97-4210-82d7-5512b31e9d03",
} as const;

/** A private S3 bucket read through Origin Access Control. */
export interface S3CdnOrigin {
  readonly kind: "s3";
  readonly id: string;
  readonly bucket: S3Bucket;
  /** The bucket's SSE-KMS key: CloudFront is granted kms:Decrypt for this distribution only. @default - the bucket is not KMS-encrypted */
  readonly kmsKey?: KmsKey;
  /** @default - the bucket root */
  readonly originPath?: string;
  /**
   * Extend the bucket policy (and key policy) to let this distribution read.
   * @default true. false for a bucket shared by many distributions, whose owner grants them all in
   * one statement ({@link cloudFrontReadStatements}), so its policies do not grow per distribution
   * (a bucket policy holds at most 20 KB, a key policy 32 KB)
   */
  readonly grantRead?: boolean;
}

/** An HTTPS origin (a load balancer behind a name its certificate covers). */
export interface HttpsCdnOrigin {
  readonly kind: "https";
  readonly id: string;
  /** Name CloudFront connects to; the origin's certificate must cover it. */
  readonly domainName: string;
  /** Headers added to every origin request (e.g. the origin-verify secret). @default - none */
  readonly customHeaders?: Readonly<Record<string, string>>;
  /** @default 30 seconds */
  readonly readTimeoutSeconds?: number;
}

export type CdnOrigin = S3CdnOrigin | HttpsCdnOrigin;

/** Two origins behind one id: CloudFront retries a read on `failover` when `primary` answers one of `statusCodes`. */
export interface CdnOriginGroup {
  readonly id: string;
  readonly primaryOriginId: string;
  readonly failoverOriginId: string;
  /** @default [500, 502, 503, 504] */
  readonly statusCodes?: readonly number[];
}

export interface CdnBehavior {
  /** An origin id or an origin group id. */
  readonly targetOriginId: string;
  /** "optimized": the managed CachingOptimized policy; "disabled": every request goes to the origin. */
  readonly cache: "optimized" | "disabled";
  /**
   * Methods allowed. Behaviors that target an origin group must be "read" (CloudFront fails over GET, HEAD and OPTIONS only).
   * @default "all" for HTTPS origins, "read" for S3 and origin groups
   */
  readonly methods?: "read" | "all";
  /**
   * Forward the viewer's headers, cookies and query strings (all but Host, so the origin's
   * certificate name is used for TLS).
   * @default true for HTTPS origins, false for S3 and origin groups
   */
  readonly forwardViewerRequest?: boolean;
}

export interface CdnPathBehavior extends CdnBehavior {
  readonly pathPattern: string;
}

/** What CloudFront answers instead of an error status from the origins. */
export interface CdnErrorResponse {
  /** The status CloudFront got (after any origin failover), e.g. 403. */
  readonly errorCode: number;
  /** The status sent to the viewer. */
  readonly responseCode: number;
  /** Object sent instead, e.g. `/_sale/index.html`; a behavior must route its path to an origin that has it. */
  readonly responsePagePath: string;
  /** Seconds CloudFront caches the error before asking the origin again. @default 10 */
  readonly cachingMinTtlSeconds?: number;
}

export interface CdnDistributionProps {
  /** Component name: the origin access control is `{project}-{stack}-{name}`. @default "cdn" */
  readonly name?: string;
  /** Names served (each must be on the certificate). */
  readonly aliases: readonly string[];
  /** ACM certificate in us-east-1 covering the aliases. */
  readonly certificateArn: string;
  /** WAFv2 web ACL (scope CLOUDFRONT) attached to the distribution. */
  readonly webAclArn: string;
  readonly origins: readonly CdnOrigin[];
  /** @default - none */
  readonly originGroups?: readonly CdnOriginGroup[];
  readonly defaultBehavior: CdnBehavior;
  /** Path behaviors, in precedence order. @default - none */
  readonly behaviors?: readonly CdnPathBehavior[];
  /** Standard logging target. The bucket must allow ACLs (object ownership BucketOwnerPreferred): CloudFront standard logging writes with ACLs. */
  readonly logs: { readonly bucket: S3Bucket; readonly prefix: string };
  /** @default "PriceClass_200" - all edges except South America and Oceania's most expensive ones */
  readonly priceClass?: "PriceClass_100" | "PriceClass_200" | "PriceClass_All";
  /** Response headers policy on every behavior. @default the managed SecurityHeadersPolicy (HSTS, nosniff, frame options, referrer policy) */
  readonly responseHeadersPolicyId?: string;
  /** @default - none (the default origin answers `/`) */
  readonly defaultRootObject?: string;
  /**
   * Replace error statuses with a page. Applies to every behavior and origin.
   * @default - none: viewers get the origin's error (or CloudFront's own)
   */
  readonly errorResponses?: readonly CdnErrorResponse[];
  readonly comment?: string;
}

/**
 * A CloudFront distribution with configurable origins (private S3 buckets through Origin Access
 * Control, HTTPS origins with custom headers, origin groups for failover) and behaviors:
 * viewers are redirected to HTTPS, TLS 1.2 (2021 ciphers) is the minimum, HTTP/2 and HTTP/3,
 * IPv6, a WAF web ACL, security headers and standard logging. Origins are contacted over TLS 1.2
 * only (https-only). Each S3 origin's bucket policy (and KMS key policy) is extended to let
 * CloudFront read for this distribution alone.
 */
export class CdnDistribution extends ModuleConstruct {
  readonly distribution: CloudfrontDistribution;

  constructor(scope: Construct, id: string, props: CdnDistributionProps) {
    super(scope, id);
    const { naming } = this;
    const name = props.name ?? "cdn";
    const originsById = new Map(props.origins.map((o) => [o.id, o]));
    const groupIds = new Set((props.originGroups ?? []).map((g) => g.id));
    if (originsById.size !== props.origins.length) throw new Error(`${this.node.path}: origin ids must be unique`);
    for (const group of props.originGroups ?? []) {
      for (const member of [group.primaryOriginId, group.failoverOriginId]) {
        if (!originsById.has(member)) throw new Error(`${this.node.path}: origin group "${group.id}" refers to unknown origin "${member}"`);
      }
      if (originsById.has(group.id)) throw new Error(`${this.node.path}: origin group id "${group.id}" is also an origin id`);
    }

    const s3Origins = props.origins.filter((o): o is S3CdnOrigin => o.kind === "s3");
    const oac =
      s3Origins.length > 0
        ? new CloudfrontOriginAccessControl(this, "oac", {
            name: naming.name(name),
            description: `S3 origins of ${naming.workspace}`,
            originAccessControlOriginType: "s3",
            signingBehavior: "always",
            signingProtocol: "sigv4",
          })
        : undefined;

    const origins: CloudfrontDistributionOrigin[] = props.origins.map((origin) =>
      origin.kind === "s3"
        ? { originId: origin.id, domainName: origin.bucket.regionalDomainName, originAccessControlId: oac!.id, originPath: origin.originPath }
        : {
            originId: origin.id,
            domainName: origin.domainName,
            customOriginConfig: {
              httpPort: 80,
              httpsPort: 443,
              originProtocolPolicy: "https-only",
              originSslProtocols: ["TLSv1.2"],
              originReadTimeout: origin.readTimeoutSeconds ?? 30,
            },
            customHeader: Object.entries(origin.customHeaders ?? {}).map(([headerName, value]) => ({ name: headerName, value })),
          },
    );

    const responseHeadersPolicyId = props.responseHeadersPolicyId ?? MANAGED_POLICY_IDS.securityHeaders;
    const behavior = (b: CdnBehavior, where: string): CloudfrontDistributionDefaultCacheBehavior => {
      const origin = originsById.get(b.targetOriginId);
      const isGroup = groupIds.has(b.targetOriginId);
      if (!origin && !isGroup) throw new Error(`${this.node.path}: ${where} targets unknown origin "${b.targetOriginId}"`);
      const https = origin?.kind === "https";
      const methods = b.methods ?? (https ? "all" : "read");
      if (isGroup && methods === "all") {
        throw new Error(`${this.node.path}: ${where} targets origin group "${b.targetOriginId}", which only fails over reads; use methods "read"`);
      }
      const forward = b.forwardViewerRequest ?? https;
      return {
        targetOriginId: b.targetOriginId,
        viewerProtocolPolicy: "redirect-to-https",
        allowedMethods: methods === "all" ? ["DELETE", "GET", "HEAD", "OPTIONS", "PATCH", "POST", "PUT"] : ["GET", "HEAD", "OPTIONS"],
        cachedMethods: ["GET", "HEAD"],
        compress: true,
        cachePolicyId: b.cache === "optimized" ? MANAGED_POLICY_IDS.cachingOptimized : MANAGED_POLICY_IDS.cachingDisabled,
        originRequestPolicyId: forward ? MANAGED_POLICY_IDS.allViewerExceptHostHeader : undefined,
        responseHeadersPolicyId,
      };
    };

    this.distribution = new CloudfrontDistribution(this, "distribution", {
      enabled: true,
      comment: props.comment ?? naming.name(name),
      aliases: [...props.aliases],
      isIpv6Enabled: true,
      httpVersion: "http2and3",
      priceClass: props.priceClass ?? "PriceClass_200",
      webAclId: props.webAclArn,
      defaultRootObject: props.defaultRootObject,
      customErrorResponse: (props.errorResponses ?? []).map((e) => ({
        errorCode: e.errorCode,
        responseCode: e.responseCode,
        responsePagePath: e.responsePagePath,
        errorCachingMinTtl: e.cachingMinTtlSeconds ?? 10,
      })),
      origin: origins,
      originGroup: (props.originGroups ?? []).map((g) => ({
        originId: g.id,
        failoverCriteria: { statusCodes: [...(g.statusCodes ?? [500, 502, 503, 504])] },
        member: [{ originId: g.primaryOriginId }, { originId: g.failoverOriginId }],
      })),
      defaultCacheBehavior: behavior(props.defaultBehavior, "the default behavior"),
      orderedCacheBehavior: (props.behaviors ?? []).map((b) => ({ ...behavior(b, `behavior ${b.pathPattern}`), pathPattern: b.pathPattern })),
      viewerCertificate: {
        acmCertificateArn: props.certificateArn,
        sslSupportMethod: "sni-only",
        minimumProtocolVersion: "TLSv1.2_2021",
      },
      restrictions: { geoRestriction: { restrictionType: "none" } },
      loggingConfig: {
        bucket: props.logs.bucket.bucket.bucketDomainName,
        prefix: props.logs.prefix,
        includeCookies: false,
      },
    });

    s3Origins
      .filter((origin) => origin.grantRead ?? true)
      .forEach((origin) => {
        const statements = cloudFrontReadStatements({
          sid: `CloudFrontRead${pascal(naming.name(name))}${pascal(origin.id)}`,
          bucketArn: origin.bucket.arn,
          originPath: origin.originPath,
          distributionArns: [this.distribution.arn],
        });
        origin.bucket.addToPolicy(statements.bucket);
        origin.kmsKey?.addToPolicy(statements.key);
      });
  }

  get arn(): string {
    return this.distribution.arn;
  }

  get domainName(): string {
    return this.distribution.domainName;
  }

  /** Route 53 zone of CloudFront names (alias targets). */
  get hostedZoneId(): string {
    return this.distribution.hostedZoneId;
  }
}

/**
 * The bucket-policy statement (`s3:GetObject` under the origin path) and key-policy statement
 * (`kms:Decrypt`) that let CloudFront read a private bucket on behalf of the given distributions
 * only (`AWS:SourceArn`). One pair covers any number of distributions.
 */
export function cloudFrontReadStatements(props: {
  readonly sid: string;
  readonly bucketArn: string;
  readonly distributionArns: readonly string[];
  readonly originPath?: string;
}): { readonly bucket: PolicyStatement; readonly key: PolicyStatement } {
  const onlyThese = { StringEquals: { "AWS:SourceArn": props.distributionArns.length === 1 ? props.distributionArns[0]! : [...props.distributionArns] } };
  const principals = { type: "Service" as const, identifiers: ["cloudfront.amazonaws.com"] };
  const path = props.originPath ? `${props.originPath.replace(/^\/+|\/+$/g, "")}/` : "";
  return {
    bucket: { sid: props.sid, principals, actions: ["s3:GetObject"], resources: [`${props.bucketArn}/${path}*`], conditions: onlyThese },
    key: { sid: `${props.sid}Decrypt`, principals, actions: ["kms:Decrypt"], resources: ["*"], conditions: onlyThese },
  };
}

function pascal(text: string): string {
  return text.replace(/(^|[-_./])([a-z0-9])/gi, (_m, _d, c: string) => c.toUpperCase()).replace(/[^A-Za-z0-9]/g, "");
}
