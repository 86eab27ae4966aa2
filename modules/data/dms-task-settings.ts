/**
 * DMS replication task settings, written out in full rather than left to defaults: the API's
 * defaults drop target tables and log-and-continue on data errors, which in a task writing into
 * the prod database means silent data loss. docs/event-environments.md, "DMS safety settings, and
 * why", explains each choice.
 */

export type DmsLobMode = "none" | "limited" | "full";

export interface DmsTaskSettingsInput {
  /**
   * LOB columns: `none` skips them, `limited` copies up to `lobMaxSizeKb` (truncation is caught by
   * validation), `full` copies every LOB in `lobChunkSizeKb` chunks.
   */
  readonly lobMode: DmsLobMode;
  /** Largest LOB copied in `limited` mode (KB). */
  readonly lobMaxSizeKb: number;
  /** Chunk size in `full` mode (KB). */
  readonly lobChunkSizeKb: number;
  /** Rows that may fail validation before validation of the task is suspended. */
  readonly validationFailureMaxCount: number;
  /** Validation threads. */
  readonly validationThreadCount: number;
}

type Policy = "STOP_TASK";
type LogSeverity = "LOGGER_SEVERITY_DEFAULT" | "LOGGER_SEVERITY_DEBUG";

/** The subset of the task-settings document this project sets; every field is written. */
export interface DmsTaskSettings {
  readonly TargetMetadata: {
    readonly TargetSchema: string;
    readonly SupportLobs: boolean;
    readonly FullLobMode: boolean;
    readonly LobChunkSize: number;
    readonly LimitedSizeLobMode: boolean;
    readonly LobMaxSize: number;
    readonly InlineLobMaxSize: number;
    readonly BatchApplyEnabled: boolean;
  };
  readonly FullLoadSettings: {
    readonly TargetTablePrepMode: "DO_NOTHING";
    readonly CreatePkAfterFullLoad: boolean;
    readonly StopTaskCachedChangesApplied: boolean;
    readonly StopTaskCachedChangesNotApplied: boolean;
    readonly MaxFullLoadSubTasks: number;
    readonly TransactionConsistencyTimeout: number;
    readonly CommitRate: number;
  };
  readonly ValidationSettings: {
    readonly EnableValidation: true;
    readonly ValidationMode: "ROW_LEVEL";
    readonly ThreadCount: number;
    readonly FailureMaxCount: number;
    readonly TableFailureMaxCount: number;
    readonly HandleCollationDiff: boolean;
    readonly SkipLobColumns: boolean;
    readonly ValidationPartialLobSize: number;
    readonly ValidationOnly: boolean;
  };
  readonly ErrorBehavior: {
    readonly DataErrorPolicy: Policy;
    readonly DataTruncationErrorPolicy: Policy;
    readonly DataErrorEscalationPolicy: Policy;
    readonly DataErrorEscalationCount: number;
    readonly TableErrorPolicy: Policy;
    readonly TableErrorEscalationPolicy: Policy;
    readonly TableErrorEscalationCount: number;
    readonly ApplyErrorDeletePolicy: Policy;
    readonly ApplyErrorInsertPolicy: Policy;
    readonly ApplyErrorUpdatePolicy: Policy;
    readonly ApplyErrorEscalationPolicy: Policy;
    readonly ApplyErrorEscalationCount: number;
    readonly ApplyErrorFailOnTruncationDdl: boolean;
    readonly FailOnNoTablesCaptured: boolean;
    readonly FullLoadIgnoreConflicts: boolean;
    readonly EventErrorPolicy: "IGNORE";
    readonly RecoverableErrorCount: number;
    readonly RecoverableErrorInterval: number;
    readonly RecoverableErrorThrottling: boolean;
    readonly RecoverableErrorThrottlingMax: number;
  };
  readonly ChangeProcessingDdlHandlingPolicy: {
    readonly HandleSourceTableDropped: boolean;
    readonly HandleSourceTableTruncated: boolean;
    readonly HandleSourceTableAltered: boolean;
  };
  readonly ControlTablesSettings: {
    readonly ControlSchema: string;
  };
  readonly Logging: {
    readonly EnableLogging: true;
    readonly LogComponents: readonly { readonly Id: string; readonly Severity: LogSeverity }[];
  };
}

