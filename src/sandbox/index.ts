/**
 * Public API of the embedded VICIdial 2.14 sandbox: a fake
 * non_agent_api.php and admin_url_multi.php over real HTTP, faithful to
 * /work/shared/vicidial-api.md and the recorded transcript.
 */
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
export { startSandbox, API_PATH, ADMIN_PATH } from "./server.js";
export { defaultSeed, seedFromTranscript } from "./seed.js";
