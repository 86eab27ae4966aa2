import { TerraformStack, type TerraformProvider } from "cdktf";
import type { Construct } from "constructs";
import { VpcSecurityGroupEgressRule } from "@cdktf/provider-aws/lib/vpc-security-group-egress-rule";
import { VpcSecurityGroupIngressRule } from "@cdktf/provider-aws/lib/vpc-security-group-ingress-rule";
import { slug } from "../security/sid";

/**
 * Network access between security groups, written once for both sides.
 *
 * A module that owns a security group exposes it as {@link IConnectable}; a link between two of
 * them is one call on either side, e.g. `aurora.connections.allowDefaultPortFrom(service, ...)`,
 * which writes the ingress rule on the database's group and the egress rule on the service's
 * group (none when the service's group allows all outbound traffic). Rules are
 * `aws_vpc_security_group_{ingress,egress}_rule` resources created as children of the module that
 * owns the group, so their addresses stay with the module.
 */

/** A protocol and port range of a rule. */
export class Port {
  private constructor(
    readonly protocol: "tcp" | "-1",
    readonly fromPort?: number,
    readonly toPort?: number,
  ) {}

  /** One TCP port. */
  static tcp(port: number): Port {
    return Port.tcpRange(port, port);
  }

  /** TCP ports `from` to `to`, both included. */
  static tcpRange(from: number, to: number): Port {
    for (const p of [from, to]) {
      if (!Number.isInteger(p) || p < 0 || p > 65535) throw new Error(`port ${p} is not a whole number from 0 to 65535`);
    }
    if (from > to) throw new Error(`port range ${from}-${to} is reversed`);
    return new Port("tcp", from, to);
  }

  /** Every protocol and port (`ip_protocol = "-1"`). */
  static allTraffic(): Port {
    return new Port("-1");
  }

  /** Whether traffic this port range allows includes everything `other` allows. */
  covers(other: Port): boolean {
    if (this.protocol === "-1") return true;
    return other.protocol === this.protocol && this.fromPort! <= other.fromPort! && other.toPort! <= this.toPort!;
  }

  toString(): string {
    if (this.protocol === "-1") return "all traffic";
    return this.fromPort === this.toPort ? `tcp ${this.fromPort}` : `tcp ${this.fromPort}-${this.toPort}`;
  }
}

/** What one rule names as its other end. */
interface Endpoint {
  /** The block, prefix list or group, for descriptions and messages. */
  readonly label: string;
  readonly attributes: { readonly cidrIpv4?: string; readonly prefixListId?: string; readonly referencedSecurityGroupId?: string };
}

/**
 * The other end of a rule that is not a group of this app's modules: address blocks, a managed
 * prefix list, or a group known only by id. Only this side's rule is written.
 */
export class Peer {
  private constructor(
    /** One rule per endpoint. */
    readonly endpoints: readonly Endpoint[],
    /** Rules are numbered (`<id>-<n>`, description `<description>, <block>`): a list of blocks. */
    readonly numbered: boolean,
  ) {}

  /** One IPv4 block. */
  static ipv4(cidr: string): Peer {
    return new Peer([{ label: cidr, attributes: { cidrIpv4: cidr } }], false);
  }

  /** Every IPv4 address. */
  static anyIpv4(): Peer {
    return Peer.ipv4("0.0.0.0/0");
  }

  /**
   * Several IPv4 blocks (the subnets of a peered VPC): one rule per block, with ids `<id>-0`,
   * `<id>-1`, ... and descriptions `<description>, <block>`.
   */
  static ipv4List(cidrs: readonly string[]): Peer {
    if (cidrs.length === 0) throw new Error("Peer.ipv4List needs at least one block");
    return new Peer(
      cidrs.map((cidr) => ({ label: cidr, attributes: { cidrIpv4: cidr } })),
      true,
    );
  }

  /** A managed prefix list (CloudFront's origin-facing servers). */
  static prefixList(prefixListId: string): Peer {
    return new Peer([{ label: `prefix list ${prefixListId}`, attributes: { prefixListId } }], false);
  }

