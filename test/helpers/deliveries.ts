/**
 * What the list_url_deliveries tests share: a CRM stand-in on loopback (a
 * 200, a multi-line answer, one that stays silent, one that echoes what it
 * got), a port nothing listens on, and the default seed plus campaign 4001
 * whose Alt URLs point at them, and users for the report's rights.
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { defaultSeed, type Sandbox } from "../../src/sandbox/index.js";
import type { SandboxSeed, SandboxUser } from "../../src/sandbox/types.js";
import { adminUser } from "./sandboxUsers.js";

export interface Crm {
  port: number;
  hits: string[];
  close(): Promise<void>;
}

export async function startCrm(): Promise<Crm> {
  const hits: string[] = [];
  const sockets = new Set<Socket>();
  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://x");
    hits.push(req.url ?? "");
    switch (url.pathname) {
      case "/ok":
        return void res.writeHead(200, { "content-type": "application/json" }).end(`{"recorded":"${url.searchParams.get("lead")}"}\n`);
      case "/multi":
        return void res.writeHead(200).end(`saved\r\nticket 88 status "OPEN"\r\nthanks\n`);
      case "/slow":
        return; // never answers: the sandbox's fetch limit ends it
      case "/echo":
        return void res.writeHead(200).end(`got pw=${url.searchParams.get("pw")} for lead ${url.searchParams.get("lead")}\n`);
      default:
        return void res.writeHead(404).end("no such hook");
    }
  });
  server.on("connection", (s: Socket) => {
    sockets.add(s);
    s.on("close", () => sockets.delete(s));
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  return {
    port: (server.address() as AddressInfo).port,
    hits,
    close: () =>
      new Promise<void>((r) => {
        for (const s of sockets) s.destroy();
        server.close(() => r());
      }),
  };
}

/** A loopback port that was just free: nothing listens there, so a connection is refused. */
export async function closedPort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, "127.0.0.1", r));
  const port = (s.address() as AddressInfo).port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

/**
 * The default seed, plus campaign 4001 (ALT) with rows 200 to 203 firing for
 * SALE at the CRM: a 200, a closed port, a silent handler, a multi-line
 * answer; plus `noreports` (View Reports off) and any extra users.
 */
export function deliveriesSeed(crmPort: number, refusedPort: number, extraUsers: SandboxUser[] = []): SandboxSeed {
  const seed = defaultSeed();
  seed.campaigns.push({ ...seed.campaigns[0]!, campaign_id: "4001", campaign_name: "Webhook tests", dispo_call_url: "ALT" });
  const crm = `http://127.0.0.1:${crmPort}`;
  const rows: [number, string][] = [
    [200, `${crm}/ok?lead=--A--lead_id--B--&s=--A--dispo--B--`],
    [201, `http://127.0.0.1:${refusedPort}/hook?lead=--A--lead_id--B--`],
    [202, `${crm}/slow?lead=--A--lead_id--B--`],
    [203, `${crm}/multi?lead=--A--lead_id--B--`],
  ];
  for (const [i, [id, url]] of rows.entries()) {
    seed.vicidial_url_multi.push({
      url_id: id,
      campaign_id: "4001",
      entry_type: "campaign",
      url_type: "dispo",
      active: "Y",
      url_rank: i + 1,
      url_statuses: "SALE",
      url_description: `hook ${id}`,
      url_lists: "",
      url_call_length: 0,
      url_address: url,
    });
  }
  seed.next_url_id = 300;
  seed.users.push(adminUser({ user: "noreports", pass: "noreports1", view_reports: 0, note: "View Reports off" }), ...extraUsers);
  return seed;
}

/** The sandbox's local day, `days` from its today (the seed's days are relative to it). */
export function localDay(sandbox: Sandbox, days = 0): string {
  return new Date(Date.now() + sandbox.utcOffsetHours * 3_600_000 + days * 86_400_000).toISOString().slice(0, 10);
}

/** The report requests the sandbox saw, with their query_date. */
export function reportRequests(sandbox: Sandbox): { user?: string; date?: string; status: number }[] {
  return sandbox
    .stats()
    .log.filter((r) => r.path.endsWith("AST_url_log_report.php"))
    .map((r) => ({ user: r.basicUser, date: r.params.find(([k]) => k === "query_date")?.[1], status: r.status }));
}

export interface Shown {
  logged_at: string;
  alt_url_id: number | null;
  campaign_id: string | null;
  entry_type: string | null;
  url: string;
  response_sec: number;
  outcome: string;
  response: string;
  error: string | null;
  variables: Record<string, string>;
  uniqueid: string;
}
