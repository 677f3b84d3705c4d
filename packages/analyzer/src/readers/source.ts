// What every reader takes: bytes from somewhere (a file, a fetch, a test), with no node: imports.
import type { HeapTables } from "../graph/heap-graph.js";

/** A snapshot's bytes, streamed. `size` is the total when known, for progress. */
export interface ByteSource {
  /** Shown in errors and progress: usually the file path. */
  readonly name: string;
  readonly size?: number;
  chunks(): AsyncIterable<Uint8Array>;
}

export interface ReadOptions {
  /** Called now and then with bytes consumed so far and the total, when known. */
  onProgress?: (done: number, total: number | undefined) => void;
  /** Read only what leak detection across dumps needs from an earlier dump: ids and kinds. */
  idsOnly?: boolean;
  /** On a truncated file, return what was complete instead of throwing. */
  salvage?: boolean;
  /**
   * A synchronous zlib (RFC 1950) inflater, e.g. node:zlib's `inflateSync`. Readers of zlib'd
   * sections (.hmat) use it instead of the asynchronous DecompressionStream, which costs a trip
   * through the event loop per section. It may throw on a corrupt stream (readers report where).
   * `inflatedLength` is what the file says the result's length is: a hint, not to be trusted.
   * `openSnapshot` passes node:zlib's; the core has no node: imports, so it is injected.
   */
  inflate?: (deflated: Uint8Array, inflatedLength: number) => Uint8Array;
  /**
   * Called once, synchronously, with the node and edge columns when they are complete and in
   * range while more of the file is still to read (.hmat: its strings), so that index building
   * can start meanwhile. The read may still fail after it. Not every reader calls it.
   */
  onTables?: (tables: HeapTables) => void;
}

/** A reader's one error type: which file, where in it, and what was expected there. */
export class SnapshotReadError extends Error {
  override readonly name = "SnapshotReadError";
  constructor(
    readonly file: string,
    readonly offset: number,
    readonly expected: string,
    readonly truncated = false,
  ) {
    super(
      `${file}: at byte ${offset}: expected ${expected}${truncated ? " (the file is truncated)" : ""}`,
    );
  }
}

/** A ByteSource over bytes already in memory. */
export function bytesSource(name: string, bytes: Uint8Array): ByteSource {
  return {
    name,
    size: bytes.byteLength,
    async *chunks() {
      yield bytes;
    },
  };
}

/** A ByteSource over a web ReadableStream (a fetch body, `Blob.stream()`); it can be read once. */
export function streamSource(
  name: string,
  stream: ReadableStream<Uint8Array>,
  size?: number,
): ByteSource {
  return {
    name,
    ...(size !== undefined && { size }),
    async *chunks() {
      const reader = stream.getReader();
      try {
        for (;;) {
          const next = await reader.read();
          if (next.done) return;
          yield next.value;
        }
      } finally {
        await reader.cancel().catch(() => {});
      }
    },
  };
}

/**
 * Reads a source's first `count` bytes (fewer if it is shorter) to sniff its format. Returns them
 * with a source that still yields every byte from the start; that source can be read once.
 */
export async function peekSource(
  source: ByteSource,
  count: number,
): Promise<{ head: Uint8Array; source: ByteSource }> {
  const iterator = source.chunks()[Symbol.asyncIterator]();
  const buffered: Uint8Array[] = [];
  let length = 0;
  let ended = false;
  while (length < count) {
    const next = await iterator.next();
    if (next.done) {
      ended = true;
      break;
    }
    buffered.push(next.value);
    length += next.value.byteLength;
  }
  const head = new Uint8Array(Math.min(count, length));
  let at = 0;
  for (const chunk of buffered) {
    if (at === head.length) break;
    const part = chunk.subarray(0, head.length - at);
    head.set(part, at);
    at += part.length;
  }
  return {
    head,
    source: {
      name: source.name,
      ...(source.size !== undefined && { size: source.size }),
      async *chunks() {
        try {
          yield* buffered;
          if (ended) return;
          for (;;) {
            const next = await iterator.next();
            if (next.done) return;
            yield next.value;
          }
        } finally {
          await iterator.return?.();
        }
      },
    },
  };
}

/** Whether bytes start with gzip's magic. */
export function isGzip(head: Uint8Array): boolean {
  return head[0] === 0x1f && head[1] === 0x8b;
}

/**
 * Decompresses a gzip'd source with the web-standard DecompressionStream. `onRead` is told how many
 * compressed bytes were consumed, for progress; a cut or corrupt stream becomes a SnapshotReadError.
 */
export function gunzipSource(source: ByteSource, onRead?: (bytes: number) => void): ByteSource {
  return {
    name: source.name,
    async *chunks() {
      const gunzip = new DecompressionStream("gzip");
      const writer = gunzip.writable.getWriter();
      const input = source.chunks()[Symbol.asyncIterator]();
      let read = 0;
      let inputError: unknown;
      const pump = (async () => {
        try {
          for (;;) {
            const next = await input.next();
            if (next.done) break;
            read += next.value.byteLength;
            onRead?.(read);
            await writer.write(next.value as Uint8Array<ArrayBuffer>);
          }
          await writer.close();
        } catch (error) {
          inputError ??= error;
          await writer.abort(error).catch(() => {});
        } finally {
          await input.return?.();
        }
      })();
      const reader = gunzip.readable.getReader();
      try {
        for (;;) {
          const next = await reader.read();
          if (next.done) break;
          yield next.value;
        }
      } catch (error) {
        if (inputError !== undefined) throw inputError;
        const message = error instanceof Error ? error.message : String(error);
        throw new SnapshotReadError(
          source.name,
          read,
          `a complete gzip stream (${message})`,
          /unexpected end/i.test(message),
        );
      } finally {
        await reader.cancel().catch(() => {});
        await pump;
      }
    },
  };
}

/** Calls onProgress at most about a thousand times, monotone, ending at the total. */
export class Progress {
  private done = 0;
  private reported = 0;
  private readonly step: number;
  constructor(
    private readonly total: number | undefined,
    private readonly onProgress: ReadOptions["onProgress"],
  ) {
    this.step = Math.max(1 << 20, (total ?? 0) / 1000);
  }
  /** Bytes consumed so far. */
  update(done: number): void {
    this.done = done;
    if (this.onProgress && done - this.reported >= this.step) {
      this.reported = done;
      this.onProgress(done, this.total);
    }
  }
  /** Reports completion: the total when known. */
  end(): void {
    const final = this.total ?? this.done;
    if (this.onProgress && this.reported !== final) this.onProgress(final, this.total);
  }
}