  /** A security group known only by id; its own rules are someone else's. */
  static securityGroupId(securityGroupId: string): Peer {
    return new Peer([{ label: `security group ${securityGroupId}`, attributes: { referencedSecurityGroupId: securityGroupId } }], false);
  }
}

/** A construct with a security group others connect to, or that connects to others. */
export interface IConnectable {
  readonly connections: Connections;
}

/** How one side's rule is written. */
export interface RuleOptions {
  /**
   * Construct id of the rule (for a list of blocks, of `<id>-<n>`). It is the rule's Terraform
   * address: once applied, it must not change.
   * @default `ingress-<slug of description>` or `egress-<slug of description>`
   */
  readonly id?: string;
  /**
   * The rule's description. For a list of blocks, a text followed by `, <block>`, or a function
   * of the block.
   */
  readonly description: string | ((block: string) => string);
  /**
   * Construct the rule is created under.
   * @default the construct that owns the group (required for a group of another stack or one known by id)
   */
  readonly scope?: Construct;
}

/** This side needs no rule: one of its existing rules, by id, already allows the traffic. */
export interface CoveredRule {
  readonly coveredBy: string;
}

/** The two rules of a link: `ingress` on the receiving group, `egress` on the sending group. */
export interface LinkOptions {
  readonly ingress?: RuleOptions | CoveredRule;
  readonly egress?: RuleOptions | CoveredRule;
}

export interface ConnectionsProps {
  /** The group whose rules this object writes. */
  readonly securityGroup: { readonly id: string };
  /**
   * Construct the group's rules are created under.
   * @default the group's parent construct (the module that created it); none for a group known by id
   */
  readonly scope?: Construct;
  /** Provider of the group's account and region. @default the stack's default provider */
  readonly provider?: TerraformProvider;
  /** Port others connect to by default (a database's). @default none */
  readonly defaultPort?: Port;
  /**
   * Writes the rule that lets the group send anything anywhere (EKS nodes and pods); links from
   * this group then need no egress rule of their own.
   * @default - egress only through the rules written here
   */
  readonly allowAllOutbound?: RuleOptions;
}

/** The rules one call wrote. */
export interface SecurityGroupRules {
  readonly ingress: VpcSecurityGroupIngressRule[];
  readonly egress: VpcSecurityGroupEgressRule[];
}

type Direction = "ingress" | "egress";

interface WrittenRule {
  readonly direction: Direction;
  readonly path: string;
  /** The id given (without the `-<n>` of a list). */
  readonly baseId: string;
  readonly description: string;
  readonly port: Port;
  /** The other end: a group of this app, or the endpoint's label. */
  readonly peer: Connections | string;
}

/**
 * The rules of one security group. Writing a link (`allowFrom`, `allowTo`, ...) with another
 * {@link IConnectable} writes both rules; with a {@link Peer}, only this group's. A rule id or a
 * (direction, port, peer) written twice is refused: AWS rejects identical rules, and a second id
 * would be a second address for the same access.
 */
export class Connections implements IConnectable {
  readonly connections: Connections = this;
  readonly securityGroup: { readonly id: string };
  readonly defaultPort?: Port;
  private readonly scope?: Construct;
  private readonly provider?: TerraformProvider;
  private readonly rules: WrittenRule[] = [];
  private allOutbound = false;

  constructor(props: ConnectionsProps) {
    this.securityGroup = props.securityGroup;
    this.scope = props.scope ?? parentOf(props.securityGroup);
    this.provider = props.provider;
    this.defaultPort = props.defaultPort;
    if (props.allowAllOutbound) {
      this.allowTo(Peer.anyIpv4(), Port.allTraffic(), { egress: props.allowAllOutbound });
      this.allOutbound = true;
    }
  }

  /** Whether the group sends anything anywhere, so links from it write no egress rule. */
  get allowsAllOutbound(): boolean {
    return this.allOutbound;
  }

