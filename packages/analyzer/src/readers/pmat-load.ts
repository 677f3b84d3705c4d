// Pass 1 over a .pmat file: the header, roots, stack, every SV record and its extensions, kept
// raw in columns (addresses, not node indexes: a record may point at SVs dumped after it).
// Record layouts: Devel::MAT::Dumper's format.txt and Devel::MAT::Dumpfile (format 0.4).

import { type CodeInfo, NO_PV, PmatHeap, SCALAR_NV_LOST, SvType } from "./pmat-heap.js";
import { NEED_MORE, PmatWindow } from "./pmat-window.js";
import { type ByteSource, type ReadOptions, SnapshotReadError } from "./source.js";

const LAST_TYPE = SvType.NO;

/** SV extension records that annotate an SV dumped earlier. */
const SVX_MAGIC = 0x80;
const SVX_SAVED_AELEM = 0x84;
const SVX_SAVED_HELEM = 0x85;
const SVX_ANNOTATION = 0x87;
const META_STRUCT = 0xf0;

const STRIPPED_BY_A = new Set([0x00, 0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x20]);

type Sizes = [header: number, ptrs: number, strs: number][];

enum Section {
  Header,
  Roots,
  Stack,
  Heap,
  Contexts,
  Mortals,
  Done,
}

const SECTION_NAMES = [
  "the PMAT header",
  "the roots",
  "the stack",
  "an SV record",
  "a context record",
  "the mortals list",
];

/** Reads a whole .pmat into a PmatHeap, streaming: only an incomplete record is ever held back. */
export async function loadPmat(source: ByteSource, options: ReadOptions): Promise<PmatHeap> {
  const loader = new Loader(source.name, options.idsOnly === true);
  if (source.size) loader.heap.reserve(source.size, !options.idsOnly);
  let received = 0;
  for await (const chunk of source.chunks()) {
    received += chunk.byteLength;
    loader.window.append(chunk);
    if (loader.window.available >= loader.wanted) loader.run(false);
    options.onProgress?.(received, source.size);
  }
  loader.run(true);
  if (loader.section !== Section.Done) {
    const truncated = new SnapshotReadError(
      source.name,
      loader.failedAt,
      SECTION_NAMES[loader.section] ?? "the end of the file",
      true,
    );
    if (!options.salvage || loader.section < Section.Heap) throw truncated;
  }
  return loader.heap;
}

class Loader {
  readonly heap = new PmatHeap();
  readonly window = new PmatWindow();
  section = Section.Header;
  /** Bytes to gather before retrying an incomplete record (doubles, so big records parse once). */
  wanted = 0;
  failedAt = 0;
  private svSizes: Sizes = [];
  private svxSizes: Sizes = [];
  private ctxSizes: Sizes = [];
  private recordStart = 0;

  constructor(
    private readonly file: string,
    private readonly idsOnly: boolean,
  ) {}

  run(final: boolean): void {
    const w = this.window;
    while (this.section !== Section.Done) {
      const start = w.pos;
      this.recordStart = w.offset;
      this.heap.mark();
      try {
        this.step();
      } catch (error) {
        if (error !== NEED_MORE) throw error;
        this.failedAt = w.offset;
        w.pos = start;
        this.heap.rollback();
        // Old dumps end after the contexts, without a mortals list.
        if (final && this.section === Section.Mortals && w.available === 0)
          this.section = Section.Done;
        this.wanted = final ? 0 : Math.max(2 * w.available, 1);
        return;
      }
      this.wanted = 0;
    }
  }

  private fail(expected: string, at = this.recordStart): never {
    throw new SnapshotReadError(this.file, at, expected);
  }

