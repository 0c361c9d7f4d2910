/**
 * The top-level "id" of a JSON-RPC message too large to keep, and which kind
 * of message it is, found while reading it chunk by chunk without holding it.
 * The stdio transport refuses such a message; answering with its id makes the
 * client's pending request fail at once instead of waiting for an answer that
 * never comes. SDK clients put "id" last, after the params, so the whole
 * message is scanned.
 *
 * A small state machine over bytes: JSON's structural characters are ASCII
 * and never occur inside a multi-byte UTF-8 sequence, so bytes suffice.
 */
const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_OBJECT = 0x7b;
const CLOSE_OBJECT = 0x7d;
const OPEN_ARRAY = 0x5b;
const CLOSE_ARRAY = 0x5d;
const COMMA = 0x2c;
const COLON = 0x3a;
/** Longer keys cannot be "id"; longer values are no id a client would use. */
const MAX_CAPTURE = 256;

export class TopLevelIdScanner {
  private depth = 0;
  private inString = false;
  private escaped = false;
  /** At depth 1, the next string is a key. */
  private expectKey = false;
  private capture: "key" | "value" | null = null;
  private keyBytes: number[] = [];
  /** The key whose value follows the next colon. */
  private key: string | null = null;
  private capturingValue = false;
  private valueBytes: number[] = [];
  private found: string | number | null = null;
  private readonly keys = new Set<string>();
  private done = false;

  feed(chunk: Uint8Array): void {
    for (let i = 0; i < chunk.length && !this.done; i++) this.step(chunk[i]!);
  }

  /** The id when one was found at the top level (a string or a number), else null. */
  id(): string | number | null {
    return this.found;
  }

  /** A request or notification names a method; a response carries a result or an error instead. */
  kind(): "request" | "response" | "unknown" {
    if (this.keys.has("method")) return "request";
    return this.keys.has("result") || this.keys.has("error") ? "response" : "unknown";
  }

  private keep(b: number): void {
    const into = this.capture === "key" ? this.keyBytes : this.capture === "value" ? this.valueBytes : null;
    if (into === null) return;
    if (into.length >= MAX_CAPTURE) {
      if (this.capture === "value") this.capturingValue = false;
      this.capture = null;
      return;
    }
    into.push(b);
  }

  private step(b: number): void {
    if (this.inString) {
      if (this.escaped) this.escaped = false;
      else if (b === BACKSLASH) this.escaped = true;
      else if (b === QUOTE) return this.endString();
      return this.keep(b);
    }
    if (b === QUOTE) return this.startString();
    if (b === OPEN_OBJECT || b === OPEN_ARRAY) {
      if (this.depth === 1 && this.capturingValue) this.capturingValue = false; // an object is no id
      this.depth++;
      if (this.depth === 1) this.expectKey = b === OPEN_OBJECT;
      return;
    }
    if (b === CLOSE_OBJECT || b === CLOSE_ARRAY) {
      if (this.depth === 1) this.endValue();
      this.depth--;
      if (this.depth <= 0) this.done = true;
      return;
    }
    if (this.depth !== 1) return;
    if (b === COMMA) {
      this.endValue();
      this.expectKey = true;
    } else if (b === COLON) {
      this.capturingValue = this.key === "id";
      this.valueBytes = [];
    } else if (this.capturingValue) {
      this.capture = "value";
      this.keep(b);
      this.capture = null;
    }
  }

  private startString(): void {
    this.inString = true;
    this.capture = null;
    if (this.depth !== 1) return;
    if (this.expectKey) {
      this.capture = "key";
      this.keyBytes = [];
    } else if (this.capturingValue) {
      this.capture = "value";
      this.keep(QUOTE);
    }
  }

  private endString(): void {
    this.inString = false;
    if (this.capture === "key") {
      this.key = Buffer.from(this.keyBytes).toString("utf8");
      if (this.keys.size < 64) this.keys.add(this.key);
      this.expectKey = false;
    } else if (this.capture === "value") {
      this.keep(QUOTE);
    }
    this.capture = null;
  }

  private endValue(): void {
    if (this.capturingValue) {
      try {
        const v: unknown = JSON.parse(Buffer.from(this.valueBytes).toString("utf8"));
        if (this.found === null && (typeof v === "string" || (typeof v === "number" && Number.isFinite(v)))) this.found = v;
      } catch {
        // not a usable id
      }
    }
    this.capturingValue = false;
    this.key = null;
  }
}
