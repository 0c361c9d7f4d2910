/**
 * What this server says of itself at initialize: its name and version, the
 * capabilities it announces and the instructions for the model. Apart from
 * createServer.ts, which loads the SDK, so the stdio entry can answer
 * initialize before the SDK is loaded (handshake.ts).
 */
import type { Services } from "../domain/runtime.js";

export const SERVER_NAME = "vicidial-alturl-mcp";
export const SERVER_VERSION = "0.1.0";
export const SERVER_INFO = { name: SERVER_NAME, version: SERVER_VERSION, title: "VICIdial Alt URLs" };

/**
 * Declared as the SDK ends up announcing them (McpServer adds listChanged to
 * tools, resources and prompts as it sets up their handlers), so that the
 * early answer to initialize is the SDK's very own (test/stdio-handshake.test.ts).
 */
export const SERVER_CAPABILITIES = {
  tools: { listChanged: true },
  logging: {},
  resources: { listChanged: true },
  prompts: { listChanged: true },
  completions: {},
};

export function serverInstructions(s: Services): string {
  const lines = [
    "Manages VICIdial Alternate Dispo URLs (Alt URLs): web addresses VICIdial itself fetches in the background after an agent dispositions a call (dispo), at call start (start) or when no agent is free (noagent), so a CRM or order system hears about the call. Agents never see them.",
    "Start with list_campaigns, then list_alt_urls. A campaign's Alt URLs only fire when its Dispo Call URL is ALT (enable_alt_url_mode). Every write takes dry_run; set_alt_url matches an existing row by its statuses.",
    "To see what VICIdial really fetched and what the target answered (did the CRM get it?), use list_url_deliveries; the why_didnt_it_fire prompt walks through a missed call.",
    "Users may use a tutorial's words (dispo_code, alt_url, delete_url=Y): they mean statuses, url and delete_alt_url. VICIdial's API reaches campaigns only, not in-groups or lists.",
  ];
  const names = s.systems.names;
  const views = names.map((n) => s.systems.view(n));
  if (names.length > 1) {
    const described = views.map(
      (v) => `${v.name}${[v.default ? " (default)" : "", v.sandbox ? " (sandbox)" : "", v.read_only ? " (read-only)" : ""].join("")}`,
    );
    lines.push(
      `Several VICIdial systems: ${described.join(", ")}. Every tool takes system to say which one; ${s.defaultSystem === null ? "there is no default, so give it on every call" : `without it a call goes to ${s.defaultSystem}`}. list_systems shows each one's address and restrictions. A read-only system refuses writes with READ_ONLY. copy_alt_urls takes from_system and to_system to promote rows tried on one system (e.g. staging) to another (e.g. production).`,
    );
  } else {
    lines.push("list_systems shows the VICIdial system this server manages and its restrictions.");
  }
  if (views.every((v) => v.read_only)) lines.push("Read-only mode: no write tool is available.");
  if (names.length > 1 && views.some((v) => v.sandbox)) {
    const sandboxes = views.filter((v) => v.sandbox).map((v) => v.name);
    lines.push(
      `SANDBOX: ${sandboxes.join(", ")} ${sandboxes.length === 1 ? "is an embedded practice VICIdial" : "are embedded practice VICIdials"}, not a real call centre; results of calls to ${sandboxes.length === 1 ? "it" : "them"} carry sandbox: true.${sandboxes.length < names.length ? " The other systems are real." : ""}`,
    );
  } else if (s.sandbox)
    lines.push(
      "SANDBOX: this server talks to an embedded practice VICIdial, not a real call centre. Every result carries sandbox: true. Nothing done here affects real calls.",
    );
  return lines.join("\n\n");
}
