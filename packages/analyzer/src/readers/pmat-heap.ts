// What pass 1 keeps of a .pmat file: per-SV columns, a pointer pool and the SV extensions,
// with addresses (not node indexes: a record may point at SVs dumped after it).

import { type Column, f64, u8, u32 } from "./pmat-column.js";
import type { PmatWindow } from "./pmat-window.js";

/** SV type codes as the file writes them. */
export const SvType = {
  GLOB: 1,
  SCALAR: 2,
  REF: 3,
  ARRAY: 4,
  HASH: 5,
  STASH: 6,
  CODE: 7,
  IO: 8,
  LVALUE: 9,
  REGEXP: 10,
  FORMAT: 11,
  INVLIST: 12,
  UNDEF: 13,
  YES: 14,
  NO: 15,
} as const;

/** What a CODE record says beyond its fixed pointers (CODEs are few: one object each is fine). */
export interface CodeInfo {
  flags: number;
  oproot: number;
  depth: number;
  stash: number;
  glob: number;
  outside: number;
  padlist: number;
  constval: number;
  /** Sub name without package (CvNAME_HEK), or null. */
  name: string | null;
  file: string | null;
  line: number;
  consts: number[];
  constix: number[];
  gvs: number[];
  gvix: number[];
  /** Pad names by pad index (null for unnamed slots). */
  padnames: (string | null)[];
  padnamesAt: number;
  /** Pad addresses by depth (index 0 unused). */
  padsAt: number[];
}

/** pvLength of a scalar without a PV. */
export const NO_PV = 0xffffffff;

/** Set by the reader in a SCALAR's flags (the file never uses this bit): pmat sees no NV. */
export const SCALAR_NV_LOST = 0x40;

export const CodeFlag = {
  CLONE: 0x01,
  CLONED: 0x02,
  XSUB: 0x04,
  WEAKOUTSIDE: 0x08,
  CVGV_RC: 0x10,
} as const;

export interface PmatHeader {
  formatVersion: string;
  perlVersion: string;
  perlVersionCode: number;
  bigEndian: boolean;
  uintSize: number;
  ptrSize: number;
  nvSize: number;
  ithreads: boolean;
}

/** Everything pass 1 keeps. Per-SV columns are indexed by the SV's position in the file. */
export class PmatHeap {
  header!: PmatHeader;
  undefAt = 0;
  yesAt = 0;
  noAt = 0;
  roots: { name: string; address: number }[] = [];
  stack: number[] = [];
  mortals: number[] = [];

  readonly strings: string[] = [""];
  private readonly stringIds = new Map<string, number>([["", 0]]);

  // Per SV.
  readonly addr = f64();
  readonly type = u8();
  readonly size = f64();
  readonly refcnt = u32();
  readonly blessed = f64();
  /** SCALAR flags, REF weakness, ARRAY flags, CODE flags. */
  readonly flags = u8();
  /** GLOB and STASH: interned name; CODE: index into `codes`. */
  readonly aux = u32();
  /** SCALAR: where its PV's bytes start in `pvBytes`, and how many (0xffffffff = no PV). */
  readonly pvStart = f64();
  readonly pvLength = u32();
  readonly pvBytes = u8();
  /** SCALAR: its number (NV, else IV/UV), NaN when none. */
  readonly num = f64();
  /** Start of the SV's pointers in `ptrs` (see pmat-graph.ts for each type's layout). */
  readonly ptrStart = u32();

  // Pointer pool, and per pointer a hash key (interned, Latin-1) or 0.
  readonly ptrs = f64();
  readonly keys = u32();

  readonly codes: CodeInfo[] = [];

  // Extensions, by the address of the SV they annotate.
  readonly magicSv = f64();
  readonly magicType = u8();
  readonly magicFlags = u8();
  readonly magicObj = f64();
  readonly magicPtr = f64();
  readonly savedSv = f64();
  readonly savedWhat = u8();
  readonly savedA = f64();
  readonly savedB = f64();
  readonly noteSv = f64();
  readonly noteVal = f64();
  readonly noteName = u32();

  /** Sizes the columns for a file of `bytes` bytes (dumps hold an SV per 70 to 110 bytes). */
  reserve(bytes: number, withPointers: boolean): void {
    const svs = Math.ceil(bytes / 96);
    for (const column of this.perSv) column.reserve(svs);
    if (!withPointers) return;
    this.ptrs.reserve(Math.ceil(bytes / 64));
    this.keys.reserve(Math.ceil(bytes / 64));
  }