  /** Lets `other` connect to this group on `port`. A string is the description of both rules. */
  allowFrom(other: IConnectable | Peer, port: Port, options: string | LinkOptions): SecurityGroupRules {
    return Connections.link(other instanceof Peer ? other : other.connections, this, port, options);
  }

  /** Lets this group connect to `other` on `port`. A string is the description of both rules. */
  allowTo(other: IConnectable | Peer, port: Port, options: string | LinkOptions): SecurityGroupRules {
    return Connections.link(this, other instanceof Peer ? other : other.connections, port, options);
  }

  /** Lets `other` connect to this group on its default port. */
  allowDefaultPortFrom(other: IConnectable | Peer, options: string | LinkOptions): SecurityGroupRules {
    return this.allowFrom(other, this.requireDefaultPort("allowDefaultPortFrom"), options);
  }

  /** Lets this group connect to `other` on this group's default port. */
  allowDefaultPortTo(other: IConnectable | Peer, options: string | LinkOptions): SecurityGroupRules {
    return this.allowTo(other, this.requireDefaultPort("allowDefaultPortTo"), options);
  }

  /** Lets this group connect to `other` on the other's default port (a database's). */
  allowToDefaultPort(other: IConnectable, options: string | LinkOptions): SecurityGroupRules {
    return this.allowTo(other, other.connections.requireDefaultPort("allowToDefaultPort"), options);
  }

  /** Lets members of this group connect to each other on `port`. */
  allowInternally(port: Port, options: string | LinkOptions): SecurityGroupRules {
    return Connections.link(this, this, port, options);
  }

  /** Where this group's rules live, for messages. */
  toString(): string {
    return this.scope ? this.scope.node.path : `security group ${this.securityGroup.id}`;
  }

  private requireDefaultPort(method: string): Port {
    if (!this.defaultPort) throw new Error(`${this}: ${method} needs a default port, and this group has none; give the port with allowFrom/allowTo`);
    return this.defaultPort;
  }

  /** Confirms that rule `id` of this group already allows `port` (a {@link CoveredRule}). */
  private assertCovered(direction: Direction, id: string, port: Port): void {
    const rule = this.rules.find((r) => r.direction === direction && r.baseId === id);
    if (!rule) {
      throw new Error(`${this}: no ${direction} rule "${id}" to cover ${port}; write the rule first, or let the link write its own ${direction} rule`);
    }
    if (!rule.port.covers(port)) {
      throw new Error(`${this}: ${direction} rule "${id}" allows ${rule.port}, which does not cover ${port}; let the link write its own ${direction} rule`);
    }
  }