  private step(): void {
    switch (this.section) {
      case Section.Header:
        this.readHeader();
        this.section = Section.Roots;
        return;
      case Section.Roots:
        this.readRoots();
        this.section = Section.Stack;
        return;
      case Section.Stack: {
        const w = this.window;
        const n = w.uint();
        const stack: number[] = [];
        for (let i = 0; i < n; i++) stack.push(w.ptr());
        this.heap.stack = stack;
        this.section = Section.Heap;
        return;
      }
      case Section.Heap:
        if (!this.readRecord()) this.section = Section.Contexts;
        return;
      case Section.Contexts:
        if (!this.readContext()) this.section = Section.Mortals;
        return;
      case Section.Mortals: {
        const w = this.window;
        const n = w.uint();
        const mortals: number[] = [];
        for (let i = 0; i < n; i++) mortals.push(w.ptr());
        if (n > 0) w.uint(); // the mortal floor
        this.heap.mortals = mortals;
        this.section = Section.Done;
        return;
      }
    }
  }

  private readHeader(): void {
    const w = this.window;
    const magic = [w.u8(), w.u8(), w.u8(), w.u8()];
    if (String.fromCharCode(...magic) !== "PMAT")
      this.fail('the magic "PMAT" (a Devel::MAT::Dumper .pmat file)', 0);
    const flags = w.u8();
    if (flags & ~0x1f) this.fail(`known header flags (0x01..0x10), not 0x${flags.toString(16)}`, 4);
    w.littleEndian = (flags & 0x01) === 0;
    w.uintSize = flags & 0x02 ? 8 : 4;
    w.ptrSize = flags & 0x04 ? 8 : 4;
    w.nvSize = flags & 0x08 ? 10 : 8;
    if (w.u8() !== 0) this.fail("a zero byte after the flags", 5);
    const major = w.u8();
    const minor = w.u8();
    if (major !== 0 || minor !== 4)
      this.fail(
        `format version 0.4 (as Devel::MAT::Dumper writes for perl before 5.38), not ${major}.${minor}`,
        6,
      );
    const perl = w.u32();
    this.svSizes = this.readSizes();
    this.svxSizes = this.readSizes();
    this.ctxSizes = this.readSizes();
    const header = this.svSizes[0];
    if (!header || header[0] < 4 + w.ptrSize + w.uintSize || header[1] < 1)
      this.fail(
        "a common SV header of at least an address, a refcount, a size and a blessed pointer",
      );
    if (this.svSizes.length <= LAST_TYPE) this.fail(`sizes for SV types up to ${LAST_TYPE}`);
    // The fields this reader takes from each type's header and strings must be there.
    const I = w.uintSize;
    const least: [type: number, header: number, strs: number][] = [
      [SvType.GLOB, I, 1],
      [SvType.SCALAR, 1 + 2 * I + w.nvSize, 1],
      [SvType.REF, 1, 0],
      [SvType.ARRAY, I + 1, 0],
      [SvType.HASH, I, 0],
      [SvType.STASH, I, 1 + this.svSizes[SvType.HASH]![2]],
      [SvType.CODE, I + 1 + w.ptrSize + 4, 0],
    ];
    for (const [type, header, strs] of least) {
      const [h, , n] = this.svSizes[type]!;
      if (h < header || n < strs)
        this.fail(
          `SV type ${type} to have at least ${header} header bytes and ${strs} strings`,
          12,
        );
    }
    this.heap.header = {
      formatVersion: `${major}.${minor}`,
      perlVersion: `${perl >>> 24}.${(perl >>> 16) & 0xff}.${perl & 0xffff}`,
      perlVersionCode: perl,
      bigEndian: !w.littleEndian,
      uintSize: w.uintSize,
      ptrSize: w.ptrSize,
      nvSize: w.nvSize,
      ithreads: (flags & 0x10) !== 0,
    };
  }

  private readSizes(): Sizes {
    const w = this.window;
    const n = w.u8();
    const sizes: Sizes = [];
    for (let i = 0; i < n; i++) sizes.push([w.u8(), w.u8(), w.u8()]);
    return sizes;
  }

  private readRoots(): void {
    const w = this.window;
    const heap = this.heap;
    const undefAt = w.ptr();
    const yesAt = w.ptr();
    const noAt = w.ptr();
    const n = w.u32();
    const roots: { name: string; address: number }[] = [];
    for (let i = 0; i < n; i++) {
      const len = w.str();
      const name = len < 0 ? "" : w.latin1(len);
      roots.push({ name, address: w.ptr() });
    }
    heap.undefAt = undefAt;
    heap.yesAt = yesAt;
    heap.noAt = noAt;
    heap.roots = roots;
  }

