/**
 * The stdio transport and the id scanner behind its size limit, in process
 * (no child): what a client gets for an oversize, unparsable or malformed
 * line, and that a message is never held past the limit.
 */
import { PassThrough } from "node:stream";
import type { JSONRPCMessage } from "@modelcontextprotocol/sdk/types.js";
import { describe, expect, it } from "vitest";
import { TopLevelIdScanner } from "../src/entry/jsonRpcId.js";
import { type EarlyHandler, LimitedStdioTransport, MAX_MESSAGE_BYTES } from "../src/entry/stdioTransport.js";

function scan(text: string, chunkSize = 7): TopLevelIdScanner {
  const scanner = new TopLevelIdScanner();
  const bytes = Buffer.from(text);
  for (let i = 0; i < bytes.length; i += chunkSize) scanner.feed(bytes.subarray(i, i + chunkSize));
  return scanner;
}

describe("TopLevelIdScanner", () => {
  it.each([
    ['{"method":"x","params":{"id":99,"a":[{"id":3}]},"jsonrpc":"2.0","id":7}', 7, "request"],
    ['{"jsonrpc":"2.0","id":"req-\\"1\\"","method":"x","params":{"s":"}{][\\\\"}}', 'req-"1"', "request"],
    ['{"params":{"text":"\\"id\\":5, \\"method\\""},"id" : 12 ,"method":"m"}', 12, "request"],
    ['{"jsonrpc":"2.0","id":3,"result":{"content":[]}}', 3, "response"],
    ['{"method":"notifications/x","params":{"id":4}}', null, "request"],
    ['{"id":{"nested":1},"method":"m"}', null, "request"],
    ['[{"id":1}]', null, "unknown"],
    ['{"jsonrpc":"2.0","id":"é✓","method":"m"}', "é✓", "request"],
  ])("%s -> id %j (%s)", (text, id, kind) => {
    for (const size of [1, 3, 7, 1000]) {
      const s = scan(text, size);
      expect([size, s.id(), s.kind()]).toEqual([size, id, kind]);
    }
  });
});

function harness(maxMessageBytes?: number, early?: EarlyHandler) {
  const stdin = new PassThrough();
  const stdout = new PassThrough();
  const warnings: string[] = [];
  const received: JSONRPCMessage[] = [];
  const written: Record<string, unknown>[] = [];
  let pending = "";
  stdout.on("data", (d: Buffer) => {
    pending += d.toString();
    let nl: number;
    while ((nl = pending.indexOf("\n")) >= 0) {
      written.push(JSON.parse(pending.slice(0, nl)) as Record<string, unknown>);
      pending = pending.slice(nl + 1);
    }
  });
  const transport = new LimitedStdioTransport({ stdin, stdout, maxMessageBytes, warn: (m) => warnings.push(m), early });
  transport.onmessage = (m) => received.push(m);
  let closed = 0;
  transport.onclose = () => closed++;
  const settle = () => new Promise((r) => setImmediate(r));
  return { stdin, transport, warnings, received, written, closed: () => closed, settle };
}

describe("LimitedStdioTransport", () => {
  it("has a documented limit of 1 MiB", () => {
    expect(MAX_MESSAGE_BYTES).toBe(1024 * 1024);
  });

  it("delivers messages split across chunks or sharing one, and skips blank lines", async () => {
    const h = harness();
    await h.transport.start();
    h.stdin.write('{"jsonrpc":"2.0","id":1,"met');
    h.stdin.write('hod":"ping"}\r\n\n{"jsonrpc":"2.0","method":"notifications/initialized"}\n{"jsonrpc":"2.0","id":2,"method":"ping"}\n');
    await h.settle();
    expect(h.received).toEqual([
      { jsonrpc: "2.0", id: 1, method: "ping" },
      { jsonrpc: "2.0", method: "notifications/initialized" },
      { jsonrpc: "2.0", id: 2, method: "ping" },
    ]);
    expect(h.written).toEqual([]);
  });

  it("refuses a message over the limit with its id, never delivering or holding it, and goes on", async () => {
    const h = harness(1000);
    await h.transport.start();
    const big = `{"method":"tools/call","params":{"x":"${"a".repeat(5000)}"},"jsonrpc":"2.0","id":"big"}`;
    for (let i = 0; i < big.length; i += 100) h.stdin.write(big.slice(i, i + 100));
    h.stdin.write('\n{"jsonrpc":"2.0","id":2,"method":"ping"}\n');
    await h.settle();
    expect(h.written).toEqual([
      {
        jsonrpc: "2.0",
        id: "big",
        error: expect.objectContaining({ code: -32600, data: { limit_bytes: 1000, received_bytes: big.length } }),
      },
    ]);
    expect(h.received).toEqual([{ jsonrpc: "2.0", id: 2, method: "ping" }]);
    expect(h.warnings.join("\n")).toMatch(/refused a message of 5\d{3} bytes \(id "big"\)/);
  });

  it("fails our own pending request at once when the client's answer to it is too large", async () => {
    const h = harness(100);
    await h.transport.start();
    h.stdin.write(`{"jsonrpc":"2.0","id":0,"result":{"action":"accept","content":{"x":"${"b".repeat(500)}"}}}\n`);
    await h.settle();
    expect(h.written).toEqual([]);
    expect(h.received).toEqual([{ jsonrpc: "2.0", id: 0, error: expect.objectContaining({ code: -32600 }) }]);
  });

  it("answers a line that is not JSON, or not JSON-RPC, with the JSON-RPC error for it", async () => {
    const h = harness();
    await h.transport.start();
    h.stdin.write('this is not json\n{"jsonrpc":"2.0","id":5,"method":7}\n{"jsonrpc":"2.0","method":{}}\n');
    await h.settle();
    expect(h.written).toEqual([
      { jsonrpc: "2.0", id: null, error: expect.objectContaining({ code: -32700 }) },
      { jsonrpc: "2.0", id: 5, error: expect.objectContaining({ code: -32600 }) },
    ]);
    expect(h.received).toEqual([]);
    expect(h.warnings).toHaveLength(3);
  });

  it("closes once when stdin ends", async () => {
    const h = harness();
    await h.transport.start();
    h.stdin.end();
    await h.settle();
    await h.transport.close();
    expect(h.closed()).toBe(1);
  });
});

