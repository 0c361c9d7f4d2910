/**
 * A pass-through proxy in front of a sandbox that can hold requests back
 * until the test releases them: "a system that is slow right now" without a
 * timed latency, so a test can assert what happens elsewhere meanwhile
 * without racing a clock.
 */
import { request } from "node:http";
import { target } from "./webTarget.js";

export interface HoldingProxy {
  /** The web root to configure instead of the sandbox's. */
  url: string;
  /** Requests held now. */
  readonly held: number;
  /** The most held at once. */
  readonly maxHeld: number;
  /** From now on, hold every request whose parameters (query and form) match. */
  hold(match?: (params: URLSearchParams) => boolean): void;
  /** Resolves once `n` requests are held (rejects after `ms`). */
  waitForHeld(n: number, ms?: number): Promise<void>;
  /** Lets every held request through and holds no more. */
  release(): void;
  close(): Promise<void>;
}

export async function holdingProxy(upstream: string): Promise<HoldingProxy> {
  const up = new URL(upstream);
  let match: ((p: URLSearchParams) => boolean) | null = null;
  let waiting: (() => void)[] = [];
  let maxHeld = 0;

  const t = await target("127.0.0.1", (req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const body = Buffer.concat(chunks);
      const params = new URLSearchParams(new URL(req.url ?? "/", "http://x").search);
      if (/application\/x-www-form-urlencoded/i.test(req.headers["content-type"] ?? "")) {
        for (const [k, v] of new URLSearchParams(body.toString("utf8"))) params.append(k, v);
      }
      const forward = () => {
        const out = request({ host: up.hostname, port: up.port, path: req.url, method: req.method, headers: req.headers }, (answer) => {
          res.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(res);
        });
        out.on("error", () => res.destroy());
        out.end(body);
      };
      if (match?.(params)) {
        waiting.push(forward);
        maxHeld = Math.max(maxHeld, waiting.length);
      } else forward();
    });
  });

  return {
    url: `http://127.0.0.1:${t.port}`,
    get held() {
      return waiting.length;
    },
    get maxHeld() {
      return maxHeld;
    },
    hold(m = () => true) {
      match = m;
    },
    async waitForHeld(n, ms = 20_000) {
      const until = Date.now() + ms;
      while (waiting.length < n) {
        if (Date.now() > until) throw new Error(`only ${waiting.length} of ${n} requests held after ${ms} ms`);
        await new Promise((r) => setTimeout(r, 10));
      }
    },
    release() {
      match = null;
      const go = waiting;
      waiting = [];
      for (const f of go) f();
    },
    close: () => t.close(),
  };
}
