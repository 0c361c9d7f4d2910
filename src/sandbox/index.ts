/**
 * Public API of the embedded VICIdial 2.14 sandbox: a fake
 * non_agent_api.php and admin_url_multi.php over real HTTP, faithful to
 * VICIdial 2.14 behaviour (docs/vicidial-behaviour.md) and the recorded transcripts.
 */

export { defaultSeed, seedFromTranscript } from "./seed.js";
export { ADMIN_PATH, API_PATH, startSandbox } from "./server.js";
export type {
  FaultMode,
  FaultRule,
  Sandbox,
  SandboxAltUrl,
  SandboxCampaign,
  SandboxInboundGroup,
  SandboxOptions,
  SandboxRequestRecord,
  SandboxSeed,
  SandboxStats,
  SandboxUser,
  SandboxUserGroup,
} from "./types.js";
