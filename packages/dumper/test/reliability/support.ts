// Shared by the reliability tests: a host program that serves HTTP on loopback, a bounded client
// that hammers it, and a walk over a .hmat file's inflated sections (to grep them for secrets).
import { Agent, request } from "node:http";
import { inflateSync } from "node:zlib";
import { HMAT_HEADER_SIZE } from "../../src/format.js";
import { MsgPackReader } from "../../src/msgpack.js";
import type { startNode } from "../helpers.js";

/**
 * Child program text: a heap of `orders` Order objects and an HTTP server on 127.0.0.1 that
 * answers `/ping` with "pong", and runs `routes` (a `switch (url.pathname)` body) for the rest.
 * Prints `port <n>` once listening. `prelude` runs first (imports).
 */
export function hostProgram(options: { prelude?: string; orders?: number; routes?: string }) {
  return `${options.prelude ?? ""}
import { createServer } from "node:http";
class Order { constructor(i) { this.id = i; this.label = "order-" + i; this.items = [i]; } }
globalThis.orders = Array.from({ length: ${options.orders ?? 1000} }, (_, i) => new Order(i));
const server = createServer(async (req, res) => {
  const url = new URL(req.url, "http://localhost");
  try {
    switch (url.pathname) {
      case "/ping": res.end("pong"); return;
      ${options.routes ?? ""}
    }
    res.statusCode = 404; res.end();
  } catch (error) { res.statusCode = 500; res.end(String(error)); }
});
server.listen(0, "127.0.0.1", () => console.log("port " + server.address().port));
process.on("SIGTERM", () => server.close(() => process.exit(0)));
`;
}

/** The port a host program printed. */
export function portOf(child: ReturnType<typeof startNode>): number {
  const match = /port (\d+)/.exec(child.output());
  if (!match) throw new Error(`no port in: ${child.output()} ${child.errors()}`);
  return Number(match[1]);
}

export function get(port: number, path: string, agent?: Agent): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = request({ host: "127.0.0.1", port, path, agent }, (res) => {
      let body = "";
      res.setEncoding("utf8");
      res.on("data", (d) => {
        body += d;
      });
      res.on("end", () =>
        res.statusCode === 200 ? resolve(body) : reject(new Error(`${res.statusCode} ${body}`)),
      );
    });
    req.on("error", reject);
    req.end();
  });
}

export interface Hammered {
  /** Requests answered "pong". */
  ok: number;
  failed: string[];
  /** Per request: start and end, ms on performance.now()'s clock. */
  starts: Float64Array;
  ends: Float64Array;
}

/** `count` GET /ping requests, `concurrency` at a time on kept-alive connections; then stops. */
export async function hammer(port: number, count: number, concurrency = 8): Promise<Hammered> {
  const agent = new Agent({ keepAlive: true, maxSockets: concurrency });
  const starts = new Float64Array(count);
  const ends = new Float64Array(count);
  const failed: string[] = [];
  let ok = 0;
  let next = 0;
  const lane = async () => {
    while (next < count) {
      const i = next++;
      starts[i] = performance.now();
      try {
        if ((await get(port, "/ping", agent)) === "pong") ok++;
        else failed.push(`request ${i}: wrong answer`);
      } catch (error) {
        failed.push(`request ${i}: ${(error as Error).message}`);
      }
      ends[i] = performance.now();
    }
  };
  await Promise.all(Array.from({ length: concurrency }, lane));
  agent.destroy();
  return { ok, failed, starts, ends };
}

/** p50, p99 and max of the latencies of the requests picked by `keep(i)`, in ms. */
export function latency(h: Hammered, keep: (i: number) => boolean = () => true) {
  const all: number[] = [];
  for (let i = 0; i < h.starts.length; i++) if (keep(i)) all.push(h.ends[i]! - h.starts[i]!);
  all.sort((a, b) => a - b);
  const at = (q: number) => all[Math.min(all.length - 1, Math.floor(q * all.length))] ?? Number.NaN;
  const round = (n: number) => Math.round(n * 10) / 10;
  return { requests: all.length, p50: round(at(0.5)), p99: round(at(0.99)), max: round(at(1)) };
}

/**
 * The file's raw bytes followed by every section body inflated, as latin1 text to grep.
 * `partial`: a cut file; the sections before the cut are inflated, the rest stays raw.
 */
export function hmatText(bytes: Uint8Array, options: { partial?: boolean } = {}): string {
  let text = Buffer.from(bytes).toString("latin1");
  let at = HMAT_HEADER_SIZE;
  while (at < bytes.length) {
    let body: Uint8Array;
    const reader = new MsgPackReader(bytes, at + 1); // past the [tag, rawLength, body] header
    try {
      reader.value();
      reader.value();
      body = reader.value() as Uint8Array;
    } catch (error) {
      if (options.partial) break;
      throw error;
    }
    text += `\n${inflateSync(body).toString("latin1")}`;
    at = reader.offset;
  }
  return text;
}
