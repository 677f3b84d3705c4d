import { basename } from "node:path";
import type { HeapGraph } from "@heapmat/analyzer";
import { SnapshotReadError } from "@heapmat/analyzer";
import { openSnapshot, progressBar } from "@heapmat/analyzer/node";
import { InputError } from "../errors.js";

/** Reads a snapshot with a progress bar on stderr; any failure becomes one InputError line. */
export async function loadSnapshot(
  file: string,
  progress = true,
  salvage = false,
): Promise<HeapGraph> {
  const bar = progress ? progressBar(`Loading ${basename(file)}`) : undefined;
  try {
    return await openSnapshot(file, { salvage, ...(bar && { onProgress: bar.onProgress }) });
  } catch (error) {
    throw asInputError(file, error);
  } finally {
    bar?.stop();
  }
}

function asInputError(file: string, error: unknown): Error {
  if (error instanceof SnapshotReadError) return new InputError(error.message);
  const code = (error as NodeJS.ErrnoException)?.code;
  if (code) return new InputError(`${file}: ${(error as Error).message}`);
  if (error instanceof RangeError || error instanceof TypeError) {
    return new InputError(`${file}: not a readable heap snapshot (${error.message})`);
  }
  return error instanceof Error ? error : new Error(String(error));
}