  /** Reads one SV, extension or META record; false at the heap's end marker. */
  private readRecord(): boolean {
    const w = this.window;
    const type = w.u8();
    if (type === 0) return false;
    if (type >= 0x80) {
      if (type === META_STRUCT) this.readMetaStruct();
      else if (type > META_STRUCT)
        this.fail(`a known META record type, not 0x${type.toString(16)}`);
      else this.readExtension(type);
      return true;
    }
    if (type > LAST_TYPE)
      this.fail(
        type === 0x7f
          ? "a core SV type (C_STRUCT records from XS extensions are not supported)"
          : `a known SV type (1..${LAST_TYPE}), not ${type}`,
      );
    this.readSv(type);
    return true;
  }

  private readSv(type: number): void {
    const w = this.window;
    const heap = this.heap;
    const [hdr, nptrs, nstrs] = this.svSizes[0]!;
    let at = w.pos;
    heap.addr.push(w.ptr());
    heap.refcnt.push(w.u32());
    heap.size.push(w.uint());
    w.skip(hdr - (w.pos - at));
    heap.blessed.push(w.ptr());
    this.skipPtrsStrs(nptrs - 1, nstrs);
    heap.type.push(type);
    heap.ptrStart.push(heap.ptrs.length);

    const [thdr, tptrs, tstrs] = this.svSizes[type]!;
    at = w.pos;
    let flags = 0;
    let aux = 0;
    let pvStart = 0;
    let pvLength = NO_PV;
    let num = Number.NaN;
    switch (type) {
      case SvType.GLOB: {
        w.uint(); // line
        w.skip(thdr - (w.pos - at));
        this.pointers(tptrs, 8);
        const len = w.str();
        if (!this.idsOnly && len >= 0) aux = heap.intern(w.utf8(len));
        this.skipPtrsStrs(0, tstrs - 1);
        break;
      }
      case SvType.SCALAR: {
        flags = w.u8();
        // Flag 0x02 means "the IV is a UV" (format.txt, and perl's own values agree).
        const iv = flags & 0x02 ? w.uint() : w.int();
        const nvLast = w.pos + w.nvSize - 1;
        const nv = w.nv();
        // pmat unpacks the NV with "A", which strips trailing NULs and whitespace: an NV whose
        // last byte is one of those (0.0, for one) is no NV at all to pmat.
        if (flags & 0x04 && STRIPPED_BY_A.has(w.byteAt(nvLast))) flags |= SCALAR_NV_LOST;
        w.uint(); // PVLEN: the full length, when the PV was cut to -max_string
        w.skip(thdr - (w.pos - at));
        if (flags & 0x04) num = nv;
        else if (flags & 0x01) num = iv;
        this.pointers(tptrs, 1);
        const len = w.str();
        if (!this.idsOnly && len >= 0 && flags & 0x08) {
          pvStart = heap.pvBytes.length;
          pvLength = len;
          heap.pvBytes.append(w.bytes(w.strStart, len));
        }
        this.skipPtrsStrs(0, tstrs - 1);
        break;
      }
      case SvType.REF:
        flags = w.u8();
        w.skip(thdr - (w.pos - at));
        this.pointers(tptrs, 2);
        this.skipPtrsStrs(0, tstrs);
        break;
      case SvType.ARRAY: {
        const n = w.uint();
        flags = w.u8();
        w.skip(thdr - (w.pos - at));
        this.skipPtrsStrs(tptrs, tstrs);
        this.pointers(n, n);
        break;
      }
      case SvType.HASH:
      case SvType.STASH: {
        const [, hptrs, hstrs] = this.svSizes[SvType.HASH]!;
        const n = w.uint();
        w.skip(thdr - (w.pos - at));
        this.pointers(hptrs, 1); // backrefs
        if (type === SvType.STASH) {
          this.pointers(tptrs - hptrs, 4); // the MRO caches
          this.skipPtrsStrs(0, hstrs);
          const len = w.str();
          if (!this.idsOnly && len >= 0) aux = heap.intern(w.utf8(len));
          this.skipPtrsStrs(0, tstrs - hstrs - 1);
        } else {
          this.skipPtrsStrs(0, tstrs);
        }
        for (let i = 0; i < n; i++) {
          const len = w.str();
          const key = this.idsOnly || len < 0 ? 0 : heap.keyTable.intern(w, len);
          const value = w.ptr();
          if (this.idsOnly) continue;
          heap.ptrs.push(value);
          heap.keys.push(key);
        }
        break;
      }
      case SvType.CODE:
        aux = heap.codes.length;
        flags = this.readCode(thdr, tptrs, tstrs);
        break;
      case SvType.IO:
        w.skip(thdr);
        this.pointers(tptrs, 3);
        this.skipPtrsStrs(0, tstrs);
        break;
      case SvType.LVALUE:
        w.skip(thdr);
        this.pointers(tptrs, 1);
        this.skipPtrsStrs(0, tstrs);
        break;
      case SvType.YES:
        num = 1;
        w.skip(thdr);
        this.skipPtrsStrs(tptrs, tstrs);
        break;
      case SvType.NO:
        num = 0;
        w.skip(thdr);
        this.skipPtrsStrs(tptrs, tstrs);
        break;
      default: // REGEXP, FORMAT, INVLIST, UNDEF: nothing beyond the common header
        w.skip(thdr);
        this.skipPtrsStrs(tptrs, tstrs);
    }
    heap.flags.push(flags);
    heap.aux.push(aux);
    heap.pvStart.push(pvStart);
    heap.pvLength.push(pvLength);
    heap.num.push(num);
  }

