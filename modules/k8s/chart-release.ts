import { Lazy, type ITerraformDependable } from "cdktf";
import { Construct } from "constructs";
import type { HelmProvider } from "@cdktf/provider-helm/lib/provider";
import { Release } from "@cdktf/provider-helm/lib/release";
import { stringify } from "yaml";

/** Helm values as typed data; rendered to YAML by {@link renderValues}. */
export type HelmValues = { readonly [key: string]: unknown };

/** A chart in a repository: an https index (`https://...`) or an OCI registry (`oci://...`). */
export interface ChartSource {
  readonly repository: string;
  readonly chart: string;
}

export interface ChartReleaseProps {
  /** Release name (at most 53 characters). */
  readonly name: string;
  /** Namespace the release lives in; pass the Namespace construct's name so the namespace comes first. */
  readonly namespace: string;
  /** Chart and repository. Local charts use {@link ChartReleaseProps.localChartPath} instead. */
  readonly source?: ChartSource;
  /** Path of a chart shipped with the stack (a TerraformAsset). */
  readonly localChartPath?: string;
  /** Exact chart version; required for repository charts, so a re-run never installs another chart. */
  readonly version?: string;
  /**
   * Values, as typed data (never a YAML template). A function is called at synthesis, for values
   * that collect entries after the release is created.
   */
  readonly values: HelmValues | (() => HelmValues);
  /**
   * Install without the chart's `crds/` folder (the CRDs come from their own chart, which Helm
   * upgrades; Helm never upgrades a `crds/` folder).
   * @default false
   */
  readonly skipCrds?: boolean;
  /**
   * Seconds Helm waits for the release's workloads to become ready.
   * @default 600 - long enough for nodes to be launched for the pods
   */
  readonly timeoutSeconds?: number;
  /** Releases or resources that must exist first (CRDs, webhooks, storage). */
  readonly dependsOn?: ITerraformDependable[];
  /** @default the stack's helm provider */
  readonly provider?: HelmProvider;
}

/**
 * A Helm release installed the careful way: exact chart version, values rendered from data,
 * `atomic` (a failed install is removed and a failed upgrade rolled back, with `wait`), resources
 * a failed upgrade created cleaned up, and a bounded release history.
 */
export class ChartRelease extends Construct {
  readonly release: Release;
  /** The rendered values document (holds cdktf tokens until synthesis). */
  readonly valuesYaml: string;

  constructor(scope: Construct, id: string, props: ChartReleaseProps) {
    super(scope, id);
    if ((props.source === undefined) === (props.localChartPath === undefined)) {
      throw new Error(`${this.node.path}: give exactly one of source (a repository chart) or localChartPath`);
    }
    if (props.source && !/^\d+\.\d+\.\d+$/.test(props.version ?? "")) {
      throw new Error(`${this.node.path}: chart ${props.source.chart} needs an exact version like "1.2.3", got "${props.version ?? ""}"`);
    }
    if (props.name.length > 53) throw new Error(`${this.node.path}: release name "${props.name}" is longer than Helm's 53 characters`);
    const values = props.values;
    this.valuesYaml =
      typeof values === "function"
        ? Lazy.stringValue({ produce: () => renderValues(values(), this.node.path) })
        : renderValues(values, this.node.path);
    this.release = new Release(this, "release", {
      provider: props.provider,
      name: props.name,
      namespace: props.namespace,
      createNamespace: false,
      repository: props.source?.repository,
      chart: props.source?.chart ?? props.localChartPath!,
      version: props.version,
      values: [this.valuesYaml],
      skipCrds: props.skipCrds ?? false,
      atomic: true,
      wait: true,
      cleanupOnFail: true,
      maxHistory: 10,
      timeout: props.timeoutSeconds ?? 600,
      dependsOn: props.dependsOn,
    });
  }
}

/** A cdktf string token as it appears before synthesis. */
const TOKEN = /\$\{TfToken\[TOKEN\.\d+\]\}/g;

/**
 * Renders Helm values as YAML: every string double-quoted (a value that only looks like a number
 * or a boolean stays a string, and a Terraform reference resolved inside it stays one scalar), no
 * line folding, no anchors. Terraform interpolates `${...}` and `%{...}` in the JSON it reads, so
 * any such sequence that is not a cdktf token is refused: config text must never become an
 * expression.
 */
export function renderValues(values: unknown, where = "values"): string {
  const text = stringify(values, {
    lineWidth: 0,
    defaultStringType: "QUOTE_DOUBLE",
    defaultKeyType: "PLAIN",
    aliasDuplicateObjects: false,
  });
  const literal = text.replace(TOKEN, "");
  const interpolation = /\$\{|%\{/.exec(literal);
  if (interpolation) {
    const context = literal.slice(Math.max(0, interpolation.index - 30), interpolation.index + 30).replace(/\n/g, " ");
    throw new Error(`${where}: values contain "${interpolation[0]}" (…${context}…), which Terraform would evaluate; remove it from the config`);
  }
  return text;
}
