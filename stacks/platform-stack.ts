import type { Construct } from "constructs";
import { AwsLoadBalancerControllerRole } from "../modules/compute/aws-load-balancer-controller-role";
import { EksCluster } from "../modules/compute/eks-cluster";
import { FluentBitRole } from "../modules/compute/fluent-bit-role";
import { EcrRegistryReplication } from "../modules/compute/ecr-registry-replication";
import { EcrRepository } from "../modules/compute/ecr-repository";
import { Karpenter } from "../modules/compute/karpenter";
import { S3Bucket } from "../modules/data/s3-bucket";
import { AliasRecords } from "../modules/edge/alias-records";
import { ApplicationLoadBalancer } from "../modules/edge/application-load-balancer";
import { CdnDistribution } from "../modules/edge/cdn-distribution";
import { CloudFrontWebAcl } from "../modules/edge/cloudfront-web-acl";
import { DnsValidatedCertificate } from "../modules/edge/dns-validated-certificate";
import { OriginVerifyHeader } from "../modules/edge/origin-verify-header";
import { Network } from "../modules/network/network";
import { KmsKey } from "../modules/security/kms-key";
import type { Config, EnvironmentConfig } from "../src/config";
import { ownsRegistryReplication, repositoryPrefix } from "../src/config/ecr-replication";
import { AwsStack } from "../src/core/aws-stack";

/**
 * What the `<env>-addons` stack takes from its platform (cross-stack references). The load
 * balancer controller must be given `vpcId` and `region` explicitly: node IMDS is not reachable
 * from pods (hop limit 1).
 */
export interface AddonsInputs {
  readonly region: string;
  readonly vpcId: string;
  readonly clusterName: string;
  readonly clusterEndpoint: string;
  readonly clusterCertificateAuthorityData: string;
  readonly oidcIssuerUrl: string;
  readonly nodeSecurityGroupId: string;
  /** Key for the EC2NodeClass block device mappings. */
  readonly nodeVolumeKeyArn: string;
  readonly karpenter: {
    readonly interruptionQueueName: string;
    readonly nodeRoleName: string;
    /** Use as EC2NodeClass `spec.instanceProfile` (the controller may not create profiles). */
    readonly instanceProfileName: string;
    readonly controllerRoleArn: string;
  };
  readonly loadBalancerControllerRoleArn: string;
  readonly fluentBit: { readonly roleArn: string; readonly logGroupName: string; readonly archiveBucket: string; readonly archivePrefix: string };
  /** Target groups by service name, for TargetGroupBindings. */
  readonly targetGroups: Readonly<Record<string, { readonly arn: string; readonly arnSuffix: string; readonly port: number }>>;
}

export interface PlatformStackProps {
  readonly config: Config;
  /** Key of `config.environments`; also the stack id (`prod`, `dev`, ...). */
  readonly environmentId: string;
}

const FLUENT_BIT_ARCHIVE_PREFIX = "eks-containers/";

/** A permanent platform (prod, dev, staging...): one per entry of `config.environments`. */
export class PlatformStack extends AwsStack {
  readonly environmentId: string;
  readonly env: EnvironmentConfig;
  readonly network: Network;
  /** Customer-managed key for the platform's data at rest (databases, caches, buckets, queues, topics). */
  readonly dataKey: KmsKey;
  /**
   * The environment's log bucket (SSE-S3, because ALB and S3 access-log delivery cannot use a
   * customer key): ALB and CloudFront logs and every other bucket's server access logs.
   */
  readonly logsBucket: S3Bucket;

  // --- Kubernetes, edge and images (EKS, ALB, CloudFront + WAF, ECR) ---
  readonly eks: EksCluster;
  readonly karpenter: Karpenter;
  readonly loadBalancerController: AwsLoadBalancerControllerRole;
  readonly fluentBit: FluentBitRole;
  readonly alb: ApplicationLoadBalancer;
  readonly webAcl: CloudFrontWebAcl;
  readonly staticBucket: S3Bucket;
  readonly cdn: CdnDistribution;
  /** Repositories by configured name. */
  readonly repositories: Readonly<Record<string, EcrRepository>>;