  /** Reads `n` pointers into the pool, keeping the first `keep` (none when only ids are wanted). */
  private pointers(n: number, keep: number): void {
    const w = this.window;
    const heap = this.heap;
    for (let i = 0; i < n; i++) {
      const p = w.ptr();
      if (i < keep && !this.idsOnly) {
        heap.ptrs.push(p);
        heap.keys.push(0);
      }
    }
    if (!this.idsOnly)
      for (let i = n; i < keep; i++) {
        heap.ptrs.push(0);
        heap.keys.push(0);
      }
  }

  private skipPtrsStrs(nptrs: number, nstrs: number): void {
    const w = this.window;
    if (nptrs > 0) w.skip(nptrs * w.ptrSize);
    for (let i = 0; i < nstrs; i++) {
      const len = w.uint();
      if (len > 0) w.skip(len);
    }
  }

  private readCode(hdr: number, nptrs: number, nstrs: number): number {
    const w = this.window;
    const at = w.pos;
    const line = w.uint();
    const flags = w.u8();
    const oproot = w.ptr();
    const depth = w.u32();
    w.skip(hdr - (w.pos - at));
    const p: number[] = [];
    for (let i = 0; i < nptrs; i++) p.push(w.ptr());
    const s: (string | null)[] = [];
    for (let i = 0; i < nstrs; i++) {
      const len = w.str();
      s.push(len < 0 ? null : w.utf8(len));
    }
    const code: CodeInfo = {
      flags,
      oproot,
      depth,
      stash: p[0] ?? 0,
      glob: p[1] ?? 0,
      outside: p[2] ?? 0,
      padlist: p[3] ?? 0,
      constval: p[4] ?? 0,
      file: s[0] ?? null,
      name: s[1] ?? null,
      line,
      consts: [],
      constix: [],
      gvs: [],
      gvix: [],
      padnames: [],
      padnamesAt: 0,
      padsAt: [],
    };
    for (let kind = w.u8(); kind !== 0; kind = w.u8()) {
      switch (kind) {
        case 1:
          code.consts.push(w.ptr());
          break;
        case 2:
          code.constix.push(w.uint());
          break;
        case 3:
          code.gvs.push(w.ptr());
          break;
        case 4:
          code.gvix.push(w.uint());
          break;
        case 5: {
          const padix = w.uint();
          const len = w.str();
          code.padnames[padix] = len < 0 ? null : w.utf8(len);
          w.ptr(); // our stash
          break;
        }
        case 6: // formerly the pad SVs
          w.uint();
          w.uint();
          w.ptr();
          break;
        case 7:
          code.padnamesAt = w.ptr();
          break;
        case 8: {
          // The dumper lists pads by depth, 1, 2, 3...: a depth past the next is corrupt (and
          // would make a sparse array that the graph walks up to that depth).
          const d = w.uint();
          if (d < 1 || d > code.padsAt.length + 1)
            this.fail(
              `a pad depth from 1 to ${code.padsAt.length + 1}, not ${d}`,
              w.offset - w.uintSize,
            );
          code.padsAt[d] = w.ptr();
          break;
        }
        case 9: // pad name flags
          w.uint();
          w.u8();
          break;
        case 10: // a field of a feature-class class
          w.uint();
          w.uint();
          w.ptr();
          break;
        default:
          this.fail(`a known CODE body record (1..10), not ${kind}`, w.offset - 1);
      }
    }
    this.heap.codes.push(code);
    return flags;
  }

