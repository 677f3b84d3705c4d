// A big .hmat file's node and edge blocks, each table decoded on two threads that meet in the
// middle: the reader decodes its blocks forward from the first as it streams the file, another
// thread backward from the last. Blocks decode independently (FORMAT.md), and going backward a
// block's first row is the next block's first row minus its own count, the last block ending at
// the "v8" section's node_count or edge_count: no earlier block needs inflating. Edge blocks go
// on two threads once every node is in (their owners come from the nodes' edge counts).
//
// A small shared Int32Array holds the claims: each block is claimed once, and each side writes
// only rows the other has not reserved, so neither writes over the other's rows whatever the
// counts say. Where they meet, the reader checks that its rows end where the other thread's
// begin; when they do not, or the other thread met a problem, it decodes the rest itself, so
// the graph and the first error in the file are the same as on one thread.
import { Section } from "@heapmat/dumper/format";
import { sharedArray } from "../graph/shared-memory.js";
import {
  decodeNodeBlock,
  EdgeDecoder,
  type EdgeMaxima,
  type HmatGraphBuilder,
  type TableShare,
} from "./hmat-graph.js";
import { checkBlock, type FrameHeader, frameHeader, unpackBody } from "./hmat-sections.js";

/** The other thread's work: a table's shared columns, where its sections start, the claims. */
export type HmatJob = TableShare & {
  /** Where the table's first section starts in the file. */
  from: number;
  claims: Int32Array;
};

/**
 * What the other thread decoded: `blocks` sections, from the `first`-th (at byte `offset`, its
 * rows starting at `start`) to the last, and for edges their largest values; or why it stopped
 * (the reader then decodes them).
 */
export type HmatOutcome =
  | { blocks: number; first: number; offset: number; start: number; largest?: EdgeMaxima }
  | { failed: string };

export interface HmatWork {
  /** The outcome; rejects only when the work itself could not run. */
  done: Promise<HmatOutcome>;
  cancel(): void;
}

/** Runs HmatJobs elsewhere, in the order given (node/open.ts: on a worker thread). */
export interface HmatElsewhere {
  start(job: HmatJob): HmatWork;
}

// The claims: the reader's next block, the other thread's last claimed block, a lock, the end of
// the rows the reader reserved and the start of those the other thread reserved (as uint32).
const FRONT = 0;
const BACK = 1;
const LOCK = 2;
const HIGH = 3;
const LOW = 4;

