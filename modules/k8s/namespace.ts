import { Construct } from "constructs";
import type { KubernetesProvider } from "@cdktf/provider-kubernetes/lib/provider";
import { NamespaceV1 } from "@cdktf/provider-kubernetes/lib/namespace-v1";
import type { PodSecurityLevel } from "./types";

export interface NamespaceProps {
  /** Namespace name (a DNS label). */
  readonly name: string;
  /** Pod Security Standards level the namespace enforces: pods that violate it are rejected. */
  readonly podSecurity: PodSecurityLevel;
  /**
   * Level the namespace audits and warns about (audit log entries, warnings to `kubectl`).
   * @default "restricted" - violations of the strictest level stay visible even where they are allowed
   */
  readonly auditLevel?: PodSecurityLevel;
  /**
   * Pod Security Standards version the levels refer to.
   * @default "latest" - the standards of the cluster's Kubernetes version
   */
  readonly podSecurityVersion?: string;
  /** Extra labels (e.g. team ownership). @default none */
  readonly labels?: Readonly<Record<string, string>>;
  /** @default the stack's kubernetes provider */
  readonly provider?: KubernetesProvider;
}

/** Label prefix of pod security admission. */
const PSA = "pod-security.kubernetes.io";

/**
 * A namespace with pod security admission labels: `enforce` at the configured level, `audit` and
 * `warn` at the stricter audit level, all pinned to one standards version, plus a managed-by label.
 */
export class Namespace extends Construct {
  readonly namespace: NamespaceV1;

  constructor(scope: Construct, id: string, props: NamespaceProps) {
    super(scope, id);
    if (!/^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/.test(props.name)) {
      throw new Error(`${this.node.path}: namespace "${props.name}" must be a DNS label of at most 63 characters`);
    }
    const audit = props.auditLevel ?? "restricted";
    const version = props.podSecurityVersion ?? "latest";
    this.namespace = new NamespaceV1(this, "namespace", {
      provider: props.provider,
      metadata: {
        name: props.name,
        labels: {
          ...props.labels,
          "app.kubernetes.io/managed-by": "terraform",
          [`${PSA}/enforce`]: props.podSecurity,
          [`${PSA}/enforce-version`]: version,
          [`${PSA}/audit`]: audit,
          [`${PSA}/audit-version`]: version,
          [`${PSA}/warn`]: audit,
          [`${PSA}/warn-version`]: version,
        },
      },
    });
  }

  /** The namespace name as a reference, so what is placed in it depends on it. */
  get name(): string {
    return this.namespace.metadata.name;
  }
}
