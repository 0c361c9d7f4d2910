/**
 * Reads a POST body as JSON, bounded in size. The HTTP entry reads bodies
 * itself (rather than leaving it to the SDK's transport) because it must know
 * whether a request without a session is an initialize before it creates a
 * session for it, or refuses one when the cap is reached.
 */
import type http from "node:http";
import { type Refusal, TRANSPORT_ERROR } from "./httpGate.js";

/** JSON-RPC's parse error code. */
export const PARSE_ERROR = -32700;

export type BodyResult = { ok: true; value: unknown } | { ok: false; refusal: Refusal; code: number };

function tooLarge(maxBytes: number): BodyResult {
  return {
    ok: false,
    code: TRANSPORT_ERROR,
    // The rest of an oversized body is not read: the connection is closed after the answer.
    refusal: {
      status: 413,
      message: `Payload too large: a request body may hold at most ${maxBytes} bytes`,
      headers: { connection: "close" },
    },
  };
}

export function readJsonBody(req: http.IncomingMessage, maxBytes: number): Promise<BodyResult> {
  const declared = Number(req.headers["content-length"]);
  if (Number.isFinite(declared) && declared > maxBytes) return Promise.resolve(tooLarge(maxBytes));
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let settled = false;
    const settle = (result: BodyResult) => {
      if (settled) return;
      settled = true;
      resolve(result);
    };
    // Events, not `for await`: leaving an async iterator early destroys the socket the answer must go out on.
    req.on("data", (chunk: Buffer) => {
      if (settled) return;
      size += chunk.length;
      if (size > maxBytes) return settle(tooLarge(maxBytes));
      chunks.push(chunk);
    });
    req.on("error", () =>
      settle({ ok: false, code: TRANSPORT_ERROR, refusal: { status: 400, message: "Bad Request: the body could not be read" } }),
    );
    req.on("end", () => {
      try {
        settle({ ok: true, value: JSON.parse(Buffer.concat(chunks).toString("utf8")) });
      } catch {
        settle({ ok: false, code: PARSE_ERROR, refusal: { status: 400, message: "Parse error: Invalid JSON" } });
      }
    });
  });
}