  /**
   * Checks this group's rule(s) of a link with `peer` and returns what writes them: the one place
   * rules are created. Nothing is written until both sides of a link are checked.
   */
  private planRules<D extends Direction>(direction: D, peer: Connections | Peer, port: Port, options: RuleOptions): () => RuleOf<D>[] {
    const scope = options.scope ?? this.scope;
    if (!scope) {
      throw new Error(`${this}: the group is known only by id, so its ${direction} rule needs a scope (${direction}.scope): the construct the rule lives and dies with`);
    }
    if (!options.scope && peer instanceof Connections && peer.scope && TerraformStack.of(peer.scope) !== TerraformStack.of(scope)) {
      throw new Error(
        `${this}: a ${direction} rule for ${peer} would be written into stack "${TerraformStack.of(scope).node.id}" from stack "${TerraformStack.of(peer.scope).node.id}", ` +
          `making each stack depend on the other; give ${direction}.scope, a construct of the stack the rule should live and die with`,
      );
    }
    const endpoints: readonly Endpoint[] =
      peer instanceof Connections ? [{ label: String(peer), attributes: { referencedSecurityGroupId: peer.securityGroup.id } }] : peer.endpoints;
    const numbered = peer instanceof Peer && peer.numbered;
    if (options.id === undefined && typeof options.description !== "string") {
      throw new Error(`${this}: a ${direction} rule with a description function needs an id`);
    }
    const baseId = options.id ?? `${direction}-${slug(options.description as string)}`;
    const pending: WrittenRule[] = [];
    const planned = endpoints.map((endpoint, i) => {
      const id = numbered ? `${baseId}-${i}` : baseId;
      const d = options.description;
      const description = typeof d === "function" ? d(endpoint.label) : numbered ? `${d}, ${endpoint.label}` : d;
      const peerKey = peer instanceof Connections ? peer : JSON.stringify(endpoint.attributes);
      const path = `${scope.node.path}/${id}`;
      const written = [...this.rules, ...pending];
      const sameId = written.find((r) => r.path === path);
      if (sameId || scope.node.tryFindChild(id)) {
        throw new Error(
          `${scope.node.path}: ${direction} rule "${id}" ("${sameId?.description ?? description}") was already granted; ` +
            `each link is written once: drop the repeated call, or give this rule its own description or id`,
        );
      }
      const same = written.find((r) => r.direction === direction && r.peer === peerKey && r.port.toString() === port.toString());
      if (same) {
        throw new Error(
          `${this}: ${direction} ${port} ${direction === "ingress" ? "from" : "to"} ${endpoint.label} was already granted as "${same.path}"; ` +
            `AWS refuses identical rules: drop the repeated call`,
        );
      }
      const rule: WrittenRule = { direction, path, baseId, description, port, peer: peerKey };
      pending.push(rule);
      return { id, description, endpoint, rule };
    });
    return () =>
      planned.map(({ id, description, endpoint, rule }) => {
        this.rules.push(rule);
        const config = {
          securityGroupId: this.securityGroup.id,
          description,
          ipProtocol: port.protocol,
          fromPort: port.fromPort,
          toPort: port.toPort,
          ...endpoint.attributes,
          provider: this.provider,
        };
        return (direction === "ingress" ? new VpcSecurityGroupIngressRule(scope, id, config) : new VpcSecurityGroupEgressRule(scope, id, config)) as RuleOf<D>;
      });
  }

  /** Writes the rules of traffic from `source` to `target`: ingress on the target's group, egress on the source's. */
  private static link(source: Connections | Peer, target: Connections | Peer, port: Port, options: string | LinkOptions): SecurityGroupRules {
    if (source instanceof Peer && target instanceof Peer) throw new Error("a link needs a security group on at least one side");
    const o: LinkOptions = typeof options === "string" ? { ingress: { description: options }, egress: { description: options } } : options;
    let writeIngress = (): VpcSecurityGroupIngressRule[] => [];
    let writeEgress = (): VpcSecurityGroupEgressRule[] => [];
    if (target instanceof Connections) {
      const ingress = o.ingress;
      if (!ingress) throw new Error(`${target}: allowing ${port} from ${source instanceof Connections ? source : "a peer"} needs ingress options (at least a description)`);
      if ("coveredBy" in ingress) target.assertCovered("ingress", ingress.coveredBy, port);
      else writeIngress = target.planRules("ingress", source, port, ingress);
    }
    if (source instanceof Connections) {
      const egress = o.egress;
      if (source.allOutbound) {
        if (egress && !("coveredBy" in egress) && typeof options !== "string") {
          throw new Error(`${source}: the group allows all outbound traffic, so the link writes no egress rule; drop the egress options`);
        }
      } else if (!egress) {
        throw new Error(`${source}: allowing ${port} to ${target instanceof Connections ? target : "a peer"} needs egress options (at least a description)`);
      } else if ("coveredBy" in egress) {
        source.assertCovered("egress", egress.coveredBy, port);
      } else {
        writeEgress = source.planRules("egress", target, port, egress);
      }
    }
    return { ingress: writeIngress(), egress: writeEgress() };
  }
}

type RuleOf<D extends Direction> = D extends "ingress" ? VpcSecurityGroupIngressRule : VpcSecurityGroupEgressRule;

function parentOf(securityGroup: { readonly id: string }): Construct | undefined {
  const node = (securityGroup as { node?: { scope?: Construct } }).node;
  return node?.scope;
}
