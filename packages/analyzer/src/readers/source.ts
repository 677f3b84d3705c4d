// What every reader takes: bytes from somewhere (a file, a fetch, a test), with no node: imports.

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