/** Claims with nothing claimed, the other thread's end not known yet. */
function newClaims(): Int32Array {
  const claims = sharedArray(Int32Array, 5);
  claims[BACK] = 0x7fffffff;
  claims[LOW] = -1;
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

/** The reader reserves rows up to `end`: false when the other thread reserved some of them. */
function reserveFront(claims: Int32Array, end: number): boolean {
  return locked(claims, () => {
    if (end > Atomics.load(claims, LOW) >>> 0) return false;
    Atomics.store(claims, HIGH, end | 0);
    return true;
  });
}

/** The other thread reserves rows from `start` on: false when the reader reserved some of them. */
function reserveBack(claims: Int32Array, start: number): boolean {
  return locked(claims, () => {
    if (start < Atomics.load(claims, HIGH) >>> 0) return false;
    Atomics.store(claims, LOW, start | 0);
    return true;
  });
}

/** The lowest block the other thread has claimed: 2^31 - 1 until it knows how many there are. */
export function claimedBack(claims: Int32Array): number {
  return Atomics.load(claims, BACK);
}

/**
 * The reader's side, for one table: starts the other thread at the table's first section, then
 * tells, section by section, whether the reader decodes it or skips it unread as the other
 * thread's, and reserves the rows of those it decodes.
 */
export class Meeting {
  private work: HmatWork | null = null;
  private claims: Int32Array = new Int32Array(0);
  private rows = 0;
  private seen = 0;
  /** The sections skipped, by their index among the table's sections. */
  private skipFrom = 0;
  private skipTo = 0;

  constructor(
    private readonly elsewhere: HmatElsewhere,
    private readonly table: "nodes" | "edges",
  ) {}

  /** Whether the table's section at `offset` is the other thread's, done: skip it unread. */
  async skip(offset: number, builder: HmatGraphBuilder): Promise<boolean> {
    const index = this.seen++;
    if (index === 0) this.begin(offset, builder);
    if (this.work === null || claimFront(this.claims, index))
      return index >= this.skipFrom && index < this.skipTo;
    // Met: the other thread has this block and every one after it in its run.
    const outcome = await this.otherThreadDone();
    if (
      outcome === null ||
      "failed" in outcome ||
      outcome.first !== index ||
      outcome.offset !== offset ||
      outcome.start !== builder.rowsOf(this.table)
    ) {
      this.takeBack(builder);
      return false;
    }
    builder.adopt(this.table, this.rows - outcome.start, outcome.largest);
    this.skipFrom = index;
    this.skipTo = index + outcome.blocks;
    return true;
  }

  /**
   * Makes the next `count` rows the reader's to write: when the other thread reserved some (the
   * counts do not add up), once it is done, the reader then decoding the rest itself.
   */
  async reserve(count: number, builder: HmatGraphBuilder): Promise<void> {
    if (this.work === null || reserveFront(this.claims, builder.rowsOf(this.table) + count)) return;
    await this.otherThreadDone();
    this.takeBack(builder);
  }

  /** Ends the other thread's work if the reader never met it (it then holds no block). */
  end(): void {
    this.work?.cancel();
    this.work = null;
  }

  private async otherThreadDone(): Promise<HmatOutcome | null> {
    const outcome = await this.work!.done.catch(() => null);
    this.work = null;
    return outcome;
  }

  /** The reader decodes the rest itself: what the other thread wrote in its rows goes. */
  private takeBack(builder: HmatGraphBuilder): void {
    const low = Atomics.load(this.claims, LOW);
    if (low !== -1) builder.clearRows(this.table, low >>> 0);
  }

  private begin(offset: number, builder: HmatGraphBuilder): void {
    const share = builder.share(this.table);
    if (!share) return;
    this.claims = newClaims();
    this.rows = share.rows;
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
 * The other thread's side: the run of the table's sections from `job.from` on, decoded backward
 * from the last one, block by block as long as it can claim them and their rows. A problem ends
 * it early: the reader then decodes the rest of the run itself, and reports what is wrong as one
 * thread does.
 */
export function decodeBackward(
  file: string,
  job: HmatJob,
  at: FileAt,
  inflate: (deflated: Uint8Array, inflatedLength: number) => Uint8Array,
): HmatOutcome {
  const { claims } = job;
  const tag = job.table === "nodes" ? Section.Nodes : Section.Edges;
  const sections = sectionRun(at, job.from, tag);
  if (!sections) return { failed: `the ${tag} sections do not end in a complete section` };
  locked(claims, () => Atomics.store(claims, BACK, sections.length));
  const edges = job.table === "edges" ? new EdgeDecoder(file, job.meta) : null;
  let end = job.rows;
  let first = sections.length;
  try {
    for (let block = claimBack(claims); block >= 0; block = claimBack(claims)) {
      first = block;
      const { offset, header } = sections[block]!;
      const frame = { ...header, body: at.readAt(offset + header.at, header.length), offset };
      const value = unpackBody(file, frame, inflate(frame.body, frame.rawLength));
      const rows = checkBlock(value, offset);
      const start = end - rows.count;
      if (start < 0 || !reserveBack(claims, start))
        return { failed: `the ${tag} blocks hold more rows than the "v8" section counts` };
      if (job.table === "edges")
        edges!.decode(rows, start, job.columns, job.edgeStart, job.nodeCount);
      else decodeNodeBlock(file, rows, job.fields, job.columns, job.edgeStart, start);
      end = start;
    }
  } catch (error) {
    return { failed: error instanceof Error ? error.message : String(error) };
  }
  if (first === sections.length) return { failed: "the reader decoded every block" };
  const offset = sections[first]!.offset;
  const blocks = sections.length - first;
  return { blocks, first, offset, start: end, ...(edges && { largest: edges.largest }) };
}

/**
 * The consecutive sections tagged `tag` from `from` on, found by their framing alone, or null
 * when the run does not end in a complete section of another tag (a truncated or corrupt file:
 * the reader reads it alone and names the problem).
 */
function sectionRun(
  at: FileAt,
  from: number,
  tag: string,
): Array<{ offset: number; header: FrameHeader }> | null {
  const sections: Array<{ offset: number; header: FrameHeader }> = [];
  const notFraming = (): never => {
    throw new RangeError("not a section");
  };
  try {
    for (let offset = from; ; ) {
      const header = frameHeader(at.readAt(offset, MAX_FRAMING), notFraming);
      if (!header || offset + header.at + header.length > at.size) return null;
      if (header.tag !== tag) return sections;
      sections.push({ offset, header });
      offset += header.at + header.length;
    }
  } catch {
    return null;
  }
}
