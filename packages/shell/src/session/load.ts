import { basename } from "node:path";
import type { HeapGraph } from "@heapmat/analyzer";
import { SnapshotReadError } from "@heapmat/analyzer";
import { openSnapshot } from "@heapmat/analyzer/node";
import { InputError } from "../errors.js";
import { ProgressBar } from "./progress.js";

/** Reads a snapshot with a progress bar on stderr; any failure becomes one InputError line. */
export async function loadSnapshot(file: string, progress = true): Promise<HeapGraph> {
  const bar = progress ? new ProgressBar(process.stderr, `Loading ${basename(file)}`) : undefined;
  try {
    return await openSnapshot(file, bar ? { onProgress: bar.update } : {});
  } catch (error) {
    throw asInputError(file, error);
  } finally {
    bar?.done();
  }
}

function asInputError(file: string, error: unknown): Error {
  if (error instanceof SnapshotReadError) return new InputError(error.message);
  const code = (error as NodeJS.ErrnoException)?.code;
  const reasons: Record<string, string> = {
    ENOENT: "no such file",
    EACCES: "permission denied",
    EISDIR: "is a directory, expected a snapshot file",
  };
  if (code && reasons[code]) return new InputError(`${file}: ${reasons[code]}`);
  if (error instanceof RangeError || error instanceof TypeError) {
    return new InputError(`${file}: not a readable heap snapshot (${error.message})`);
  }
  return error instanceof Error ? error : new Error(String(error));
}