  private readExtension(type: number): void {
    const w = this.window;
    const heap = this.heap;
    const sizes = this.svxSizes[type - 0x80];
    if (!sizes) this.fail(`a known SV extension type, not 0x${type.toString(16)}`);
    const [hdr, nptrs, nstrs] = sizes;
    const sv = w.ptr();
    const at = w.pos;
    let b0 = 0;
    let b1 = 0;
    let index = 0;
    if (type === SVX_MAGIC && hdr >= 2) {
      b0 = w.u8(); // the magic type, a char
      b1 = w.u8(); // its flags
    } else if (type === SVX_SAVED_AELEM && hdr >= w.uintSize) {
      index = w.uint();
    }
    w.skip(hdr - (w.pos - at));
    const p: number[] = [];
    for (let i = 0; i < nptrs; i++) p.push(w.ptr());
    let name = 0;
    for (let i = 0; i < nstrs; i++) {
      const len = w.str();
      if (i === 0 && len >= 0 && !this.idsOnly) name = heap.intern(w.utf8(len));
    }
    if (this.idsOnly) return;
    if (type === SVX_MAGIC) {
      heap.magicSv.push(sv);
      heap.magicType.push(b0);
      heap.magicFlags.push(b1);
      heap.magicObj.push(p[0] ?? 0);
      heap.magicPtr.push(p[1] ?? 0);
    } else if (type <= 0x86) {
      heap.savedSv.push(sv);
      heap.savedWhat.push(type);
      heap.savedA.push(
        type === SVX_SAVED_AELEM ? index : type === SVX_SAVED_HELEM ? (p[0] ?? 0) : 0,
      );
      heap.savedB.push(type === SVX_SAVED_HELEM ? (p[1] ?? 0) : (p[0] ?? 0));
    } else if (type === SVX_ANNOTATION) {
      heap.noteSv.push(sv);
      heap.noteVal.push(p[0] ?? 0);
      heap.noteName.push(name);
    }
    // Others (DEBUG_LEAKING_SCALARS reports, newer kinds) carry nothing the graph shows.
  }

  private readMetaStruct(): void {
    const w = this.window;
    w.uint(); // struct id
    const n = w.uint();
    this.skipPtrsStrs(0, 1);
    for (let i = 0; i < n; i++) {
      this.skipPtrsStrs(0, 1);
      w.u8();
    }
  }

  private readContext(): boolean {
    const w = this.window;
    const type = w.u8();
    if (type === 0) return false;
    const common = this.ctxSizes[0];
    const own = this.ctxSizes[type];
    if (!common || !own) this.fail(`a known context type, not ${type}`);
    for (const [hdr, nptrs, nstrs] of [common, own]) {
      w.skip(hdr);
      this.skipPtrsStrs(nptrs, nstrs);
    }
    return true;
  }
}