  get count(): number {
    return this.addr.length;
  }

  /** Hash keys, interned from their bytes: a key seen before costs no new string. */
  readonly keyTable = new ByteInterner(this);

  /** Adds a string known to be new (or where a duplicate does no harm), skipping the lookup. */
  add(s: string): number {
    this.strings.push(s);
    return this.strings.length - 1;
  }

  intern(s: string): number {
    let id = this.stringIds.get(s);
    if (id === undefined) {
      id = this.strings.length;
      this.strings.push(s);
      this.stringIds.set(s, id);
    }
    return id;
  }

  // Columns that grow together: one length to remember per group, not one per column.
  private readonly perSv = [
    this.addr,
    this.type,
    this.size,
    this.refcnt,
    this.blessed,
    this.flags,
    this.aux,
    this.pvStart,
    this.pvLength,
    this.num,
    this.ptrStart,
  ];
  private readonly groups: Column<Float64Array | Uint32Array | Uint8Array>[][] = [
    this.perSv,
    [this.ptrs, this.keys],
    [this.pvBytes],
    [this.magicSv, this.magicType, this.magicFlags, this.magicObj, this.magicPtr],
    [this.savedSv, this.savedWhat, this.savedA, this.savedB],
    [this.noteSv, this.noteVal, this.noteName],
  ];
  private readonly marks = new Uint32Array(this.groups.length + 1);

  /** Remembers where the next record starts, to undo it if it turns out incomplete. */
  mark(): void {
    const { groups, marks } = this;
    for (let g = 0; g < groups.length; g++) marks[g] = groups[g]![0]!.length;
    marks[groups.length] = this.codes.length;
  }

  rollback(): void {
    const { groups, marks } = this;
    for (let g = 0; g < groups.length; g++)
      for (const column of groups[g]!) column.length = marks[g]!;
    this.codes.length = marks[groups.length]!;
  }
}

/**
 * Interns strings straight from their bytes (FNV-1a, open addressing on typed arrays), so the
 * thousands of hashes sharing the same keys cost one JS string per distinct key, not per use.
 */
class ByteInterner {
  private slots = new Int32Array(1 << 12).fill(-1);
  private readonly hashOf = u32();
  private readonly idOf = u32();
  private readonly start = u32();
  private readonly length = u32();
  private readonly bytes = u8();

  constructor(private readonly heap: PmatHeap) {}

  /** The string just read by `window.str()`, as Latin-1 (Perl's bytes). */
  intern(w: PmatWindow, len: number): number {
    const buf = w.bytes(w.strStart, len);
    let h = 0x811c9dc5;
    for (let i = 0; i < len; i++) h = Math.imul(h ^ buf[i]!, 0x01000193);
    h >>>= 0;
    const mask = this.slots.length - 1;
    for (let slot = h & mask; ; slot = (slot + 1) & mask) {
      const entry = this.slots[slot]!;
      if (entry === -1) {
        const id = this.heap.add(w.latin1(len));
        this.slots[slot] = this.idOf.length;
        this.hashOf.push(h);
        this.idOf.push(id);
        this.start.push(this.bytes.length);
        this.length.push(len);
        this.bytes.append(buf);
        if (this.idOf.length * 2 > this.slots.length) this.rehash();
        return id;
      }
      if (this.hashOf.data[entry] === h && this.same(entry, buf)) return this.idOf.data[entry]!;
    }
  }

  private same(entry: number, buf: Uint8Array): boolean {
    if (this.length.data[entry] !== buf.length) return false;
    const start = this.start.data[entry]!;
    const bytes = this.bytes.data;
    for (let i = 0; i < buf.length; i++) if (bytes[start + i] !== buf[i]) return false;
    return true;
  }

  private rehash(): void {
    const slots = new Int32Array(this.slots.length * 2).fill(-1);
    const mask = slots.length - 1;
    for (let entry = 0; entry < this.idOf.length; entry++) {
      let slot = this.hashOf.data[entry]! & mask;
      while (slots[slot] !== -1) slot = (slot + 1) & mask;
      slots[slot] = entry;
    }
    this.slots = slots;
  }
}
