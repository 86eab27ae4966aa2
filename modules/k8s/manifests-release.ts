import { join } from "node:path";
import { PROJECT_ROOT } from "../../src/core/project-root";
import { AssetType, TerraformAsset, TerraformStack, type ITerraformDependable } from "cdktf";
import { Construct } from "constructs";
import type { HelmProvider } from "@cdktf/provider-helm/lib/provider";
import { ChartRelease } from "./chart-release";

/** A complete Kubernetes object, as the API server takes it. */
export interface KubernetesObject {
  readonly apiVersion: string;
  readonly kind: string;
  readonly metadata: {
    readonly name: string;
    /** Omitted for cluster-scoped objects; set for every namespaced object (never the release's by accident). */
    readonly namespace?: string;
    readonly labels?: Readonly<Record<string, string>>;
    readonly annotations?: Readonly<Record<string, string>>;
    readonly finalizers?: readonly string[];
  };
  readonly [field: string]: unknown;
}

export interface ManifestsReleaseProps {
  /** Release name (at most 53 characters). */
  readonly name: string;
  /** Namespace that holds the release record; the objects carry their own namespaces. */
  readonly namespace: string;
  /** Objects to install; more can be added with {@link ManifestsRelease.add} until synthesis. @default none */
  readonly manifests?: readonly KubernetesObject[];
  /** The releases that install the objects' CRDs (and controllers whose webhooks check them). */
  readonly dependsOn: ITerraformDependable[];
  /** @default the stack's helm provider */
  readonly provider?: HelmProvider;
}

/** The chart that renders `.Values.manifests` unchanged (modules/k8s/charts/manifests). */
export const MANIFESTS_CHART_DIR = join(PROJECT_ROOT, "modules", "k8s", "charts", "manifests");
const ASSET_ID = "k8s-manifests-chart";

/**
 * Custom resources (and any other objects) installed through a small local chart, as a release that
 * depends on the release installing their CRDs.
 *
 * Why not `kubernetes_manifest`: it needs the CRD's schema at plan time, so on a fresh cluster,
 * where the CRD arrives in the same apply, the plan fails. A Helm release is only rendered and sent
 * at apply time, after the CRD release it depends on. The chart ships with the stack as a
 * TerraformAsset (copied into the stack's output once per stack); its path carries a hash of its
 * content, so a changed template is a change of the release.
 */
export class ManifestsRelease extends Construct {
  readonly chartRelease: ChartRelease;
  private readonly manifests: KubernetesObject[] = [];

  constructor(scope: Construct, id: string, props: ManifestsReleaseProps) {
    super(scope, id);
    if (props.dependsOn.length === 0) {
      throw new Error(`${this.node.path}: dependsOn is empty; name the release that installs the CRDs of these objects`);
    }
    for (const manifest of props.manifests ?? []) this.add(manifest);
    this.chartRelease = new ChartRelease(this, "release", {
      name: props.name,
      namespace: props.namespace,
      localChartPath: `./${manifestsChart(this).path}`,
      values: () => ({ manifests: this.manifests }),
      dependsOn: props.dependsOn,
      provider: props.provider,
    });
  }

  /** Adds an object; its kind, name and namespace must be unique in the release. */
  add(manifest: KubernetesObject): void {
    if (!manifest.apiVersion || !manifest.kind || !manifest.metadata?.name) {
      throw new Error(`${this.node.path}: every object needs apiVersion, kind and metadata.name`);
    }
    const key = (m: KubernetesObject) => `${m.kind}/${m.metadata.namespace ?? ""}/${m.metadata.name}`;
    if (this.manifests.some((m) => key(m) === key(manifest))) {
      throw new Error(`${this.node.path}: ${manifest.kind} "${manifest.metadata.name}" is added twice`);
    }
    this.manifests.push(manifest);
  }

  /** The objects added so far. */
  get objects(): readonly KubernetesObject[] {
    return this.manifests;
  }
}

/** The stack's one copy of the manifests chart. */
function manifestsChart(scope: Construct): TerraformAsset {
  const stack = TerraformStack.of(scope);
  const existing = stack.node.tryFindChild(ASSET_ID);
  if (existing instanceof TerraformAsset) return existing;
  return new TerraformAsset(stack, ASSET_ID, { path: MANIFESTS_CHART_DIR, type: AssetType.DIRECTORY });
}
