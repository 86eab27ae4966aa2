/**
 * Configuration rules for the EKS, edge, ALB and ECR sections of an environment.
 */
import { describe, expect, it } from "vitest";
import { type ConfigInput } from "../../src/config";
import { registryReplicationOwners, ownsRegistryReplication } from "../../src/config/ecr-replication";
import { configWith, eventsInOwnAccount, problemsOf } from "../helpers/config";


const prod = (c: ConfigInput) => c.environments.prod!;
const dev = (c: ConfigInput) => c.environments.dev!;

describe("the repository's platform configuration", () => {
  it("is valid for prod and dev", () => {
    expect(problemsOf(() => undefined)).toEqual([]);
  });

  it("fills the defaults of the optional fields", () => {
    const config = configWith((c) => {
      const p = prod(c);
      p.eks.endpoint = undefined as never;
      delete p.eks.logRetentionDays;
      delete p.edge.www;
      delete p.edge.priceClass;
      delete p.edge.wafRateLimit;
      delete p.alb.deletionProtection;
      delete p.ecr.keepTaggedImages;
    });
    const p = config.environments.prod!;
    expect(p.eks.endpoint).toEqual({ publicAccess: false, publicAccessCidrs: [] });
    expect(p.eks.logRetentionDays).toBe(90);
    expect(p.edge).toMatchObject({ www: true, priceClass: "PriceClass_200", wafRateLimit: 2000 });
    expect(p.alb.deletionProtection).toBe(true);
    expect(p.ecr.keepTaggedImages).toBe(50);
  });

  it("accepts a public endpoint restricted to listed networks", () => {
    const config = configWith((c) => (dev(c).eks.endpoint = { publicAccess: true, publicAccessCidrs: ["203.0.113.0/24"] }));
    expect(config.environments.dev!.eks.endpoint.publicAccessCidrs).toEqual(["203.0.113.0/24"]);
  });
});

