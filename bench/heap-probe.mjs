/**
 * Loaded into the server under test with `node --expose-gc --import`: on
 * SIGUSR2 it collects garbage fully and writes the live heap to stderr, so the
 * benchmark can tell a leak (live heap growing) from V8 simply keeping the
 * memory it grew into (resident size growing, live heap flat).
 */
import { writeSync } from "node:fs";

process.on("SIGUSR2", () => {
  globalThis.gc?.();
  const m = process.memoryUsage();
  writeSync(2, `HEAP ${JSON.stringify({ heapUsed: m.heapUsed, heapTotal: m.heapTotal, rss: m.rss })}\n`);
});
