import type { Construct } from "constructs";
import type { HelmProvider } from "@cdktf/provider-helm/lib/provider";
import { PodIdentityRole } from "../compute/pod-identity-role";
import { ModuleConstruct } from "../core/environment";
import { ChartRelease, type ChartSource } from "./chart-release";
import { ADDON_SERVICE_ACCOUNTS, POD_IDENTITY_ROLE_ANNOTATION } from "./contract";
import { ManifestsRelease } from "./manifests-release";

export const EXTERNAL_SECRETS_CHART: ChartSource = { repository: "https://charts.external-secrets.io", chart: "external-secrets" };

/** The ClusterSecretStore every synced secret is read through. */
export const SECRET_STORE_NAME = "aws-secrets-manager";

/** A Secrets Manager secret copied into a Kubernetes secret. */
export interface SyncedSecret {
  /** Name of the Kubernetes secret (and of its ExternalSecret). */
  readonly name: string;
  /** Namespace of the Kubernetes secret; the store serves only the namespaces listed here. */
  readonly namespace: string;
  /** ARN of the Secrets Manager secret. */
  readonly secretArn: string;
  /**
   * Keys of the Kubernetes secret, each from a JSON property of the secret value, or from the
   * whole value when `property` is omitted.
   */
  readonly keys: readonly { readonly key: string; readonly property?: string }[];
}

export interface ExternalSecretsProps {
  /** Exact chart version. */
  readonly version: string;
  /** Namespace of the operator (its service account is {@link ADDON_SERVICE_ACCOUNTS}.externalSecrets). */
  readonly namespace: string;
  readonly clusterName: string;
  readonly clusterArn: string;
  /** KMS key the secrets are encrypted with; decryption is allowed through Secrets Manager only. */
  readonly secretsKmsKeyArn: string;
  /** The secrets to sync; the operator's role may read exactly these. */
  readonly secrets: readonly SyncedSecret[];
  /** Replicas of the controller, webhook and cert controller; from 2 with leader election and PodDisruptionBudgets. */
  readonly replicas: number;
  /** Releases to install first. @default none */
  readonly dependsOn?: ChartRelease[];
  /** @default the stack's helm provider */
  readonly provider?: HelmProvider;
}

/**
 * External Secrets Operator, the way secrets reach pods without passing through Terraform: the
 * values stay in Secrets Manager and are copied into Kubernetes secrets at run time, so they are in
 * no config, Helm values, plan or state.
 *
 * Locked down: the operator's Pod Identity role may read only the listed secrets (and decrypt
 * through Secrets Manager only); one ClusterSecretStore serves only the namespaces of those
 * secrets; namespaced SecretStores and PushSecrets are not processed (a SecretStore without
 * credentials would act with the operator's role), and namespace editors get no rights on the
 * operator's resources.
 */
export class ExternalSecrets extends ModuleConstruct {
  readonly identity: PodIdentityRole;
  readonly chart: ChartRelease;
  readonly store: ManifestsRelease;

  constructor(scope: Construct, id: string, props: ExternalSecretsProps) {
    super(scope, id);
    if (props.secrets.length === 0) throw new Error(`${this.node.path}: no secrets to sync; the operator would have nothing to do`);
    const names = props.secrets.map((s) => `${s.namespace}/${s.name}`);
    const duplicate = names.find((n, i) => names.indexOf(n) !== i);
    if (duplicate) throw new Error(`${this.node.path}: secret ${duplicate} is synced twice`);
    const sa = ADDON_SERVICE_ACCOUNTS.externalSecrets;

    this.identity = new PodIdentityRole(this, "identity", {
      name: "external-secrets",
      description: `External Secrets of ${props.clusterName}: reads the add-ons' secrets`,
      clusterName: props.clusterName,
      clusterArn: props.clusterArn,
      namespace: sa.namespace,
      serviceAccount: sa.name,
      statements: [
        {
          sid: "ReadSyncedSecrets",
          actions: ["secretsmanager:GetSecretValue", "secretsmanager:DescribeSecret"],
          resources: [...new Set(props.secrets.map((s) => s.secretArn))],
        },
        {
          sid: "DecryptThroughSecretsManager",
          actions: ["kms:Decrypt"],
          resources: [props.secretsKmsKeyArn],
          conditions: { StringEquals: { "kms:ViaService": `secretsmanager.${this.region}.amazonaws.com` } },
        },
      ],
    });

    const ha = props.replicas > 1;
    const pdb = ha ? { enabled: true, minAvailable: 1 } : { enabled: false };
    this.chart = new ChartRelease(this, "chart", {
      name: "external-secrets",
      namespace: props.namespace,
      source: EXTERNAL_SECRETS_CHART,
      version: props.version,
      provider: props.provider,
      dependsOn: [...(props.dependsOn ?? []).map((d) => d.release), this.identity.association],
      values: {
        installCRDs: true,
        replicaCount: props.replicas,
        leaderElect: ha,
        podDisruptionBudget: pdb,
        serviceAccount: { create: true, name: sa.name, annotations: { [POD_IDENTITY_ROLE_ANNOTATION]: this.identity.roleArn } },
        processSecretStore: false,
        processPushSecret: false,
        processClusterPushSecret: false,
        rbac: { aggregateToEdit: false, aggregateToAdmin: false },
        webhook: { replicaCount: props.replicas, podDisruptionBudget: pdb },
        certController: { replicaCount: props.replicas, podDisruptionBudget: pdb },
      },
    });

    this.store = new ManifestsRelease(this, "secrets", {
      name: "external-secrets-config",
      namespace: props.namespace,
      provider: props.provider,
      dependsOn: [this.chart.release],
      manifests: [
        {
          apiVersion: "external-secrets.io/v1",
          kind: "ClusterSecretStore",
          metadata: { name: SECRET_STORE_NAME },
          spec: {
            // No auth section: the operator's own Pod Identity credentials.
            provider: { aws: { service: "SecretsManager", region: this.region } },
            conditions: [{ namespaces: [...new Set(props.secrets.map((s) => s.namespace))] }],
          },
        },
        ...props.secrets.map((s) => ({
          apiVersion: "external-secrets.io/v1",
          kind: "ExternalSecret",
          metadata: { name: s.name, namespace: s.namespace },
          spec: {
            refreshInterval: "1h",
            secretStoreRef: { kind: "ClusterSecretStore", name: SECRET_STORE_NAME },
            target: { name: s.name, creationPolicy: "Owner", deletionPolicy: "Retain" },
            data: s.keys.map((k) => ({
              secretKey: k.key,
              remoteRef: { key: s.secretArn, ...(k.property !== undefined ? { property: k.property } : {}) },
            })),
          },
        })),
      ],
    });
  }
}
