/**
 * The storefront's services, as the repository's config deploys them: each platform's ALB has a
 * target group per service, and the add-ons bind the matching workload to it by name and port.
 */
export const STOREFRONT_SERVICES = [
  { name: "api", port: 8080, healthCheckPath: "/healthz", pathPatterns: ["/api/*"] },
  { name: "web", port: 3000, healthCheckPath: "/healthz", pathPatterns: ["/*"] },
] as const;
