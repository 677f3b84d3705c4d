// A big .hmat file's edge blocks, decoded on two threads that meet in the middle: the reader
// decodes them forward from the first as it streams the file, another thread backward from the
// last. Blocks decode independently (FORMAT.md), and going backward a block's first row is the
// next block's first row minus its own count, the last block ending at the "v8" section's
// edge_count: no earlier block needs inflating. Each block is claimed once, through a small
// shared Int32Array. Where they meet, the reader checks that its rows end where the other
// thread's begin; when they do not, or the other thread failed, it decodes the rest itself, so
// the graph and the first error in the file are the same as on one thread. (The other thread
// writes over rows the reader decoded only when the blocks hold more rows than edge_count: a file
// that both ways fail to read, on the nodes' edge counts, which neither thread writes.)
import { Section } from "@heapmat/dumper/format";
import { sharedArray } from "../graph/shared-memory.js";
import {
  EdgeDecoder,
  type EdgeMaxima,
  type EdgeShare,
  type HmatGraphBuilder,
} from "./hmat-graph.js";
import { checkBlock, type FrameHeader, frameHeader, unpackBody } from "./hmat-sections.js";

/** The other thread's work: the shared columns and owners, where the edges start, the claims. */
export interface HmatEdgesJob extends EdgeShare {
  /** Where the first edges section starts in the file. */
  from: number;
  claims: Int32Array;
}

/**
 * What the other thread decoded: `blocks` edges sections, from the `first`-th (at byte `offset`,
 * its rows starting at `start`) to the last; or why it stopped (the reader then decodes them).
 */
export type HmatEdgesOutcome =
  | { blocks: number; first: number; offset: number; start: number; largest: EdgeMaxima }
  | { failed: string };

export interface HmatEdgesWork {
  /** The outcome; rejects only when the work itself could not run. */
  done: Promise<HmatEdgesOutcome>;
  cancel(): void;
}

/** Runs HmatEdgesJobs elsewhere (node/open.ts: on a worker thread). */
export interface HmatEdgesElsewhere {
  start(job: HmatEdgesJob): HmatEdgesWork;
}

// The claims: the reader's next block, the other thread's last claimed block, and a lock.
const FRONT = 0;
const BACK = 1;
const LOCK = 2;

/** Claims with nothing claimed, the other thread's end not known yet. */
function newClaims(): Int32Array {
  const claims = sharedArray(Int32Array, 3);
  claims[BACK] = 0x7fffffff;
  return claims;
}

/** Runs `update` under the claims' lock (held for a few instructions: a spin is enough). */
function locked<T>(claims: Int32Array, update: () => T): T {
  while (Atomics.compareExchange(claims, LOCK, 0, 1) !== 0);
  try {
    return update();
  } finally {
    Atomics.store(claims, LOCK, 0);
  }
}

/** The reader claims `block`, its next one: false when the other thread has it. */
function claimFront(claims: Int32Array, block: number): boolean {
  return locked(claims, () => {
    if (block >= Atomics.load(claims, BACK)) return false;
    Atomics.store(claims, FRONT, block + 1);
    return true;
  });
}

/** The other thread claims the block below its last one: -1 when the reader has it. */
function claimBack(claims: Int32Array): number {
  return locked(claims, () => {
    const block = Atomics.load(claims, BACK) - 1;
    if (block < Atomics.load(claims, FRONT)) return -1;
    Atomics.store(claims, BACK, block);
    return block;
  });
}

/** The lowest block the other thread has claimed: 2^31 - 1 until it knows how many there are. */
export function claimedBack(claims: Int32Array): number {
  return Atomics.load(claims, BACK);
}

/**
 * The reader's side: starts the other thread at the first edges section, then tells, section by
 * section, whether the reader decodes it or skips it unread as the other thread's.
 */
export class EdgesMeeting {
  private work: HmatEdgesWork | null = null;
  private claims: Int32Array = new Int32Array(0);
  private edgeCount = 0;
  private seen = 0;
  /** The edges sections skipped, by their index among the edges sections. */
  private skipFrom = 0;
  private skipTo = 0;

  constructor(private readonly elsewhere: HmatEdgesElsewhere) {}

