/**
 * A sandbox user with every right the server's tools need (level 9, ADMIN,
 * API access, campaign changes, reports, all API functions); a test names
 * the user and password and switches off what it is about.
 */
import type { SandboxUser } from "../../src/sandbox/types.js";

export const adminUser = (u: Partial<SandboxUser> & Pick<SandboxUser, "user" | "pass">): SandboxUser => ({
  user_level: 9,
  user_group: "ADMIN",
  active: "Y",
  vdc_agent_api_access: 1,
  modify_campaigns: 1,
  view_reports: 1,
  api_allowed_functions: " ALL_FUNCTIONS ",
  ...u,
});
