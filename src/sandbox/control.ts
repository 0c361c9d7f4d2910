/**
 * The sandbox's own control endpoints (not VICIdial's), under /sandbox/:
 *
 *   POST /sandbox/fire-disposition   a FireDispositionInput as JSON
 *   POST /sandbox/run-urls           {"url_log_ids": [..], "fetch_timeout_ms"?: n}
 *
 * They make the sandbox fetch URLs, so they answer only callers on the
 * loopback interface, whatever address the sandbox listens on.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import { FireInputError, type FiringContext, fireDisposition, runUrls } from "./firing.js";
import type { FireDispositionInput, TemplateValue } from "./firing-types.js";

export const CONTROL_PREFIX = "/sandbox/";
export const FIRE_DISPOSITION_PATH = "/sandbox/fire-disposition";
export const RUN_URLS_PATH = "/sandbox/run-urls";

/** How to use the controls, for the CLI's help and banner. */
export function controlHelp(webRoot: string): string {
  return [
    "Sandbox controls (loopback only, not part of VICIdial):",
    `  POST ${webRoot}${FIRE_DISPOSITION_PATH}`,
    "    fires the Alt URLs of a simulated disposition as VICIdial does: queues a vicidial_url_log row",
    "    per matching URL, then fetches them one after another (60 s limit each) and answers with the",
    "    result as JSON. Body: {campaign_id, status, lead: {lead_id, list_id, ...template variables},",
    "    talk_sec, dead_sec?, ingroup_id?, callback?, browser_fetches? (false: queue only), uniqueid?,",
    "    fetch_timeout_ms?}. The sandbox fetches nothing unless told to here.",
    `  POST ${webRoot}${RUN_URLS_PATH}`,
    '    fetches queued log rows again, in order (the agent browser\'s second request): {"url_log_ids": [1, 2]}',
    "",
  ].join("\n");
}

function isLoopback(address: string | undefined): boolean {
  const a = (address ?? "").replace(/^::ffff:/, "");
  return a === "::1" || /^127\./.test(a);
}

function sendJson(res: ServerResponse, status: number, value: unknown, extra: Record<string, string> = {}): void {
  if (res.destroyed || res.headersSent) return;
  const body = Buffer.from(`${JSON.stringify(value, null, 2)}\n`, "utf8");
  res.writeHead(status, { "Content-Type": "application/json; charset=utf-8", "Content-Length": String(body.length), ...extra });
  res.end(body);
}

const FIRE_FIELDS = new Set([
  "campaign_id",
  "ingroup_id",
  "status",
  "lead",
  "talk_sec",
  "dead_sec",
  "callback",
  "browser_fetches",
  "uniqueid",
  "fetch_timeout_ms",
]);

function check(ok: boolean, field: string, message: string): void {
  if (!ok) throw new FireInputError(field, message);
}

/** Checks the JSON body's shape; the simulator checks the rest (campaign exists, numbers not negative). */
export function fireInputFromJson(value: unknown): FireDispositionInput {
  check(!!value && typeof value === "object" && !Array.isArray(value), "body", "must be a JSON object");
  const o = value as Record<string, unknown>;
  for (const key of Object.keys(o)) check(FIRE_FIELDS.has(key), key, `unknown field (expected one of ${[...FIRE_FIELDS].join(", ")})`);
  const optionalString = (key: string) => check(o[key] === undefined || typeof o[key] === "string", key, "must be a string");
  const optionalBoolean = (key: string) => check(o[key] === undefined || typeof o[key] === "boolean", key, "must be true or false");
  const optionalNumber = (key: string) => check(o[key] === undefined || typeof o[key] === "number", key, "must be a number");
  check(typeof o.campaign_id === "string", "campaign_id", "required, a string");
  check(typeof o.status === "string", "status", "required, a string");
  optionalString("ingroup_id");
  optionalString("uniqueid");
  optionalBoolean("callback");
  optionalBoolean("browser_fetches");
  check(typeof o.talk_sec === "number", "talk_sec", "required, a number");
  optionalNumber("dead_sec");
  optionalNumber("fetch_timeout_ms");
  const lead = o.lead;
  check(!!lead && typeof lead === "object" && !Array.isArray(lead), "lead", "required, an object with lead_id and list_id");
  for (const [name, v] of Object.entries(lead as Record<string, unknown>)) {
    check(v === null || ["string", "number", "boolean"].includes(typeof v), `lead.${name}`, "must be a string, number, boolean or null");
  }
  return o as unknown as FireDispositionInput & { lead: Record<string, TemplateValue> };
}

function urlLogIdsFromJson(value: unknown): { ids: number[]; timeoutMs?: number } {
  check(!!value && typeof value === "object" && !Array.isArray(value), "body", "must be a JSON object");
  const o = value as Record<string, unknown>;
  const ids = o.url_log_ids;
  check(Array.isArray(ids) && ids.every((id) => Number.isInteger(id) && (id as number) > 0), "url_log_ids", "required, positive integers");
  const timeout = o.fetch_timeout_ms;
  check(timeout === undefined || (typeof timeout === "number" && timeout >= 0), "fetch_timeout_ms", "must be a number, 0 or more");
  return { ids: ids as number[], ...(typeof timeout === "number" ? { timeoutMs: timeout } : {}) };
}

/** Answers one request under /sandbox/. */
export async function handleControl(
  req: IncomingMessage,
  res: ServerResponse,
  path: string,
  body: Buffer,
  ctx: FiringContext,
): Promise<void> {
  if (!isLoopback(req.socket.remoteAddress)) {
    return sendJson(res, 403, { error: "sandbox controls answer only on the loopback interface" });
  }
  if (path !== FIRE_DISPOSITION_PATH && path !== RUN_URLS_PATH) {
    return sendJson(res, 404, { error: `no such sandbox control; try POST ${FIRE_DISPOSITION_PATH} or POST ${RUN_URLS_PATH}` });
  }
  if (req.method !== "POST") return sendJson(res, 405, { error: "use POST with a JSON body" }, { Allow: "POST" });
  let parsed: unknown;
  try {
    parsed = JSON.parse(body.toString("utf8"));
  } catch {
    return sendJson(res, 400, { error: "the body is not JSON", field: "body" });
  }
  try {
    if (path === FIRE_DISPOSITION_PATH) return sendJson(res, 200, await fireDisposition(ctx, fireInputFromJson(parsed)));
    const { ids, timeoutMs } = urlLogIdsFromJson(parsed);
    return sendJson(res, 200, { fetched: await runUrls(ctx, ids, timeoutMs) });
  } catch (err) {
    if (err instanceof FireInputError) return sendJson(res, 400, { error: err.message, field: err.field });
    return sendJson(res, 500, { error: err instanceof Error ? err.message : String(err) });
  }
}
