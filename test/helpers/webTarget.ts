/** A small local web server standing in for a CRM, for test_alt_url and the prober tests. */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";

export interface Target {
  server: Server;
  port: number;
  hits: string[];
  close(): Promise<void>;
}

/** A small web server standing in for a CRM; every route is one behaviour under test. */
export async function target(host: string, routes: (req: IncomingMessage, res: ServerResponse, port: number) => void): Promise<Target> {
  const hits: string[] = [];
  const sockets = new Set<Socket>();
  let port = 0;
  const server = createServer((req, res) => {
    hits.push(req.url ?? "");
    routes(req, res, port);
  });
  server.on("connection", (s: Socket) => {
    sockets.add(s);
    s.on("close", () => sockets.delete(s));
  });
  await new Promise<void>((r) => server.listen(0, host, r));
  port = (server.address() as AddressInfo).port;
  return {
    server,
    port,
    hits,
    close: () =>
      new Promise<void>((r) => {
        for (const s of sockets) s.destroy();
        server.close(() => r());
      }),
  };
}
