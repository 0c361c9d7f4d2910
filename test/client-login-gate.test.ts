/**
 * The login gate at the moment a request leaves (issue 8 item 2), driven
 * through VicidialConnection with a wire the test answers by hand: each
 * answer is judged before its concurrency slot is freed, so the request
 * waiting for that slot sees a failed login; and a request queued while the
 * login was good that finds it in doubt when its turn comes leaves alone.
 */
import { describe, expect, it } from "vitest";
import { type Judged, VicidialConnection } from "../src/client/connection.js";
import { type HttpRequest, type HttpResponse, TransportError } from "../src/client/transport.js";
import { Limiter } from "../src/common/concurrency.js";
import { ToolError } from "../src/common/errors.js";

interface Pending {
  url: string;
  answer(body: string): void;
  lose(): void;
}

/** A wire with a concurrency cap whose answers the test gives, one request at a time. */
function handWire(cap: number) {
  const limiter = new Limiter(cap);
  const out: Pending[] = [];
  const wire = {
    sent: [] as string[],
    out,
    send(req: HttpRequest, opts: { beforeSend?: () => void; answered?: (res: HttpResponse | null, err: unknown) => void }) {
      return limiter.run(async () => {
        opts.beforeSend?.();
        wire.sent.push(req.url);
        try {
          const res = await new Promise<HttpResponse>((resolve, reject) =>
            out.push({
              url: req.url,
              answer: (body) => resolve({ status: 200, contentType: "text/html", body }),
              lose: () =>
                reject(
                  new TransportError({
                    code: "VICIDIAL_UNREACHABLE",
                    message: "reset",
                    cause: "test",
                    fix: "test",
                    retryable: true,
                    outcomeUnknown: true,
                  }),
                ),
            }),
          );
          opts.answered?.(res, null);
          return res;
        } catch (err) {
          opts.answered?.(null, err);
          throw err;
        }
      });
    },
    async close() {},
  };
  return wire;
}

const judge = (res: HttpResponse): Judged<string> =>
  res.body.startsWith("Login incorrect")
    ? { error: new ToolError({ code: "AUTH_FAILED", message: "bad", cause: "test", fix: "restart" }), login: "failed" }
    : { value: res.body, login: "good" };

async function until(test: () => boolean): Promise<void> {
  for (let i = 0; i < 200 && !test(); i++) await new Promise((r) => setTimeout(r, 2));
  expect(test()).toBe(true);
}

function connection(cap: number) {
  const wire = handWire(cap);
  const conn = new VicidialConnection({
    baseUrl: "http://vicidial.test",
    user: "u",
    pass: "p",
    source: "test",
    timeoutMs: 1000,
    maxConcurrency: cap,
    retryDelayMs: 1,
    transport: wire,
  });
  const get = (n: number) =>
    conn.authenticated({ request: { method: "GET", url: `http://vicidial.test/${n}` }, describe: `request ${n}`, read: true, judge });
  return { wire, get };
}

describe("the login gate at the moment a request leaves", () => {
  it("a failed login stops the request that was waiting for its slot: it is never sent", async () => {
    const { wire, get } = connection(1);
    const first = get(0);
    await until(() => wire.out.length === 1);
    wire.out.shift()!.answer("OK");
    expect(await first).toBe("OK");
    // Two queued behind one slot; the first answer is a failed login.
    const a = get(1);
    const b = get(2);
    await until(() => wire.out.length === 1);
    wire.out.shift()!.answer("Login incorrect, please try again: |u|***|BAD|");
    await expect(a).rejects.toMatchObject({ code: "AUTH_FAILED" });
    await expect(b).rejects.toMatchObject({ code: "AUTH_FAILED" });
    expect(wire.sent).toEqual(["http://vicidial.test/0", "http://vicidial.test/1"]);
  });

  it("after an answer lost following a good login, a queued request leaves alone, and the next waits until it proves the login", async () => {
    const { wire, get } = connection(2);
    const first = get(0);
    await until(() => wire.out.length === 1);
    wire.out.shift()!.answer("OK");
    await first;
    const calls = [1, 2, 3, 4].map(get);
    await until(() => wire.out.length === 2);
    // Request 1's answer is lost: it may have been a failed login. Request 2 is still out.
    wire.out.shift()!.lose();
    await expect(calls[0]).rejects.toMatchObject({ code: "VICIDIAL_UNREACHABLE" });
    await until(() => wire.out.length === 2);
    // Request 3 went back through the gate and left alone; request 4 was not sent.
    expect(wire.out.map((p) => p.url)).toEqual(["http://vicidial.test/2", "http://vicidial.test/3"]);
    await new Promise((r) => setTimeout(r, 20));
    expect(wire.sent).not.toContain("http://vicidial.test/4");
    wire.out.pop()!.answer("OK"); // request 3 proves the login good again
    await until(() => wire.sent.includes("http://vicidial.test/4"));
    for (const p of wire.out.splice(0)) p.answer("OK");
    expect(await Promise.all(calls.slice(1))).toEqual(["OK", "OK", "OK"]);
    // Nothing was sent twice.
    expect(wire.sent).toEqual([0, 1, 2, 3, 4].map((n) => `http://vicidial.test/${n}`));
  });
});
