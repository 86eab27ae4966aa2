/**
 * What a rehearsal is about and what it reports, shared by the runner (rehearsal.ts) and the
 * scenarios that judge its report (scenarios.ts).
 */
import type { ExecutionResult } from "./asl-runner";

/** The event whose lifecycle is rehearsed: its sale window (epoch ms), time zone and key block. */
export interface RehearsalEvent {
  readonly slug: string;
  readonly zone: string;
  readonly opensAt: number;
  readonly closesAt: number;
  readonly keyBlock: { readonly first: number; readonly last: number };
}

export interface RehearsalReport {
  readonly scenario: string;
  readonly executions: readonly ExecutionResult[];
  /** StartExecution calls refused because an execution of that name exists. */
  readonly refusedStarts: number;
  readonly ordersWritten: number;
  /** Event orders (keys in the block) in the event database and in prod at the end. */
  readonly eventRows: number;
  readonly prodRows: number;
  readonly ordersLostWithQueues: number;
  readonly destroyed: boolean;
  readonly applyRuns: number;
  readonly destroyRuns: number;
  /** Slack messages and alert-topic messages. */
  readonly slack: readonly string[];
  readonly alerts: readonly string[];
  readonly timeline: readonly string[];
  /** Problems with the scenario's expectation; empty when it passed. */
  readonly problems: readonly string[];
  readonly wallMs: number;
}