describe("invalid platform configurations", () => {
  const cases: [string, (c: ConfigInput) => void, string][] = [
    [
      "a public endpoint without CIDRs",
      (c) => (prod(c).eks.endpoint = { publicAccess: true, publicAccessCidrs: [] }),
      "environments.prod.eks.endpoint.publicAccessCidrs: is empty but publicAccess is true",
    ],
    [
      "0.0.0.0/0 as a public endpoint CIDR",
      (c) => (prod(c).eks.endpoint = { publicAccess: true, publicAccessCidrs: ["0.0.0.0/0"] }),
      "environments.prod.eks.endpoint.publicAccessCidrs[0]: 0.0.0.0/0 opens the Kubernetes API to the whole internet",
    ],
    [
      "a malformed public endpoint CIDR",
      (c) => (prod(c).eks.endpoint = { publicAccess: true, publicAccessCidrs: ["203.0.113.7/24"] }),
      'environments.prod.eks.endpoint.publicAccessCidrs[0]: "203.0.113.7/24" has host bits set',
    ],
    [
      "public endpoint CIDRs while the public endpoint is off",
      (c) => (prod(c).eks.endpoint = { publicAccess: false, publicAccessCidrs: ["203.0.113.0/24"] }),
      "environments.prod.eks.endpoint.publicAccessCidrs: is set but publicAccess is false, so it would be ignored",
    ],
    [
      "a node group minimum above its maximum",
      (c) => Object.assign(dev(c).eks.systemNodeGroup, { minSize: 3, maxSize: 2, desiredSize: 2 }),
      "environments.dev.eks.systemNodeGroup.minSize: 3 is greater than maxSize (2)",
    ],
    [
      "a desired size outside min..max",
      (c) => Object.assign(prod(c).eks.systemNodeGroup, { minSize: 3, maxSize: 6, desiredSize: 7 }),
      "environments.prod.eks.systemNodeGroup.desiredSize: 7 must be between minSize (3) and maxSize (6)",
    ],
    [
      "a system node group that can never have a node",
      (c) => Object.assign(dev(c).eks.systemNodeGroup, { minSize: 0, maxSize: 0, desiredSize: 0 }),
      "environments.dev.eks.systemNodeGroup.maxSize: must be at least 1",
    ],
    [
      "x86 instance types with an ARM AMI",
      (c) => (prod(c).eks.systemNodeGroup.amiType = "AL2023_ARM_64_STANDARD"),
      "environments.prod.eks.systemNodeGroup.instanceTypes[0]: m7i.large does not run AL2023_ARM_64_STANDARD",
    ],
    [
      "a Graviton instance type with an x86 AMI",
      (c) => (dev(c).eks.systemNodeGroup.instanceTypes = ["t4g.large"]),
      "environments.dev.eks.systemNodeGroup.instanceTypes[0]: t4g.large does not run AL2023_x86_64_STANDARD",
    ],
    [
      "no cluster administrators",
      (c) => (prod(c).eks.adminPrincipalArns = []),
      "environments.prod.eks.adminPrincipalArns: needs at least one principal",
    ],
    [
      "an administrator that is not an IAM role or user ARN",
      (c) => (prod(c).eks.adminPrincipalArns = ["arn:aws:sts::210987654321:assumed-role/admin/me"]),
      "environments.prod.eks.adminPrincipalArns[0]: must be an IAM role or user ARN",
    ],
    [
      "an administrator listed twice",
      (c) => prod(c).eks.adminPrincipalArns.push(prod(c).eks.adminPrincipalArns[0]!),
      "environments.prod.eks.adminPrincipalArns[2]: arn:aws:iam::210987654321:role/flashcrowd-terraform-cloud is listed twice",
    ],
    [
      "an add-on version in the wrong format",
      (c) => (prod(c).eks.addonVersions.coredns = "1.12.1"),
      "environments.prod.eks.addonVersions.coredns: must be an EKS add-on version like v1.19.5-eksbuild.1",
    ],
    [
      "a Kubernetes version with a patch level",
      (c) => (prod(c).eks.version = "1.33.1"),
      'environments.prod.eks.version: must be a Kubernetes minor version like "1.33"',
    ],
    [
      "a domain outside the hosted zone",
      (c) => (prod(c).edge.domain = "flashcrowd.test"),
      "environments.prod.edge.domain: flashcrowd.test is not in hosted zone flashcrowd.example (hostedZone.name)",
    ],
    [
      "a domain that only ends like the zone name",
      (c) => (prod(c).edge.domain = "notflashcrowd.example"),
      "environments.prod.edge.domain: notflashcrowd.example is not in hosted zone flashcrowd.example",
    ],
    [
      "an alternate name outside the hosted zone",
      (c) => (dev(c).edge.alternateNames = ["preview.flashcrowd.example"]),
      "environments.dev.edge.alternateNames[0]: preview.flashcrowd.example is not in hosted zone dev.flashcrowd.example",
    ],
    [
      "an alternate name that repeats www",
      (c) => (prod(c).edge.alternateNames = ["www.flashcrowd.example"]),
      "environments.prod.edge.alternateNames[0]: www.flashcrowd.example is already served",
    ],
    [
      "an alternate name that is the ALB's origin name",
      (c) => (prod(c).edge.alternateNames = ["origin.flashcrowd.example"]),
      "environments.prod.edge.alternateNames[0]: origin.flashcrowd.example is already served",
    ],
    [
      "a malformed hosted zone id",
      (c) => (prod(c).edge.hostedZone.id = "zone-1"),
      "environments.prod.edge.hostedZone.id: must be a Route 53 hosted zone id",
    ],
    [
      "a WAF rate limit below the WAF minimum",
      (c) => (prod(c).edge.wafRateLimit = 5),
      "environments.prod.edge.wafRateLimit: must be at least 10",
    ],
    [
      "a missing origin-facing prefix list id",
      (c) => delete (prod(c).edge as Partial<NonNullable<typeof c.environments.prod>["edge"]>).originFacingPrefixListId,
      "environments.prod.edge.originFacingPrefixListId: is required",
    ],
    [
      "a prefix list id in the wrong format",
      (c) => (prod(c).edge.originFacingPrefixListId = "com.amazonaws.global.cloudfront.origin-facing"),
      "environments.prod.edge.originFacingPrefixListId: must be a prefix list id like pl-22a6434b",
    ],
    [
      "two ALB services with the same name",
      (c) => (prod(c).alb.services[1]!.name = "api"),
      'environments.prod.alb.services[1].name: "api" duplicates services[0].name',
    ],
    [
      "a catch-all service before another service",
      (c) => prod(c).alb.services.reverse(),
      'environments.prod.alb.services[0].pathPatterns: "/*" matches every path, so services after "web" would never be reached',
    ],
    [
      "more path patterns than an ALB rule can hold",
      (c) => (prod(c).alb.services[0]!.pathPatterns = ["/a/*", "/b/*", "/c/*", "/d/*", "/e/*"]),
      "environments.prod.alb.services[0].pathPatterns: may have at most 4 path patterns",
    ],
    [
      "a health check path that is not absolute",
      (c) => (prod(c).alb.services[0]!.healthCheckPath = "healthz"),
      "environments.prod.alb.services[0].healthCheckPath: must be an absolute path like /healthz",
    ],
    [
      "no ALB services",
      (c) => (dev(c).alb.services = []),
      "environments.dev.alb.services: needs at least one service",
    ],
    [
      "an invalid ECR repository name",
      (c) => (prod(c).ecr.repositories = ["Web"]),
      "environments.prod.ecr.repositories[0]: must be an ECR repository name",
    ],
    [
      "an ECR repository listed twice",
      (c) => (prod(c).ecr.repositories = ["web", "web"]),
      'environments.prod.ecr.repositories[1]: "web" is listed twice',
    ],
    [
      "two owners of one account's registry replication",
      (c) => Object.assign(dev(c), { account: prod(c).account }),
      "environments.dev.ecr.ownsRegistryReplication: account 210987654321's registry replication is already owned by environments.prod",
    ],
    [
      "repositories in an account nobody replicates",
      (c) => (dev(c).ecr.ownsRegistryReplication = false),
      "environments.dev.ecr.ownsRegistryReplication: no environment in account 310987654321 owns its registry replication",
    ],
    [
      "an environment whose secondary region differs from its account's replication owner",
      (c) => Object.assign(dev(c), { account: prod(c).account, secondaryRegion: "ap-southeast-1", ecr: { ...dev(c).ecr, ownsRegistryReplication: false } }),
      "environments.dev.secondaryRegion: ap-southeast-1 differs from ap-northeast-1, where environments.prod replicates every repository of account 210987654321",
    ],
    [
      "an event platform whose secondary region differs from its account's replication owner",
      (c) => (c.events.platform.secondaryRegion = "ap-southeast-1"),
      "events.platform.secondaryRegion: ap-southeast-1 differs from ap-northeast-1, where environments.prod replicates the event repositories",
    ],
  ];

  it.each(cases)("rejects %s", (_name, change, expected) => {
    const problems = problemsOf(change);
    expect(problems.some((p) => p.includes(expected)), `expected a problem containing:\n  ${expected}\ngot:\n  ${problems.join("\n  ")}`).toBe(true);
  });
});

describe("registry replication ownership", () => {
  it("gives each account to the environment that claims it", () => {
    const owners = registryReplicationOwners(configWith());
    expect(Object.fromEntries(owners)).toEqual({ "210987654321": "prod", "310987654321": "dev" });
  });

  it("leaves the event stacks' account to prod when prod owns it, so event-edge must not create one", () => {
    const config = configWith();
    expect(config.events.platform.account).toBe(config.environments.prod!.account);
    expect(ownsRegistryReplication(config, "event-edge", config.events.platform.account)).toBe(false);
    expect(ownsRegistryReplication(config, "prod", config.events.platform.account)).toBe(true);
  });

  it("makes event-edge the owner of an event account no environment owns", () => {
    const config = configWith((c) => eventsInOwnAccount(c));
    expect(ownsRegistryReplication(config, "event-edge", "510987654321")).toBe(true);
  });
});