  /** Whether the edges section at `offset` is the other thread's, done: skip it unread. */
  async skip(offset: number, builder: HmatGraphBuilder): Promise<boolean> {
    const index = this.seen++;
    if (index === 0) this.begin(offset, builder);
    if (this.work === null || claimFront(this.claims, index))
      return index >= this.skipFrom && index < this.skipTo;
    // Met: the other thread has this block and every one after it in its run.
    const outcome = await this.work.done.catch(() => null);
    this.work = null;
    if (
      outcome === null ||
      "failed" in outcome ||
      outcome.first !== index ||
      outcome.offset !== offset ||
      outcome.start !== builder.edgeRows
    )
      return false;
    builder.adoptEdges(this.edgeCount - outcome.start, outcome.largest);
    this.skipFrom = index;
    this.skipTo = index + outcome.blocks;
    return true;
  }

  /** Ends the other thread's work if the reader never met it (it then holds no block). */
  end(): void {
    this.work?.cancel();
    this.work = null;
  }

  private begin(offset: number, builder: HmatGraphBuilder): void {
    const share = builder.edgeShare();
    if (!share) return;
    this.claims = newClaims();
    this.edgeCount = share.edgeCount;
    this.work = this.elsewhere.start({ ...share, from: offset, claims: this.claims });
  }
}

/** Random access to the file, for the other thread. */
export interface FileAt {
  size: number;
  /** Up to `length` bytes from `offset` (fewer at the end of the file). */
  readAt(offset: number, length: number): Uint8Array;
}

/** The longest section framing: 0x93, a str8 tag of 255 bytes, a uint64, a bin32 header. */
const MAX_FRAMING = 1 + 2 + 255 + 9 + 5;

/**
 * The other thread's side: the run of edges sections from `job.from` on, decoded backward from
 * the last one, block by block as long as it can claim them. A problem ends it early: the
 * reader then decodes the rest of the run itself, and reports what is wrong as one thread does.
 */
export function decodeEdgesBackward(
  file: string,
  job: HmatEdgesJob,
  at: FileAt,
  inflate: (deflated: Uint8Array, inflatedLength: number) => Uint8Array,
): HmatEdgesOutcome {
  const sections = edgeSections(at, job.from);
  if (!sections) return { failed: "the edges sections do not end in a complete section" };
  locked(job.claims, () => Atomics.store(job.claims, BACK, sections.length));
  const decoder = new EdgeDecoder(file, job.meta);
  let end = job.edgeCount;
  let first = sections.length;
  try {
    for (let block = claimBack(job.claims); block >= 0; block = claimBack(job.claims)) {
      first = block;
      const { offset, header } = sections[block]!;
      const frame = { ...header, body: at.readAt(offset + header.at, header.length), offset };
      const value = unpackBody(file, frame, inflate(frame.body, frame.rawLength));
      const rows = checkBlock(value, offset);
      const start = end - rows.count;
      if (start < 0) return { failed: "the edges blocks hold more rows than edge_count" };
      decoder.decode(rows, start, job.columns, job.edgeStart, job.nodeCount);
      end = start;
    }
  } catch (error) {
    return { failed: error instanceof Error ? error.message : String(error) };
  }
  if (first === sections.length) return { failed: "the reader decoded every block" };
  const offset = sections[first]!.offset;
  return { blocks: sections.length - first, first, offset, start: end, largest: decoder.largest };
}

/**
 * The consecutive edges sections from `from` on, found by their framing alone, or null when the
 * run does not end in a complete section of another tag (a truncated or corrupt file: the reader
 * reads it alone and names the problem).
 */
function edgeSections(
  at: FileAt,
  from: number,
): Array<{ offset: number; header: FrameHeader }> | null {
  const sections: Array<{ offset: number; header: FrameHeader }> = [];
  const notFraming = (): never => {
    throw new RangeError("not a section");
  };
  try {
    for (let offset = from; ; ) {
      const header = frameHeader(at.readAt(offset, MAX_FRAMING), notFraming);
      if (!header || offset + header.at + header.length > at.size) return null;
      if (header.tag !== Section.Edges) return sections;
      sections.push({ offset, header });
      offset += header.at + header.length;
    }
  } catch {
    return null;
  }
}