/** Log components written at default severity: the ones that explain a stopped task. */
export const DMS_LOG_COMPONENTS = [
  "SOURCE_UNLOAD",
  "SOURCE_CAPTURE",
  "TARGET_LOAD",
  "TARGET_APPLY",
  "TASK_MANAGER",
  "TABLES_MANAGER",
  "VALIDATOR_EXT",
] as const;

/** Schema on the prod database that holds DMS's control and validation-failure tables. */
export const DMS_CONTROL_SCHEMA = "awsdms_control";

export function buildTaskSettings(input: DmsTaskSettingsInput): DmsTaskSettings {
  if (input.lobMode === "limited" && !(input.lobMaxSizeKb > 0)) throw new Error("lobMaxSizeKb must be greater than 0 in limited LOB mode");
  if (input.lobMode === "full" && !(input.lobChunkSizeKb > 0)) throw new Error("lobChunkSizeKb must be greater than 0 in full LOB mode");
  const lobs = input.lobMode !== "none";
  return {
    TargetMetadata: {
      // Empty for MySQL-type targets: the schema rename rules of the table mappings name the prod schema.
      TargetSchema: "",
      SupportLobs: lobs,
      FullLobMode: input.lobMode === "full",
      LobChunkSize: input.lobMode === "full" ? input.lobChunkSizeKb : 0,
      LimitedSizeLobMode: input.lobMode === "limited",
      LobMaxSize: input.lobMode === "limited" ? input.lobMaxSizeKb : 0,
      InlineLobMaxSize: 0,
      // One transaction at a time, in commit order: the error policies below apply per change.
      BatchApplyEnabled: false,
    },
    FullLoadSettings: {
      // The API default (DROP_AND_CREATE) would drop the prod tables.
      TargetTablePrepMode: "DO_NOTHING",
      CreatePkAfterFullLoad: false,
      StopTaskCachedChangesApplied: false,
      StopTaskCachedChangesNotApplied: false,
      MaxFullLoadSubTasks: 8,
      TransactionConsistencyTimeout: 600,
      CommitRate: 10000,
    },
    ValidationSettings: {
      EnableValidation: true,
      ValidationMode: "ROW_LEVEL",
      ThreadCount: input.validationThreadCount,
      FailureMaxCount: input.validationFailureMaxCount,
      TableFailureMaxCount: input.validationFailureMaxCount,
      HandleCollationDiff: false,
      SkipLobColumns: false,
      ValidationPartialLobSize: 0,
      ValidationOnly: false,
    },
    ErrorBehavior: {
      DataErrorPolicy: "STOP_TASK",
      DataTruncationErrorPolicy: "STOP_TASK",
      DataErrorEscalationPolicy: "STOP_TASK",
      DataErrorEscalationCount: 0,
      TableErrorPolicy: "STOP_TASK",
      TableErrorEscalationPolicy: "STOP_TASK",
      TableErrorEscalationCount: 0,
      ApplyErrorDeletePolicy: "STOP_TASK",
      ApplyErrorInsertPolicy: "STOP_TASK",
      ApplyErrorUpdatePolicy: "STOP_TASK",
      ApplyErrorEscalationPolicy: "STOP_TASK",
      ApplyErrorEscalationCount: 0,
      ApplyErrorFailOnTruncationDdl: true,
      FailOnNoTablesCaptured: true,
      // Changes cached during the full load may repeat rows the load already copied; ignoring
      // those duplicates is how DMS merges the two, and validation compares the result.
      FullLoadIgnoreConflicts: true,
      // A notification that cannot be sent loses no data; stopping replication for it would.
      EventErrorPolicy: "IGNORE",
      // Connection drops (a prod failover) are retried from the checkpoint, backing off to 30 minutes.
      RecoverableErrorCount: -1,
      RecoverableErrorInterval: 5,
      RecoverableErrorThrottling: true,
      RecoverableErrorThrottlingMax: 1800,
    },
    // DDL on an event table never reaches prod: the prod tables are shared with everything else.
    ChangeProcessingDdlHandlingPolicy: {
      HandleSourceTableDropped: false,
      HandleSourceTableTruncated: false,
      HandleSourceTableAltered: false,
    },
    ControlTablesSettings: { ControlSchema: DMS_CONTROL_SCHEMA },
    Logging: {
      EnableLogging: true,
      LogComponents: DMS_LOG_COMPONENTS.map((Id) => ({ Id, Severity: "LOGGER_SEVERITY_DEFAULT" as const })),
    },
  };
}
