/**
 * Who owns an account's ECR registry replication configuration.
 *
 * `aws_ecr_replication_configuration` is one registry-wide resource per account and region: two
 * workspaces managing it would overwrite each other's rules, and destroying either would delete
 * replication for the whole account. So exactly one stack per account owns it, with a rule that
 * covers every repository of the project in that account (the `{project}/` prefix). Environments
 * say which one owns it (`ecr.ownsRegistryReplication`, validated: at most one per account); in an
 * account that no environment owns, the permanent `event-edge` stack is the owner.
 */

import { StackIds } from "../core/naming";

interface OwnershipInput {
  readonly environments: Readonly<
    Record<string, { readonly account: string; readonly ecr: { readonly ownsRegistryReplication: boolean } }>
  >;
  readonly events: { readonly platform: { readonly account: string } };
}

/** Account id -> stack id that owns its registry replication configuration. */
export function registryReplicationOwners(config: OwnershipInput): Map<string, string> {
  const owners = new Map<string, string>();
  for (const [id, env] of Object.entries(config.environments)) {
    if (env.ecr.ownsRegistryReplication && !owners.has(env.account)) owners.set(env.account, id);
  }
  if (!owners.has(config.events.platform.account)) owners.set(config.events.platform.account, StackIds.eventEdge);
  return owners;
}

/** Whether `stackId` must create the registry replication configuration of `account`. */
export function ownsRegistryReplication(config: OwnershipInput, stackId: string, account: string): boolean {
  return registryReplicationOwners(config).get(account) === stackId;
}

/** The repository-name prefix every project repository starts with, and the replication filter. */
export function repositoryPrefix(project: string): string {
  return `${project}/`;
}
