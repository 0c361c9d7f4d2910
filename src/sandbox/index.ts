/**
 * Public API of the embedded VICIdial 2.14 sandbox: a fake
 * non_agent_api.php, admin_url_multi.php and AST_url_log_report.php over
 * real HTTP, faithful to VICIdial 2.14's behaviour and the recorded
 * transcripts in test/fixtures/, plus the sandbox's own dispo-firing
 * controls (docs/sandbox.md and docs/sandbox-report.md say what it imitates
 * and what not).
 */

export { DEFAULT_UTC_OFFSET_HOURS } from "./clock.js";
export { FIRE_DISPOSITION_PATH, RUN_URLS_PATH } from "./control.js";
export { FireInputError } from "./firing.js";
export type {
  FetchedUrl,
  FireDispositionInput,
  FireDispositionResult,
  FiringSetting,
  QueuedUrl,
  SkippedAltUrl,
  TemplateValue,
} from "./firing-types.js";
export { REPORT_PATH } from "./report-query.js";
export { type DefaultSeedOptions, defaultSeed } from "./seed.js";
export { ADMIN_PATH, API_PATH, startSandbox } from "./server.js";
export { StateFileError, seedFromTranscript } from "./state-file.js";
export type {
  FaultMode,
  FaultRule,
  NewUrlLogRow,
  Sandbox,
  SandboxAltUrl,
  SandboxCampaign,
  SandboxInboundGroup,
  SandboxList,
  SandboxOptions,
  SandboxReportLogRow,
  SandboxRequestRecord,
  SandboxSeed,
  SandboxStats,
  SandboxUrlLogRow,
  SandboxUser,
  SandboxUserGroup,
} from "./types.js";
