import type { HeapGraph } from "../graph/heap-graph.js";
import { type ByteSource, type ReadOptions, SnapshotReadError } from "./source.js";
import { graphFromV8Columns, type V8Columns, type V8Meta } from "./v8-columns.js";

// First cut: reads the whole JSON at once, so it is bounded by V8's ~512 MiB string limit.
// The streaming reader replaces this behind the same signature.
export async function readHeapSnapshot(
  source: ByteSource,
  options: ReadOptions = {},
): Promise<HeapGraph> {
  const parts: Uint8Array[] = [];
  let done = 0;
  for await (const chunk of source.chunks()) {
    parts.push(chunk);
    done += chunk.byteLength;
    options.onProgress?.(done, source.size);
  }
  let bytes = concat(parts, done);
  if (bytes[0] === 0x1f && bytes[1] === 0x8b) bytes = await gunzip(bytes);
  let json: {
    snapshot: { meta: V8Meta };
    nodes: number[];
    edges: number[];
    strings: string[];
    locations?: number[];
    trace_function_infos?: number[];
    trace_tree?: unknown[];
  };
  try {
    json = JSON.parse(new TextDecoder().decode(bytes));
  } catch (error) {
    const offset = Number(/position (\d+)/.exec(String(error))?.[1] ?? 0);
    throw new SnapshotReadError(source.name, offset, "V8 heap snapshot JSON");
  }
  const columns: V8Columns = {
    meta: json.snapshot.meta,
    nodes: json.nodes,
    edges: json.edges,
    strings: json.strings,
    ...(json.locations && { locations: json.locations }),
    ...(json.trace_function_infos && { traceFunctionInfos: json.trace_function_infos }),
    ...(json.trace_tree && { traceTree: json.trace_tree }),
  };
  return graphFromV8Columns(columns, { format: "heapsnapshot", file: source.name });
}

function concat(parts: Uint8Array[], length: number): Uint8Array {
  if (parts.length === 1) return parts[0]!;
  const out = new Uint8Array(length);
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.byteLength;
  }
  return out;
}

async function gunzip(bytes: Uint8Array): Promise<Uint8Array> {
  const stream = new Blob([bytes as Uint8Array<ArrayBuffer>])
    .stream()
    .pipeThrough(new DecompressionStream("gzip"));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}
