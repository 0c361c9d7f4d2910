/**
 * Public API of the embedded VICIdial 2.14 sandbox: a fake
 * non_agent_api.php and admin_url_multi.php over real HTTP, faithful to
 * VICIdial 2.14's behaviour and the recorded transcripts in test/fixtures/
 * (docs/sandbox.md says what it imitates and what not).
 */

export { defaultSeed } from "./seed.js";
export { ADMIN_PATH, API_PATH, startSandbox } from "./server.js";
export { StateFileError, seedFromTranscript } from "./state-file.js";
export type {
  FaultMode,
  FaultRule,
  Sandbox,
  SandboxAltUrl,
  SandboxCampaign,
  SandboxInboundGroup,
  SandboxList,
  SandboxOptions,
  SandboxRequestRecord,
  SandboxSeed,
  SandboxStats,
  SandboxUrlLogRow,
  SandboxUser,
  SandboxUserGroup,
} from "./types.js";
