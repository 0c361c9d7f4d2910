/**
 * The URL Log Report request exactly as the server sends it (issue 10):
 * list_url_deliveries through a recording proxy in front of the sandbox, so
 * the test sees the raw request line VICIdial would get: GET on the report's
 * path, HTTP Basic auth and no password in the query, `url_type[]` with its
 * brackets as VICIdial's own form sends it, `SUBMIT`, `file_download=1`, the
 * day and the whole day's time window; one request per day after one
 * rights probe (the CSV download without SUBMIT, which is empty).
 */
import { createServer, request, type Server } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Sandbox, startSandbox } from "../src/sandbox/index.js";
import { localDay } from "./helpers/deliveries.js";
import { call, type InProcess, inProcess } from "./helpers/harness.js";

interface Seen {
  method: string;
  /** The request target as it came over the wire: path and raw query. */
  url: string;
  authorization: string | undefined;
}

/** A loopback proxy that records each request and passes it to the sandbox unchanged. */
async function recordingProxy(target: Sandbox): Promise<{ url: string; seen: Seen[]; close(): Promise<void> }> {
  const seen: Seen[] = [];
  const sockets = new Set<Socket>();
  const server: Server = createServer((req, res) => {
    seen.push({ method: req.method ?? "", url: req.url ?? "", authorization: req.headers.authorization });
    const upstream = request(
      { host: "127.0.0.1", port: target.port, method: req.method, path: req.url, headers: req.headers },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    upstream.on("error", () => res.destroy());
    req.pipe(upstream);
  });
  server.on("connection", (s: Socket) => {
    sockets.add(s);
    s.on("close", () => sockets.delete(s));
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    seen,
    close: () =>
      new Promise<void>((r) => {
        for (const s of sockets) s.destroy();
        server.close(() => r());
      }),
  };
}

const REPORT = "/vicidial/AST_url_log_report.php";

let sandbox: Sandbox;
let proxy: Awaited<ReturnType<typeof recordingProxy>>;
let h: InProcess;
beforeAll(async () => {
  sandbox = await startSandbox();
  proxy = await recordingProxy(sandbox);
  h = await inProcess({ useSandbox: sandbox, baseUrl: proxy.url });
});
afterAll(async () => {
  await h?.close();
  await proxy?.close();
  await sandbox?.close();
});

const query = (url: string) => url.slice(url.indexOf("?") + 1).split("&");

describe("the URL Log Report request", () => {
  it("one GET per day with every parameter VICIdial's report needs, after one probe, Basic auth and no password in the query", async () => {
    const from = localDay(sandbox, -1);
    const to = localDay(sandbox);
    const r = await call(h.client, "list_url_deliveries", { date: from, to_date: to, limit: 1000 });
    expect(r.isError, r.text).toBe(false);
    // The requests reached a real report: the seeded deliveries of both days came back.
    expect((r.structured.summary as { total: number }).total).toBeGreaterThan(0);

    const reports = proxy.seen.filter((s) => s.url.split("?")[0] === REPORT);
    expect(reports.map((s) => s.method)).toEqual(["GET", "GET", "GET"]);
    const window = ["query_date_D=00%3A00%3A00", "query_date_T=23%3A59%3A59"];
    expect(reports.map((s) => query(s.url))).toEqual([
      // The rights probe: no day and no SUBMIT, so the report answers with an empty CSV.
      [...window, "url_type[]=dispo", "file_download=1"],
      [`query_date=${to}`, ...window, "url_type[]=dispo", "SUBMIT=SUBMIT", "file_download=1"],
      [`query_date=${from}`, ...window, "url_type[]=dispo", "SUBMIT=SUBMIT", "file_download=1"],
    ]);
    const basic = `Basic ${Buffer.from("6666:sandbox1234").toString("base64")}`;
    for (const s of reports) {
      expect(s.authorization).toBe(basic);
      expect(s.url).not.toMatch(/[?&](user|pass)=/);
      // Brackets as they are: the form's own field name, never url_type%5B%5D or a plain url_type.
      expect(s.url).not.toMatch(/url_type%5B|[?&]url_type=/);
    }
  });

  it("a start or no-agent read asks for the type VICIdial logs it under, one url_type[] field each", async () => {
    proxy.seen.length = 0;
    const day = localDay(sandbox, -2);
    for (const [urlType, logged] of [
      ["start", "start"],
      ["noagent", "na_callurl"],
    ] as const) {
      const r = await call(h.client, "list_url_deliveries", { date: day, url_type: urlType });
      expect(r.isError, r.text).toBe(false);
      const last = proxy.seen.filter((s) => s.url.split("?")[0] === REPORT).at(-1)!;
      expect(query(last.url).filter((p) => p.startsWith("url_type"))).toEqual([`url_type[]=${logged}`]);
      expect(query(last.url)).toContain(`query_date=${day}`);
    }
  });
});
