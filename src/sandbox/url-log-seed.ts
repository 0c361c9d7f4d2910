/**
 * The default seed's deliveries: three days of vicidial_url_log rows (the
 * day before yesterday, yesterday and today, relative to the sandbox's
 * start) covering every outcome the URL Log Report can show. Each dispo URL
 * is an Alt URL row's own template filled in, as the simulator would fill
 * it, so the rows can be matched back to the Alt URL that produced them;
 * only the plain-URL, start, no-agent and retired-hook rows match none.
 */
import { localDateTime, startOfLocalDay } from "./clock.js";
import { dispoResponseText } from "./firing.js";
import type { FileOutcome } from "./php-file.js";
import { fillTemplate, templateVariables } from "./template.js";
import type { SandboxAltUrl, SandboxCampaign, SandboxUrlLogRow } from "./types.js";

export interface DefaultUrlLogOptions {
  rows: readonly SandboxAltUrl[];
  campaigns: readonly SandboxCampaign[];
  /** the sandbox's start; "today" is its local day */
  now: number;
  utcOffsetHours: number;
}

type Outcome = Exclude<FileOutcome, { kind: "aborted" }> | "never fetched";

const answered = (body: string): Outcome => ({ kind: "body", body });
const failed = (reason: string): Outcome => ({ kind: "error", reason });
const http = (status: string): Outcome => failed(`HTTP request failed! HTTP/1.1 ${status}\r\n`);
const unknownHost = (host: string) => failed(`php_network_getaddresses: getaddrinfo for ${host} failed: Name or service not known`);

interface Fire {
  /** an Alt URL row's id, a campaign whose plain dispo URL fired, or a literal URL no template produced */
  from: number | { campaignUrl: string } | { url: string };
  outcome: Outcome;
  /** whole seconds the fetch took */
  sec?: number;
}

interface Call {
  day: -2 | -1 | 0;
  /** seconds after local midnight; for today, a fraction (0 to 1) of the time elapsed since midnight */
  at: number;
  vars: Record<string, string | number>;
  fires: Fire[];
}

const SEED_CALLS: Call[] = [
  // 2001 SALE on list 101, 95 s: rows 1, 2 and 4 fire; the order system answers 500.
  {
    day: -2,
    at: 9 * 3600 + 5 * 60 + 12,
    vars: { lead_id: 100101, list_id: 101, phone_number: "3125550101", user: "agent01", dispo: "SALE", talk_time: 95, campaign: "2001" },
    fires: [
      { from: 1, outcome: answered('{"status":"ok","lead":"100101"}\n') },
      { from: 2, outcome: http("500 Internal Server Error") },
      { from: 4, outcome: answered("OK"), sec: 1 },
    ],
  },
  // 2001 NI: only the every-status log row, and its server refuses the connection.
  {
    day: -2,
    at: 9 * 3600 + 20 * 60 + 40,
    vars: { lead_id: 100102, list_id: 102, user: "agent02", dispo: "NI", talk_time: 12, campaign: "2001" },
    fires: [{ from: 4, outcome: failed("Connection refused") }],
  },
  // 3001 RETAIN: a multi-line answer (its `;` already removed, CR LF kept).
  {
    day: -2,
    at: 10 * 3600 + 2 * 60 + 3,
    vars: { lead_id: 300201, list_id: 301, dispo: "RETAIN" },
    fires: [{ from: 5, outcome: answered('saved\r\nticket 7781 status "RETAIN"\r\nnext review in 30 days\n') }],
  },
  // 2001 SALE on list 102, 64 s: the CRM is silent for 60 s (timeout), the others follow it.
  {
    day: -1,
    at: 11 * 3600 + 15 * 60 + 30,
    vars: { lead_id: 100205, list_id: 102, phone_number: "3125550205", user: "agent01", dispo: "SALE", talk_time: 64, campaign: "2001" },
    fires: [
      { from: 1, outcome: failed("HTTP request failed!"), sec: 60 },
      { from: 2, outcome: answered("accepted order 55120\n"), sec: 1 },
      { from: 4, outcome: unknownHost("log.example.com") },
    ],
  },
  // 2001 PSALE, 41 s: a TLS failure, then an empty 200 logged as the unrelated PHP warning.
  {
    day: -1,
    at: 13 * 3600 + 40 * 60,
    vars: { lead_id: 100230, list_id: 101, user: "agent03", dispo: "PSALE", talk_time: 41, campaign: "2001" },
    fires: [
      { from: 2, outcome: failed("operation failed") },
      { from: 4, outcome: answered("") },
    ],
  },
  // 2001 SALE on list 999, 18 s: the agent's browser closed before it asked for the fetches.
  {
    day: -1,
    at: 15 * 3600 + 2 * 60 + 9,
    vars: { lead_id: 100244, list_id: 999, phone_number: "3125550244", user: "agent02", dispo: "SALE", talk_time: 18, campaign: "2001" },
    fires: [
      { from: 1, outcome: "never fetched" },
      { from: 4, outcome: "never fetched" },
    ],
  },
  // 2002 has a plain dispo URL (not ALT): it fires for every status and is no Alt URL row.
  {
    day: -1,
    at: 16 * 3600 + 30 * 60,
    vars: { lead_id: 200310 },
    fires: [{ from: { campaignUrl: "2002" }, outcome: answered("thanks\n") }],
  },
  // Today: 2001 SALE on list 101, 120 s, every target answers.
  {
    day: 0,
    at: 0.3,
    vars: { lead_id: 100301, list_id: 101, phone_number: "3125550301", user: "agent01", dispo: "SALE", talk_time: 120, campaign: "2001" },
    fires: [
      { from: 1, outcome: answered('{"status":"ok","lead":"100301"}\n') },
      { from: 2, outcome: answered("accepted order 55187\n") },
      { from: 4, outcome: answered("OK") },
    ],
  },
  // Today: 3001 SALE, the retention desk answers 404.
  {
    day: 0,
    at: 0.5,
    vars: { lead_id: 300302, list_id: 301, dispo: "SALE" },
    fires: [{ from: 5, outcome: http("404 Not Found") }],
  },
  // Today: a callback on 2001 (the screen sends CBHOLD): only the every-status row fires.
  {
    day: 0,
    at: 0.6,
    vars: { lead_id: 100320, list_id: 102, user: "agent03", dispo: "CBHOLD", talk_time: 33, campaign: "2001" },
    fires: [{ from: 4, outcome: answered("OK") }],
  },
  // Today: a hook whose Alt URL row has since been deleted: it matches no configured template.
  {
    day: 0,
    at: 0.7,
    vars: { lead_id: 100333 },
    fires: [{ from: { url: "https://old-crm.example.com/hook.php?lead=100333&status=SALE" }, outcome: answered("OK\n") }],
  },
];