  constructor(scope: Construct, props: PlatformStackProps) {
    const env = props.config.environments[props.environmentId];
    if (!env) throw new Error(`unknown environment "${props.environmentId}"`);
    super(scope, {
      config: props.config,
      stackId: props.environmentId,
      environment: props.environmentId,
      target: env,
    });
    this.environmentId = props.environmentId;
    this.env = env;

    const clusterName = this.naming.name("eks", 100);
    this.network = new Network(this, "network", {
      naming: this.naming,
      accountId: env.account,
      region: env.region,
      availabilityZones: env.availabilityZones,
      ...env.network,
      // Karpenter launches nodes into the subnets carrying its discovery tag.
      subnetTags: { private: { "karpenter.sh/discovery": clusterName } },
    });

    this.dataKey = new KmsKey(this, "data-key", {
      alias: this.naming.name("data"),
      description: `Encrypts data at rest of ${this.naming.workspace}`,
      accountId: env.account,
    });

    this.logsBucket = new S3Bucket(this, "logs-bucket", {
      bucketName: this.naming.name(`logs-${env.account}`, 63),
      accountId: env.account,
      encryption: "s3-managed",
      // CloudFront standard logging still writes with ACLs.
      objectOwnership: "BucketOwnerPreferred",
      lifecycle: {
        transitionToGlacierDays: env.logs.transitionToGlacierDays,
        expireDays: env.logs.expireDays,
        noncurrentExpireDays: 30,
      },
    });
    this.logsBucket.allowServerAccessLogDelivery();

    // ------------------------------------------------------------------------------------------
    // Kubernetes: EKS with its system node group and core add-ons, Karpenter's AWS side, and the
    // Pod Identity roles of the add-ons the `<env>-addons` stack installs.
    // ------------------------------------------------------------------------------------------
    // Shared by the modules of this block (named to stay distinct from other blocks of this constructor).
    const inAccount = { naming: this.naming, accountId: env.account, region: env.region };
    this.eks = new EksCluster(this, "eks", {
      ...inAccount,
      clusterName,
      version: env.eks.version,
      vpcId: this.network.vpc.id,
      subnetIds: this.network.subnetIds("private"),
      publicAccessCidrs: env.eks.endpoint.publicAccess ? env.eks.endpoint.publicAccessCidrs : [],
      adminPrincipalArns: env.eks.adminPrincipalArns,
      systemNodeGroup: env.eks.systemNodeGroup,
      addonVersions: env.eks.addonVersions,
      logRetentionDays: env.eks.logRetentionDays,
    });
    this.karpenter = new Karpenter(this, "karpenter", { ...inAccount, cluster: this.eks });
    this.loadBalancerController = new AwsLoadBalancerControllerRole(this, "aws-load-balancer-controller", { ...inAccount, cluster: this.eks });
    this.fluentBit = new FluentBitRole(this, "fluent-bit", {
      ...inAccount,
      cluster: this.eks,
      logRetentionDays: env.eks.logRetentionDays,
      archive: { bucket: this.logsBucket, prefix: FLUENT_BIT_ARCHIVE_PREFIX },
    });

    // ------------------------------------------------------------------------------------------
    // Edge: CloudFront (WAF, us-east-1 certificate) in front of a CloudFront-only ALB whose `ip`
    // target groups the add-ons stack binds to services in EKS, and a private static bucket.
    // ------------------------------------------------------------------------------------------
    const edge = env.edge;
    const zoneId = edge.hostedZone.id;
    const originName = `origin.${edge.domain}`;
    const originHeader = new OriginVerifyHeader(this, "origin-verify");
    const originCertificate = new DnsValidatedCertificate(this, "origin-certificate", { domainName: originName, hostedZoneId: zoneId });
    this.alb = new ApplicationLoadBalancer(this, "alb", {
      ...inAccount,
      vpcId: this.network.vpc.id,
      subnetIds: this.network.subnetIds("public"),
      cloudFrontPrefixListId: edge.originFacingPrefixListId,
      certificateArn: originCertificate.certificateArn,
      originVerifyHeader: { name: originHeader.headerName, value: originHeader.value },
      services: env.alb.services,
      targetSecurityGroupId: this.eks.nodeSecurityGroupId,
      accessLogsBucket: this.logsBucket,
      deletionProtection: env.alb.deletionProtection,
      idleTimeoutSeconds: env.alb.idleTimeoutSeconds,
    });
    for (const port of new Set(env.alb.services.map((service) => service.port))) {
      this.eks.allowPodTrafficFrom("alb", this.alb.securityGroup.id, port, `Load balancer to pods on ${port} (ip targets)`);
    }
    this.alb.grantTargetRegistration(this.loadBalancerController.role.role);
    new AliasRecords(this, "origin-dns", { zoneId, names: [originName], target: this.alb, ipv6: false });

    this.webAcl = new CloudFrontWebAcl(this, "waf", {
      naming: this.naming,
      accountId: env.account,
      usEast1Provider: this.usEast1Provider,
      rateLimit: edge.wafRateLimit,
      logRetentionDays: edge.wafLogRetentionDays,
    });
    const siteNames = [edge.domain, ...(edge.www ? [`www.${edge.domain}`] : []), ...edge.alternateNames];
    const siteCertificate = new DnsValidatedCertificate(this, "site-certificate", {
      domainName: edge.domain,
      subjectAlternativeNames: siteNames.slice(1),
      hostedZoneId: zoneId,
      provider: this.usEast1Provider,
    });
    const staticKey = new KmsKey(this, "static-key", {
      alias: this.naming.name("static"),
      description: `Encrypts the static assets of ${this.naming.workspace}`,
      accountId: env.account,
    });
    this.staticBucket = new S3Bucket(this, "static-bucket", {
      bucketName: this.naming.name(`static-${env.account}`, 63),
      accountId: env.account,
      kmsKey: staticKey,
      accessLogsBucket: this.logsBucket,
      lifecycle: { noncurrentExpireDays: 30 },
    });
    this.cdn = new CdnDistribution(this, "cdn", {
      naming: this.naming,
      aliases: siteNames,
      certificateArn: siteCertificate.certificateArn,
      webAclArn: this.webAcl.arn,
      origins: [
        { kind: "https", id: "alb", domainName: originName, customHeaders: { [originHeader.headerName]: originHeader.value } },
        { kind: "s3", id: "static", bucket: this.staticBucket, kmsKey: staticKey },
      ],
      defaultBehavior: { targetOriginId: "alb", cache: "disabled" },
      behaviors: [{ pathPattern: "/static/*", targetOriginId: "static", cache: "optimized" }],
      logs: { bucket: this.logsBucket, prefix: "cloudfront/" },
      priceClass: edge.priceClass,
    });
    new AliasRecords(this, "site-dns", { zoneId, names: siteNames, target: { dnsName: this.cdn.domainName, hostedZoneId: this.cdn.hostedZoneId } });

    // ------------------------------------------------------------------------------------------
    // Images: ECR repositories, and the account's registry replication where this stack owns it.
    // ------------------------------------------------------------------------------------------
    const prefix = repositoryPrefix(props.config.project.name);
    this.repositories = Object.fromEntries(
      env.ecr.repositories.map((name) => [
        name,
        new EcrRepository(this, `ecr-${name.replace(/[^a-z0-9]+/g, "-")}`, {
          name: `${prefix}${this.naming.stack}/${name}`,
          kmsKey: this.dataKey,
          untaggedExpireDays: env.ecr.untaggedExpireDays,
          keepTaggedImages: env.ecr.keepTaggedImages,
        }),
      ]),
    );
    if (ownsRegistryReplication(props.config, this.naming.stack, env.account)) {
      new EcrRegistryReplication(this, "ecr-replication", {
        naming: this.naming,
        accountId: env.account,
        destinationRegion: env.secondaryRegion,
        destinationProvider: this.secondaryProvider,
        namespace: props.config.project.name,
        untaggedExpireDays: env.ecr.untaggedExpireDays,
        keepTaggedImages: env.ecr.keepTaggedImages,
      });
    }
  }
  /** Everything the add-ons stack needs, as references into this stack. */
  get addonsInputs(): AddonsInputs {
    return {
      region: this.env.region,
      vpcId: this.network.vpc.id,
      clusterName: this.eks.cluster.name,
      clusterEndpoint: this.eks.endpoint,
      clusterCertificateAuthorityData: this.eks.certificateAuthorityData,
      oidcIssuerUrl: this.eks.oidcIssuerUrl,
      nodeSecurityGroupId: this.eks.nodeSecurityGroupId,
      nodeVolumeKeyArn: this.eks.nodeVolumeKey.arn,
      karpenter: {
        interruptionQueueName: this.karpenter.queueName,
        nodeRoleName: this.karpenter.nodeRoleName,
        instanceProfileName: this.karpenter.instanceProfileName,
        controllerRoleArn: this.karpenter.controllerRoleArn,
      },
      loadBalancerControllerRoleArn: this.loadBalancerController.roleArn,
      fluentBit: {
        roleArn: this.fluentBit.roleArn,
        logGroupName: this.fluentBit.logGroupName,
        archiveBucket: this.logsBucket.bucketName,
        archivePrefix: FLUENT_BIT_ARCHIVE_PREFIX,
      },
      targetGroups: this.alb.targetGroups,
    };
  }
}
