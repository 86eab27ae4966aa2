/**
 * One token resolution per element instead of three.
 *
 * cdktf 0.21 resolves every element of every stack twice, and the merged document a third time:
 * `App.synth()` first calls `prepareStack()` on every stack, which resolves each element's
 * configuration only for its side effects (a reference to another stack's resource registers the
 * cross-stack output and remote-state read) and throws the result away; each stack's
 * `toTerraform()` then resolves each element again, merges the fragments, and resolves the merged
 * document once more. Resolution walks every value and regex-tests every string, and with fifty
 * event stacks of ~200 resources it was most of the synthesis time.
 *
 * Here the preparing pass keeps what each element resolved to, with a fingerprint of the
 * element's unresolved configuration, and the synthesis pass reuses it when the fingerprint is
 * unchanged. A reference resolves to the same text in both passes (the preparing pass registers
 * the cross-stack read first, then returns the reference through it), so the reused fragment is
 * what a second resolution would produce. What runs between the passes can only add elements
 * (cross-stack outputs and remote-state reads, which were not prepared and are resolved normally)
 * or change an element's configuration through an Aspect (its fingerprint changes, so it is
 * resolved again). The merged document is resolved a third time only when the stack carries
 * stack-level overrides, the one part that was never resolved. A test synthesizes the whole app
 * both ways and compares every file.
 *
 * The functions copy cdktf 0.21's `TerraformStack.prepareStack()` and `toTerraform()` (cdktf is
 * pinned and archived upstream). AwsStack overrides its two methods with these while the cdktf
 * workarounds are on; with the switch off (./index.ts) stacks run cdktf's own.
 */
import { Aspects, DefaultTokenResolver, StringConcat, TerraformElement, TerraformOutput, TerraformStack, Tokenization, type IAspect } from "cdktf";
import { deepMerge } from "cdktf/lib/util";
import type { IConstruct } from "constructs";

const RESOLVER = new DefaultTokenResolver(new StringConcat());

interface Prepared {
  readonly fingerprint: string;
  readonly resolved: unknown;
}

/** What a stack's preparing pass resolved, per element; consumed by its synthesis. */
export class PreparedResolution {
  private readonly prepared = new Map<TerraformElement, Prepared>();

  constructor(private readonly stack: TerraformStack) {}

  /** cdktf's `prepareStack()`, keeping each element's resolved configuration. */
  prepare(): void {
    this.stack.ensureBackendExists();
    this.prepared.clear();
    // Aspects run after this pass. One that only edits elements changes their fingerprint; one
    // that could change what a Lazy value produces would not, so with any Aspect but the known
    // ones nothing is kept and every element is resolved again, as cdktf does.
    const keep = onlyKnownAspects(this.stack);
    for (const element of terraformElements(this.stack)) {
      const raw = element.toTerraform();
      const resolved = resolve(this.stack, raw, true);
      const fingerprint = keep ? fingerprintOf(raw) : undefined;
      if (fingerprint !== undefined) this.prepared.set(element, { fingerprint, resolved });
    }
  }

  /** cdktf's `TerraformStack.toTerraform()`, reusing the prepared fragments that still apply. */
  toTerraform(): unknown {
    const stack = this.stack;
    const { rawOverrides, cdktfVersion } = internalsOf(stack);
    const tf: Record<string, unknown> = {};
    const metadata: Record<string, unknown> = {
      version: cdktfVersion,
      stackName: stack.node.id,
      backend: "local",
      cloud: undefined,
      ...(Object.keys(rawOverrides).length > 0 ? { overrides: { stack: Object.keys(rawOverrides) } } : {}),
    };
    const elements = terraformElements(stack);
    for (const meta of elements.map((e) => resolve(stack, e.toMetadata()))) deepMerge(metadata, meta);
    const outputs = elements.reduce<Record<string, unknown>>((carry, item) => {
      if (!TerraformOutput.isTerraformOutput(item)) return carry;
      deepMerge(
        carry,
        item.node.path.split("/").reduceRight<Record<string, unknown>>((inner, part) => (Object.keys(inner).length === 0 ? { [part]: item.friendlyUniqueId } : { [part]: inner }), {}),
      );
      return carry;
    }, {});
    tf["//"] = { metadata, outputs };
    for (const element of elements) {
      const raw = element.toTerraform();
      const prepared = this.prepared.get(element);
      const reusable = prepared !== undefined && fingerprintOf(raw) === prepared.fingerprint;
      deepMerge(tf, reusable ? prepared.resolved : resolve(stack, raw));
    }
    this.prepared.clear();
    deepMerge(tf, rawOverrides);
    // Every fragment is resolved already; only stack-level overrides can still hold tokens.
    return Object.keys(rawOverrides).length > 0 ? resolve(stack, tf) : tf;
  }
}

/** The two private fields of cdktf's TerraformStack that its `toTerraform()` reads; a test pins them. */
function internalsOf(stack: TerraformStack): { rawOverrides: Record<string, unknown>; cdktfVersion: string } {
  const fields = stack as unknown as { rawOverrides?: Record<string, unknown>; cdktfVersion?: string };
  if (typeof fields.rawOverrides !== "object" || fields.rawOverrides === null || typeof fields.cdktfVersion !== "string") {
    throw new Error("cdktf's TerraformStack no longer has rawOverrides and cdktfVersion; update src/core/cdktf-workarounds/prepared-resolution.ts");
  }
  return { rawOverrides: fields.rawOverrides, cdktfVersion: fields.cdktfVersion };
}

function resolve(scope: IConstruct, obj: unknown, preparing = false): unknown {
  return Tokenization.resolve(obj, { scope, preparing, resolver: RESOLVER });
}

/**
 * The unresolved configuration as text: tokens appear as their placeholders, so any change of a
 * literal or of which token sits where shows. Undefined when it cannot be written as JSON (a
 * resolvable object with cycles); that element is then simply resolved again.
 */
function fingerprintOf(raw: unknown): string | undefined {
  try {
    return JSON.stringify(raw);
  } catch {
    return undefined;
  }
}

/**
 * Aspects whose effect a fingerprint sees: they edit the configuration of the element they visit
 * and nothing else. Registered by the modules that define them.
 */
const KNOWN_ASPECTS = new Set<new (...args: never[]) => IAspect>();

/** Declares an Aspect class safe for prepared resolution (it edits only the elements it visits). */
export function registerElementEditingAspect(aspect: new (...args: never[]) => IAspect): void {
  KNOWN_ASPECTS.add(aspect);
}

function onlyKnownAspects(stack: TerraformStack): boolean {
  return stack.node.findAll().every((c) => Aspects.of(c).all.every((a) => [...KNOWN_ASPECTS].some((known) => a instanceof known)));
}

/** cdktf's element walk: every TerraformElement of the stack, not descending into nested stacks. */
function terraformElements(node: IConstruct, into: TerraformElement[] = []): TerraformElement[] {
  if (TerraformElement.isTerraformElement(node)) into.push(node);
  for (const child of node.node.children) {
    if (TerraformStack.isStack(child)) continue;
    terraformElements(child, into);
  }
  return into;
}