export function defaultUrlLog(opts: DefaultUrlLogOptions): SandboxUrlLogRow[] {
  const { now, utcOffsetHours: offset } = opts;
  const midnight = startOfLocalDay(now, offset);
  // A fixed offset has no daylight saving: every local day is 86,400 s long.
  const at = (call: Call) =>
    call.day === 0 ? midnight + Math.floor(((now - midnight) * call.at) / 1000) * 1000 : midnight + call.day * 86_400_000 + call.at * 1000;
  const template = (from: Fire["from"]) => {
    if (typeof from === "number") {
      const row = opts.rows.find((r) => r.url_id === from);
      if (!row) throw new Error(`default url log: no Alt URL row ${from} in the seed`);
      return row.url_address;
    }
    if ("url" in from) return from.url;
    const campaign = opts.campaigns.find((c) => c.campaign_id === from.campaignUrl);
    if (!campaign) throw new Error(`default url log: no campaign ${from.campaignUrl} in the seed`);
    return campaign.dispo_call_url;
  };

  const out: Omit<SandboxUrlLogRow, "url_log_id">[] = [];
  const add = (row: Omit<SandboxUrlLogRow, "url_log_id">) => out.push(row);
  SEED_CALLS.forEach((call, index) => {
    const callMs = at(call);
    const uniqueid = `${Math.floor(callMs / 1000)}.${4711 + index}`;
    const vars = templateVariables({ ...call.vars, uniqueid });
    const urlDate = localDateTime(callMs, offset);
    if (index === 0) {
      // The first call's start URL, logged when the call reached the agent (no date prefix).
      add({
        uniqueid,
        url_date: localDateTime(callMs - 95_000, offset),
        url_type: "start",
        response_sec: 0,
        url: "https://crm.example.com/screenpop?lead=100101&agent=agent01",
        url_response: "popup queued\n",
      });
    }
    // Fetched one after another: each answer comes after the ones before it.
    let clock = callMs + 1000;
    for (const fire of call.fires) {
      const url = fillTemplate(template(fire.from), vars);
      if (fire.outcome === "never fetched") {
        add({ uniqueid, url_date: urlDate, url_type: "dispo", response_sec: 0, url, url_response: "" });
        continue;
      }
      clock += (fire.sec ?? 0) * 1000;
      add({
        uniqueid,
        url_date: urlDate,
        url_type: "dispo",
        response_sec: fire.sec ?? 0,
        url,
        url_response: dispoResponseText(url, fire.outcome, clock, offset),
      });
    }
  });

  // Yesterday's dropped call: the dialer's no-agent URL, fetched with wget (its log after the body).
  const dropMs = midnight - 86_400_000 + (17 * 3600 + 45 * 60 + 10) * 1000;
  const dropDate = localDateTime(dropMs, offset);
  const dropUrl = "https://crm.example.com/drop?lead=100260&status=DROP";
  add({
    uniqueid: `${Math.floor(dropMs / 1000)}.4799`,
    url_date: dropDate,
    url_type: "na_callurl",
    response_sec: 0,
    url: dropUrl,
    url_response:
      `{"ok":true}!|--${dropDate}--${dropUrl}!Resolving crm.example.com (crm.example.com)... 192.0.2.10!` +
      "Connecting to crm.example.com (crm.example.com)|192.0.2.10|:443... connected.!HTTP request sent, awaiting response... 200 OK!" +
      `Length: 11 [application/json]!Saving to: /var/ASUBtmpD_8_${Math.floor(dropMs / 1000)}!! 0K 100% 1.20M=0s!!` +
      `${dropDate} (1.20 MB/s) - /var/ASUBtmpD_8_${Math.floor(dropMs / 1000)} saved [11/11]!!`,
  });
  // Ids count up in the order the rows were written (a stable sort keeps a call's rows together).
  return out
    .sort((a, b) => (a.url_date < b.url_date ? -1 : a.url_date > b.url_date ? 1 : 0))
    .map((row, i) => ({ url_log_id: i + 1, ...row }));
}
