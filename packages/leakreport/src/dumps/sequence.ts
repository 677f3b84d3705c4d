import { countShared } from "../candidates.js";
import type { DumpDigest } from "./digest.js";

/** The dumps cannot be compared: another process, or the wrong order. */
export class DumpSequenceError extends Error {
  override readonly name = "DumpSequenceError";
}

/** Below this share of an earlier dump's objects still present in the next, dumps are unrelated. */
const MIN_OVERLAP = 0.1;

/**
 * Checks that two dumps in a row come from one process, in time order. Returns the problem in
 * words, or null. V8 ids are handed out in increasing order for the life of a process, and
 * long-lived objects keep theirs, so ids that go backwards or barely overlap betray a wrong order
 * or another process.
 */
export function sequenceProblem(before: DumpDigest, after: DumpDigest): string | null {
  const pair = `${before.file} and ${after.file}`;
  const { pid: pidBefore, dumpTime: timeBefore } = before.info;
  const { pid: pidAfter, dumpTime: timeAfter } = after.info;
  if (pidBefore !== undefined && pidAfter !== undefined && pidBefore !== pidAfter)
    return `${pair} come from different processes (pid ${pidBefore} and ${pidAfter})`;
  if (timeBefore !== undefined && timeAfter !== undefined && timeAfter < timeBefore)
    return `${pair} are not in time order (${after.file} was written first)`;
  if (after.maxId < before.maxId)
    return `${pair} are not in time order, or come from different processes: the highest object id goes down (${before.maxId} to ${after.maxId})`;
  const shared = countShared(before.keys, after.keys);
  if (shared < MIN_OVERLAP * before.keys.length)
    return `${pair} share almost no objects (${shared} of ${before.keys.length}): they come from different processes`;
  return null;
}