describe("LimitedStdioTransport before the server is connected (listen, then start)", () => {
  /** Answers initialize (and forwards it), takes the initialized notification, answers the first tools/list. */
  function early() {
    const others: number[] = [];
    const handler: EarlyHandler = {
      take: (m) => {
        if (m.method === "initialize") return { answer: Promise.resolve({ early: "init" }), forward: true };
        if (m.method === "notifications/initialized") return { forward: true };
        if (m.method === "tools/list") return { answer: Promise.resolve({ tools: [] }), forward: false };
        return undefined;
      },
      other: () => others.push(1),
    };
    return { handler, others };
  }

  it("answers what the early handler takes at once, and hands the rest to the server in order once it connects", async () => {
    const e = early();
    const h = harness(undefined, e.handler);
    h.transport.listen();
    h.stdin.write('{"jsonrpc":"2.0","id":1,"method":"initialize","params":{}}\n{"jsonrpc":"2.0","method":"notifications/initialized"}\n');
    h.stdin.write('{"jsonrpc":"2.0","id":2,"method":"tools/list"}\n{"jsonrpc":"2.0","id":3,"method":"ping"}\n');
    await h.settle();
    // Answered before any server exists; nothing delivered yet; the ping asked for the server.
    expect(h.written).toEqual([
      { jsonrpc: "2.0", id: 1, result: { early: "init" } },
      { jsonrpc: "2.0", id: 2, result: { tools: [] } },
    ]);
    expect(h.received).toEqual([]);
    expect(e.others).toEqual([1]);
    await h.transport.start();
    expect(h.received).toEqual([
      { jsonrpc: "2.0", id: 1, method: "initialize", params: {} },
      { jsonrpc: "2.0", method: "notifications/initialized" },
      { jsonrpc: "2.0", id: 3, method: "ping" },
    ]);
    // The server's own answer to the forwarded initialize is not sent again; its others are.
    await h.transport.send({ jsonrpc: "2.0", id: 1, result: { from: "server" } });
    await h.transport.send({ jsonrpc: "2.0", id: 3, result: {} });
    await h.settle();
    expect(h.written.slice(2)).toEqual([{ jsonrpc: "2.0", id: 3, result: {} }]);
  });

  it("refuses an oversize or unparsable line before the server connects too, and asks for the server", async () => {
    const e = early();
    const h = harness(100, e.handler);
    h.transport.listen();
    h.stdin.write(`{"jsonrpc":"2.0","id":"big","method":"tools/call","params":{"x":"${"a".repeat(500)}"}}\nnot json\n`);
    await h.settle();
    expect(h.written.map((w) => (w.error as { code: number }).code)).toEqual([-32600, -32700]);
    expect(e.others).toEqual([1, 1]);
  });

  it("a stdin that ends before the server connects asks for the server, and is reported to it once it connects", async () => {
    const e = early();
    const h = harness(undefined, e.handler);
    h.transport.listen();
    h.stdin.end();
    await h.settle();
    expect(e.others).toEqual([1]);
    expect(h.closed()).toBe(0);
    await h.transport.start();
    await h.settle();
    expect(h.closed()).toBe(1);
  });

  it("a message that fails the SDK's check after an early answer still gets the JSON-RPC error, once", async () => {
    const h = harness(undefined, early().handler);
    h.transport.listen();
    h.stdin.write('{"jsonrpc":"2.0","id":5,"method":7}\n');
    await h.transport.start();
    await h.settle();
    expect(h.written).toEqual([{ jsonrpc: "2.0", id: 5, error: expect.objectContaining({ code: -32600 }) }]);
    expect(h.received).toEqual([]);
  });
});
