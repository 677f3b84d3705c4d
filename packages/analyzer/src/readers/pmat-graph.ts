// Pass 2: turns the raw SV records into a HeapGraph with pmat's own classes, names and outrefs.
// Node kinds are what `pmat count` counts (arrays that are a CODE's pads count as PAD), edges are
// what `pmat outrefs` lists, in its order and with its names, and the synthetic root holds the
// interpreter's named roots, the stack, the mortals and the symbol table's variables.

import type { HeapGraph } from "../graph/heap-graph.js";
import { AddressIndex, type Groups, groupByNode } from "./pmat-address.js";
import { u8, u32 } from "./pmat-column.js";
import {
  decodePv,
  FIRST_SV,
  K,
  PMAT_BASETYPES,
  PMAT_EDGE_KINDS,
  PMAT_KINDS,
  type PmatDetails,
} from "./pmat-details.js";
import { CodeFlag, NO_PV, type PmatHeap, SCALAR_NV_LOST, SvType } from "./pmat-heap.js";
import { formatKey, rootDescription, symbolName } from "./pmat-names.js";

const STRONG = 0;
const WEAK = 1;
const INDIRECT = 2;
const INFERRED = 3;

const KIND_OF_TYPE: number[] = [];
KIND_OF_TYPE[SvType.GLOB] = K.GLOB;
KIND_OF_TYPE[SvType.SCALAR] = K.SCALAR;
KIND_OF_TYPE[SvType.REF] = K.REF;
KIND_OF_TYPE[SvType.ARRAY] = K.ARRAY;
KIND_OF_TYPE[SvType.HASH] = K.HASH;
KIND_OF_TYPE[SvType.STASH] = K.STASH;
KIND_OF_TYPE[SvType.CODE] = K.CODE;
KIND_OF_TYPE[SvType.IO] = K.IO;
KIND_OF_TYPE[SvType.LVALUE] = K.LVALUE;
KIND_OF_TYPE[SvType.REGEXP] = K.REGEXP;
KIND_OF_TYPE[SvType.FORMAT] = K.FORMAT;
KIND_OF_TYPE[SvType.INVLIST] = K.INVLIST;
KIND_OF_TYPE[SvType.UNDEF] = K.SCALAR;
KIND_OF_TYPE[SvType.YES] = K.BOOL;
KIND_OF_TYPE[SvType.NO] = K.BOOL;

export function buildPmatGraph(heap: PmatHeap, file: string, idsOnly: boolean): HeapGraph {
  return new Builder(heap, idsOnly).build(file);
}

class Builder {
  private readonly n: number;
  private readonly nodeCount: number;
  private readonly index: AddressIndex;
  private readonly kind: Uint8Array;
  private readonly ptrStart: Uint32Array;
  private readonly keys: Uint32Array;
  /** For PAD / PADNAMES nodes: the CODE node they belong to, else -1. */
  private readonly padCv: Int32Array;
  /** Per CODE (by code index): its pads' node indexes by depth - 1 (-1 = none). */
  private readonly codePads: number[][] = [];
  /** Per CODE (by code index): its padnames node, or -1. */
  private readonly codePadnames: number[] = [];
  private readonly protosub: Map<number, number> = new Map();
  private readonly hasMagic: Uint8Array;
  private readonly targets: Int32Array;

  private readonly edgeKind = u8();
  private readonly edgeName = u32();
  private readonly edgeTarget = u32();

  constructor(
    private readonly heap: PmatHeap,
    private readonly idsOnly: boolean,
  ) {
    const n = heap.count;
    this.n = n;
    this.nodeCount = n + FIRST_SV;
    heap.ptrStart.push(heap.ptrs.length);
    this.ptrStart = heap.ptrStart.data;
    this.keys = heap.keys.data;
    this.valueNames = new Int32Array(heap.strings.length).fill(-1);
    this.index = new AddressIndex(this.nodeCount);
    const index = this.index;
    index.set(heap.undefAt, 1);
    index.set(heap.yesAt, 2);
    index.set(heap.noAt, 3);
    const addr = heap.addr.data;
    for (let s = 0; s < n; s++) index.set(addr[s]!, s + FIRST_SV);
    this.kind = new Uint8Array(this.nodeCount);
    const type = heap.type.data;
    for (let s = 0; s < n; s++) this.kind[s + FIRST_SV] = KIND_OF_TYPE[type[s]!]!;
    this.padCv = new Int32Array(this.nodeCount).fill(-1);
    this.hasMagic = new Uint8Array(this.nodeCount);
    const magicSv = heap.magicSv.data;
    for (let m = 0; m < heap.magicSv.length; m++) {
      const node = index.get(magicSv[m]!);
      if (node >= 0) this.hasMagic[node] = 1;
    }
    // Every pointer in the pool, resolved once to a node index (-1: null or dangling).
    this.targets = new Int32Array(heap.ptrs.length);
    const ptrs = heap.ptrs.data;
    for (let p = 0; p < this.targets.length; p++) this.targets[p] = this.at(ptrs[p]!);
    this.fixupCode();
  }

  /**
   * A CODE's glob as pmat shows it: pmat's load-time fixup points a CODE at a glob that holds it
   * in its code slot, when there is one (which one, among aliases, depends on Perl's hash order:
   * we take the CODE's own CvGV when it holds it, else the first in the file).
   */
  private codeGlob(node: number, cvgvAddress: number): number {
    const cvgv = this.at(cvgvAddress);
    if (cvgv >= FIRST_SV && this.kind[cvgv] === K.GLOB && this.slot(cvgv, 4) === node) return cvgv;
    if (!this.globOfCode) {
      this.globOfCode = new Map();
      for (let g = FIRST_SV; g < this.nodeCount; g++) {
        if (this.kind[g] !== K.GLOB) continue;
        const code = this.slot(g, 4);
        if (code >= 0 && !this.globOfCode.has(code)) this.globOfCode.set(code, g);
      }
    }
    return this.globOfCode.get(node) ?? cvgv;
  }
  private globOfCode: Map<number, number> | null = null;

  /** Node index of an address, or -1 for null and dangling pointers. */
  private at(address: number): number {
    return address === 0 ? -1 : this.index.get(address);
  }

  /** The pointer at `offset` among SV node `node`'s pointers, as a node index or -1. */
  private slot(node: number, offset: number): number {
    const s = node - FIRST_SV;
    const p = this.ptrStart[s]! + offset;
    return p < this.ptrStart[s + 1]! ? this.targets[p]! : -1;
  }

  private ptrCount(node: number): number {
    const s = node - FIRST_SV;
    return this.ptrStart[s + 1]! - this.ptrStart[s]!;
  }

  /** Like Devel::MAT's load-time fixups: a CODE's padlist, padnames and pads get their own classes. */
  private fixupCode(): void {
    const heap = this.heap;
    const type = heap.type.data;
    const aux = heap.aux.data;
    const modernPads = heap.header.perlVersionCode >= ((5 << 24) | (18 << 16));
    for (let s = 0; s < this.n; s++) {
      if (type[s] !== SvType.CODE) continue;
      const node = s + FIRST_SV;
      const c = aux[s]!;
      const code = heap.codes[c]!;
      if (code.oproot && code.flags & CodeFlag.CLONE) this.protosub.set(code.oproot, node);
      const padlist = this.at(code.padlist);
      if (padlist >= 0) this.kind[padlist] = K.PADLIST;
      let padnames = -1;
      let pads: number[] = [];
      if (modernPads) {
        padnames = this.at(code.padnamesAt);
        for (let d = 1; d < code.padsAt.length; d++) pads.push(this.at(code.padsAt[d] ?? 0));
      } else if (padlist >= FIRST_SV && !this.idsOnly) {
        const elems: number[] = [];
        for (let i = 0; i < this.ptrCount(padlist); i++) elems.push(this.slot(padlist, i));
        padnames = elems[0] ?? -1;
        pads = elems.slice(1);
      }
      if (padnames >= FIRST_SV) {
        this.kind[padnames] = K.PADNAMES;
        this.padCv[padnames] = node;
        if (!this.idsOnly) code.padnames = this.namesFromPadnamesAv(padnames);
      }
      for (const pad of pads) {
        if (pad < FIRST_SV) continue;
        this.kind[pad] = K.PAD;
        this.padCv[pad] = node;
      }
      this.codePads[c] = pads;
      this.codePadnames[c] = padnames;
    }
  }

  private namesFromPadnamesAv(av: number): (string | null)[] {
    const names: (string | null)[] = [];
    for (let i = 1; i < this.ptrCount(av); i++) {
      const sv = this.slot(av, i);
      if (sv >= FIRST_SV) names[i] = this.scalarString(sv) ?? null;
    }
    return names;
  }

  private scalarString(node: number): string | undefined {
    const heap = this.heap;
    const s = node - FIRST_SV;
    const length = heap.pvLength.data[s]!;
    if (length === NO_PV) return undefined;
    const start = heap.pvStart.data[s]!;
    return decodePv(
      heap.pvBytes.data.subarray(start, start + length),
      (heap.flags.data[s]! & 0x10) !== 0,
    );
  }

  /** Edge names by hash key id, element index, and the "via RV" twin of each name. */
  private readonly valueNames: Int32Array;
  private readonly elementNames: number[] = [];
  private readonly viaNames = new Map<number, number>();

  private valueName(key: number): number {
    let id = this.valueNames[key]!;
    if (id < 0) {
      // One name per distinct key: no need to look it up among the others.
      id = this.heap.add(`value ${formatKey(this.heap.strings[key]!)}`);
      this.valueNames[key] = id;
    }
    return id;
  }

  private elementName(index: number): number {
    let id = this.elementNames[index];
    if (id === undefined) {
      id = this.name(`element [${index}]`);
      this.elementNames[index] = id;
    }
    return id;
  }

  private name(text: string): number {
    return this.heap.intern(text);
  }

  private edge(kind: number, name: number, target: number): void {
    if (target < 0) return;
    this.edgeKind.push(kind);
    this.edgeName.push(name);
    this.edgeTarget.push(target);
  }

  build(file: string): HeapGraph {
    const heap = this.heap;
    const { n, nodeCount } = this;
    const firstEdge = new Uint32Array(nodeCount + 1);
    if (!this.idsOnly) {
      const magic = groupByNode(heap.magicSv.data, heap.magicSv.length, this.index, nodeCount);
      const saved = groupByNode(heap.savedSv.data, heap.savedSv.length, this.index, nodeCount);
      const notes = groupByNode(heap.noteSv.data, heap.noteSv.length, this.index, nodeCount);
      this.rootEdges();
      for (let node = 1; node < nodeCount; node++) {
        firstEdge[node] = this.edgeKind.length;
        if (node < FIRST_SV) continue;
        this.outrefs(node, saved);
        this.commonOutrefs(node, magic, notes);
      }
    }
    firstEdge[nodeCount] = this.edgeKind.length;

    const nodeKind = this.kind;
    const nodeId = new Float64Array(nodeCount);
    nodeId[1] = heap.undefAt;
    nodeId[2] = heap.yesAt;
    nodeId[3] = heap.noAt;
    nodeId.set(heap.addr.data.subarray(0, n), FIRST_SV);
    const nodeSelfSize = new Float64Array(nodeCount);
    nodeSelfSize.set(heap.size.data.subarray(0, n), FIRST_SV);
    const refcnt = new Uint32Array(nodeCount);
    refcnt.set(heap.refcnt.data.subarray(0, n), FIRST_SV);
    const blessed = this.idsOnly ? null : new Uint8Array(nodeCount);
    const nodeName = blessed ? this.nodeNames(blessed) : new Uint32Array(nodeCount);
    const desc = this.idsOnly ? null : this.descriptions();
    let scalarFlags: Uint8Array | null = null;
    let pvStart: Float64Array | null = null;
    let pvLength: Uint32Array | null = null;
    let num: Float64Array | null = null;
    if (!this.idsOnly) {
      scalarFlags = new Uint8Array(nodeCount);
      const type = heap.type.data;
      const flags = heap.flags.data;
      for (let s = 0; s < n; s++)
        if (type[s] === SvType.SCALAR) scalarFlags[s + FIRST_SV] = flags[s]! & 0x1f;
      pvStart = new Float64Array(nodeCount);
      pvStart.set(heap.pvStart.data.subarray(0, n), FIRST_SV);
      pvLength = new Uint32Array(nodeCount).fill(NO_PV);
      pvLength.set(heap.pvLength.data.subarray(0, n), FIRST_SV);
      num = new Float64Array(nodeCount).fill(Number.NaN);
      num.set(heap.num.data.subarray(0, n), FIRST_SV);
    }
    const h = heap.header;
    const details: PmatDetails = {
      formatVersion: h.formatVersion,
      perlVersion: h.perlVersion,
      ithreads: h.ithreads,
      bigEndian: h.bigEndian,
      ptrSize: h.ptrSize,
      uintSize: h.uintSize,
      svCount: n,
      basetypes: PMAT_BASETYPES,
      desc,
      refcnt,
      blessed,
      scalarFlags,
      pvBytes: this.idsOnly ? null : heap.pvBytes.done(),
      pvStart,
      pvLength,
      num,
      roots: this.namedRoots(),
    };
    return {
      info: { format: "pmat", file, extra: { pmat: details } },
      nodeCount,
      edgeCount: this.edgeKind.length,
      strings: heap.strings,
      nodeKinds: PMAT_KINDS,
      edgeKinds: PMAT_EDGE_KINDS,
      edgeKindIsIndex: new Uint8Array(PMAT_EDGE_KINDS.length),
      nodeKind,
      nodeName,
      nodeId,
      nodeSelfSize,
      nodeTraceId: null,
      nodeDetachedness: null,
      firstEdge,
      edgeKind: this.edgeKind.done(),
      edgeName: this.edgeName.done(),
      edgeTarget: this.edgeTarget.done(),
      rootIndex: 0,
      locations: null,
      trace: null,
    };
  }

  /** The interpreter's roots, the immortals first, each with pmat's description and strength. */
  private namedRoots(): PmatDetails["roots"] {
    const heap = this.heap;
    return [
      { name: "sv_undef", address: heap.undefAt },
      { name: "sv_yes", address: heap.yesAt },
      { name: "sv_no", address: heap.noAt },
      ...heap.roots,
    ].map((root) => ({ ...root, ...rootDescription(root.name) }));
  }

  /** The synthetic root's edges: named roots, the stack, the mortals, then the symbol table. */
  private rootEdges(): void {
    for (const root of this.namedRoots())
      this.edge(root.strong ? STRONG : WEAK, this.name(root.description), this.at(root.address));
    const onStack = this.name("a value on the stack");
    for (const address of this.heap.stack) this.edge(WEAK, onStack, this.at(address));
    const mortal = this.name("a mortal");
    for (const address of this.heap.mortals) this.edge(STRONG, mortal, this.at(address));
    const defstash = this.heap.roots.find((r) => r.name === "defstash");
    if (defstash) this.symbolEdges(this.at(defstash.address));
  }

  /**
   * Walks the symbol table from the default stash as pmat's reachability tool does, naming each
   * package variable and sub the way pmat's `identify` does ("the symbol '%main::CACHE'"), and
   * each glob ("the glob '*main::STDOUT'"): a path from the root then reads like pmat's answer.
   */
  private symbolEdges(defstash: number): void {
    if (defstash < FIRST_SV || this.kind[defstash] !== K.STASH) return;
    const heap = this.heap;
    const seen = new Uint8Array(this.nodeCount);
    const queue = [defstash];
    seen[defstash] = 1;
    const sigils = ["$", "@", "%", "&"];
    for (let q = 0; q < queue.length; q++) {
      const stash = queue[q]!;
      const stashName = heap.strings[heap.aux.data[stash - FIRST_SV]!]!;
      const s = stash - FIRST_SV;
      for (let p = this.ptrStart[s]! + 5; p < this.ptrStart[s + 1]!; p++) {
        const value = this.targets[p]!;
        if (value < FIRST_SV) continue;
        const key = heap.strings[this.keys[p]!]!;
        const kind = this.kind[value];
        if (kind === K.GLOB) {
          const globStash = this.slot(value, 0);
          const ownStash =
            globStash >= FIRST_SV && this.kind[globStash] === K.STASH
              ? heap.strings[heap.aux.data[globStash - FIRST_SV]!]!
              : stashName;
          const globName = heap.strings[heap.aux.data[value - FIRST_SV]!]!;
          const glob = symbolName("*", ownStash, globName);
          this.edge(STRONG, this.name(`the glob '${glob}'`), value);
          for (let slot = 0; slot < 4; slot++) {
            const target = this.slot(value, slot + 1);
            if (target < FIRST_SV) continue;
            const name = symbolName(sigils[slot]!, ownStash, globName);
            if (slot === 3 && /^&.*::__ANON__$/.test(name)) continue;
            this.edge(STRONG, this.name(`the symbol '${name}'`), target);
          }
          // Keys ending in :: hold sub-packages: the glob's hash is their stash.
          const sub = key.endsWith("::") ? this.slot(value, 3) : -1;
          if (sub >= FIRST_SV && !seen[sub] && this.kind[sub] === K.STASH) {
            seen[sub] = 1;
            queue.push(sub);
          }
        } else if (kind === K.REF) {
          // Since perl 5.22 a sub may sit in its stash as a plain reference to the CODE.
          const code = this.slot(value, 0);
          if (code >= FIRST_SV && this.kind[code] === K.CODE) {
            const hek = heap.codes[heap.aux.data[code - FIRST_SV]!]!.name ?? key;
            this.edge(STRONG, this.name(`the symbol '&${stashName}::${hek}'`), code);
          }
        }
      }
    }
  }

  /** pmat's type-specific outrefs, in its order. */
  private outrefs(node: number, saved: Groups): void {
    const heap = this.heap;
    const s = node - FIRST_SV;
    const kind = this.kind[node]!;
    const p0 = this.ptrStart[s]!;
    const count = this.ptrStart[s + 1]! - p0;
    switch (kind) {
      case K.GLOB: {
        const slots = ["the scalar", "the array", "the hash", "the code", "", "the io", "the form"];
        for (let i = 0; i < slots.length; i++)
          if (i !== 4) this.edge(STRONG, this.name(slots[i]!), this.slot(node, i + 1));
        const egv = this.slot(node, 5);
        this.edge(egv === node ? WEAK : STRONG, this.name("the egv"), egv);
        for (let r = saved.first[node]!; r < saved.first[node + 1]!; r++) {
          const rec = saved.order[r]!;
          const what = SAVED_SLOT[heap.savedWhat.data[rec]!];
          if (what)
            this.edge(
              INFERRED,
              this.name(`saved value of ${what} slot`),
              this.at(heap.savedB.data[rec]!),
            );
        }
        return;
      }
      case K.SCALAR:
      case K.BOOL:
        this.edge(STRONG, this.name("the our stash"), this.slot(node, 0));
        return;
      case K.REF:
        this.edge(
          heap.flags.data[s]! & 1 ? WEAK : STRONG,
          this.name("the referrant"),
          this.slot(node, 0),
        );
        this.edge(STRONG, this.name("the our stash"), this.slot(node, 1));
        return;
      case K.ARRAY: {
        const unreal = (heap.flags.data[s]! & 1) !== 0;
        for (let i = 0; i < count; i++) {
          const target = this.targets[p0 + i]!;
          if (target < 0) continue;
          const name = this.elementName(i);
          if (unreal) {
            this.edge(WEAK, name, target);
          } else {
            this.edge(STRONG, name, target);
            this.viaRv(name, target);
          }
        }
        for (let r = saved.first[node]!; r < saved.first[node + 1]!; r++) {
          const rec = saved.order[r]!;
          if (heap.savedWhat.data[rec] !== 0x84) continue;
          const name = `saved value of element [${heap.savedA.data[rec]}]`;
          this.edge(INFERRED, this.name(name), this.at(heap.savedB.data[rec]!));
        }
        return;
      }
      case K.PADLIST:
        this.edge(STRONG, this.name("the padnames"), this.slot(node, 0));
        for (let i = 1; i < count; i++)
          this.edge(STRONG, this.name(`pad at depth ${i}`), this.slot(node, i));
        return;
      case K.PADNAMES:
        for (let i = 1; i < count; i++)
          this.edge(STRONG, this.name(`padname [${i}]`), this.slot(node, i));
        return;
      case K.PAD: {
        const cv = this.padCv[node]!;
        const padnames = cv >= 0 ? heap.codes[heap.aux.data[cv - FIRST_SV]!]!.padnames : [];
        this.edge(STRONG, this.name("the @_ av"), this.slot(node, 0));
        for (let i = 1; i < count; i++) {
          const target = this.slot(node, i);
          if (target < 0) continue;
          const padname = padnames[i];
          const name = this.name(padname ? `the lexical ${padname}` : `pad temporary ${i}`);
          this.edge(STRONG, name, target);
          this.viaRv(name, target);
        }
        return;
      }
      case K.HASH:
      case K.STASH: {
        this.backrefs(node);
        const first = kind === K.STASH ? 5 : 1;
        for (let i = first; i < count; i++) {
          const target = this.targets[p0 + i]!;
          if (target < 0) continue;
          const name = this.valueName(this.keys[p0 + i]!);
          this.edge(STRONG, name, target);
          this.viaRv(name, target);
        }
        for (let r = saved.first[node]!; r < saved.first[node + 1]!; r++) {
          const rec = saved.order[r]!;
          if (heap.savedWhat.data[rec] !== 0x85) continue;
          const keySv = this.at(heap.savedA.data[rec]!);
          const key = formatKey((keySv >= FIRST_SV && this.scalarString(keySv)) || "");
          this.edge(INFERRED, this.name("a key for saved value"), keySv);
          this.edge(
            INFERRED,
            this.name(`saved value of value ${key}`),
            this.at(heap.savedB.data[rec]!),
          );
        }
        if (kind === K.STASH) {
          const mro = [
            "the mro linear all HV",
            "the mro linear current",
            "the mro next::method",
            "the mro ISA cache",
          ];
          for (let i = 0; i < 4; i++) this.edge(STRONG, this.name(mro[i]!), this.slot(node, i + 1));
        }
        return;
      }
      case K.CODE:
        this.codeOutrefs(node);
        return;
      case K.IO:
        this.edge(STRONG, this.name("the top GV"), this.slot(node, 0));
        this.edge(STRONG, this.name("the format GV"), this.slot(node, 1));
        this.edge(STRONG, this.name("the bottom GV"), this.slot(node, 2));
        return;
      case K.LVALUE:
        this.edge(STRONG, this.name("the target"), this.slot(node, 0));
        return;
    }
  }

  /** pmat's "... via RV" shortcut: a container's REF element also points, indirectly, at its referrant. */
  private viaRv(name: number, target: number): void {
    if (this.kind[target] !== K.REF || this.hasMagic[target]) return;
    const rv = this.slot(target, 0);
    if (rv < 0) return;
    let via = this.viaNames.get(name);
    if (via === undefined) {
      via = this.heap.add(`${this.heap.strings[name]} via RV`);
      this.viaNames.set(name, via);
    }
    this.edge(INDIRECT, via, rv);
  }

  private backrefs(node: number): void {
    const backrefs = this.slot(node, 0);
    if (backrefs < 0) return;
    // One weak referrer is stored directly; more live in an ARRAY.
    if (this.kind[backrefs] !== K.ARRAY) {
      this.edge(WEAK, this.name("a backref"), backrefs);
      return;
    }
    this.edge(STRONG, this.name("the backrefs list"), backrefs);
    const name = this.name("a backref");
    for (let i = 0; i < this.ptrCount(backrefs); i++)
      this.edge(INDIRECT, name, this.slot(backrefs, i));
  }

  private codeOutrefs(node: number): void {
    const heap = this.heap;
    const c = heap.aux.data[node - FIRST_SV]!;
    const code = heap.codes[c]!;
    const pads = this.codePads[c] ?? [];
    const padlist = this.at(code.padlist);
    const scope = code.flags & CodeFlag.WEAKOUTSIDE ? WEAK : STRONG;
    this.edge(scope, this.name("the scope"), this.at(code.outside));
    this.edge(WEAK, this.name("the stash"), this.at(code.stash));
    this.edge(
      code.flags & CodeFlag.CVGV_RC ? STRONG : WEAK,
      this.name("the glob"),
      this.codeGlob(node, code.glob),
    );
    this.edge(STRONG, this.name("the constant value"), this.at(code.constval));
    if (code.flags & CodeFlag.CLONED && code.oproot)
      this.edge(INFERRED, this.name("the protosub"), this.protosub.get(code.oproot) ?? -1);
    // Under ithreads, constants and captured globs really live in the first pad.
    let consts = code.consts.map((a) => this.at(a));
    let gvs = code.gvs.map((a) => this.at(a));
    if (this.heap.header.ithreads) {
      const pad0 = pads[0] ?? -1;
      const fromPad = (ix: number[]) =>
        [...new Set(ix)].map((i) => (pad0 >= FIRST_SV ? this.slot(pad0, i) : -1));
      if (code.constix.length) consts = fromPad(code.constix);
      if (code.gvix.length) gvs = fromPad(code.gvix);
    }
    const shared = this.heap.header.ithreads ? INDIRECT : STRONG;
    for (const sv of consts) this.edge(shared, this.name("a constant"), sv);
    for (const sv of gvs) this.edge(shared, this.name("a referenced glob"), sv);
    this.edge(STRONG, this.name("the padlist"), padlist);
    const padKind = padlist >= 0 ? INDIRECT : STRONG;
    this.edge(padKind, this.name("the padnames"), this.codePadnames[c] ?? -1);
    for (let d = 0; d < pads.length; d++)
      this.edge(padKind, this.name(`pad at depth ${d + 1}`), pads[d]!);
  }

  /** Outrefs every SV may have: its bless package, magic, and annotations. */
  private commonOutrefs(node: number, magic: Groups, notes: Groups): void {
    const heap = this.heap;
    const s = node - FIRST_SV;
    this.edge(WEAK, this.name("the bless package"), this.at(heap.blessed.data[s]!));
    for (let r = magic.first[node]!; r < magic.first[node + 1]!; r++) {
      const m = magic.order[r]!;
      const type = magicTypeName(heap.magicType.data[m]!);
      const strong = heap.magicFlags.data[m]! & 1;
      this.edge(
        strong ? STRONG : WEAK,
        this.name(`'${type}' magic object`),
        this.at(heap.magicObj.data[m]!),
      );
      this.edge(STRONG, this.name(`'${type}' magic pointer`), this.at(heap.magicPtr.data[m]!));
    }
    for (let r = notes.first[node]!; r < notes.first[node + 1]!; r++) {
      const a = notes.order[r]!;
      this.edge(STRONG, heap.noteName.data[a]!, this.at(heap.noteVal.data[a]!));
    }
  }

  /** pmat's `type`: the kind, or UNDEF for a scalar with no value; blessed SVs show their package. */
  private nodeNames(isBlessed: Uint8Array): Uint32Array {
    const heap = this.heap;
    const names = new Uint32Array(this.nodeCount);
    names[0] = this.name("(roots)");
    names[1] = this.name("UNDEF");
    names[2] = this.name("SCALAR");
    names[3] = this.name("SCALAR");
    const byKind = PMAT_KINDS.map((k) => this.name(k));
    const undef = this.name("UNDEF");
    const blessed = heap.blessed.data;
    for (let node = FIRST_SV; node < this.nodeCount; node++) {
      const s = node - FIRST_SV;
      const stash = this.at(blessed[s]!);
      if (stash >= FIRST_SV && this.kind[stash] === K.STASH) {
        names[node] = heap.aux.data[stash - FIRST_SV]!;
        isBlessed[node] = 1;
      } else if (this.kind[node] === K.SCALAR && !hasValue(heap.flags.data[s]!))
        names[node] = undef;
      else names[node] = byKind[this.kind[node]!]!;
    }
    return names;
  }

  /** pmat's `desc` of each SV, as `pmat-leakreport` and `pmat` print it. */
  private descriptions(): Uint32Array {
    const heap = this.heap;
    const desc = new Uint32Array(this.nodeCount);
    desc[0] = this.name("(roots)");
    desc[1] = this.name("UNDEF");
    desc[2] = this.name("YES");
    desc[3] = this.name("NO");
    for (let node = FIRST_SV; node < this.nodeCount; node++) {
      const s = node - FIRST_SV;
      const flags = heap.flags.data[s]!;
      const count = this.ptrCount(node);
      let text: string;
      switch (this.kind[node]) {
        case K.SCALAR: {
          const parts: string[] = [];
          // pmat 0.51 reads flag 0x02 the other way round: it calls -2 a UV and 2**64-1 an IV.
          // Its descriptions are what pmat-leakreport prints and `count --scalars` counts.
          if (flags & 0x01) parts.push(flags & 0x02 ? "IV" : "UV");
          if (flags & 0x04 && !(flags & SCALAR_NV_LOST)) parts.push("NV");
          if (flags & 0x08) parts.push("PV");
          text = parts.length ? `SCALAR(${parts.join(",")})` : "UNDEF()";
          break;
        }
        case K.BOOL:
          text = heap.type.data[s] === SvType.YES ? "BOOL(YES)" : "BOOL(NO)";
          break;
        case K.REF:
          text = flags & 1 ? "REF(W)" : "REF()";
          break;
        case K.ARRAY:
          text = flags & 1 ? `ARRAY(${count},!REAL)` : `ARRAY(${count})`;
          break;
        case K.PAD:
        case K.PADLIST:
        case K.PADNAMES:
          text = `${PMAT_KINDS[this.kind[node]!]}(${count})`;
          break;
        case K.HASH:
          text = `HASH(${count - 1})`;
          break;
        case K.STASH:
          text = `STASH(${count - 5})`;
          break;
        case K.CODE: {
          const code = heap.codes[heap.aux.data[s]!]!;
          const parts: string[] = [];
          if (code.oproot) parts.push("PP");
          if (this.at(code.constval) >= 0) parts.push("CONST");
          if (code.flags & CodeFlag.XSUB) parts.push("XS");
          if (code.flags & CodeFlag.CLONED) parts.push("closure");
          if (code.flags & CodeFlag.CLONE) parts.push("proto");
          text = `CODE(${parts.join(",")})`;
          break;
        }
        case K.GLOB: {
          let sigils = "";
          const marks = ["$", "@", "%", "&", "*", "I", "F"];
          for (let i = 0; i < marks.length; i++)
            if (this.slot(node, i + 1) >= 0) sigils += marks[i];
          text = `GLOB(${sigils})`;
          break;
        }
        default:
          text = `${PMAT_KINDS[this.kind[node]!]}()`;
      }
      desc[node] = this.name(text);
    }
    return desc;
  }
}

/** Whether pmat sees any value (IV, UV, NV or PV) in a SCALAR with these flags. */
function hasValue(flags: number): boolean {
  return (flags & 0x09) !== 0 || ((flags & 0x04) !== 0 && (flags & SCALAR_NV_LOST) === 0);
}

const SAVED_SLOT: Record<number, string> = {
  129: "SCALAR",
  130: "ARRAY",
  131: "HASH",
  134: "CODE",
};

/** A magic type as pmat's `unpack "A1"` reads it: NUL and whitespace become empty. */
function magicTypeName(byte: number): string {
  return byte === 0 || byte === 0x20 || (byte >= 0x09 && byte <= 0x0d)
    ? ""
    : String.fromCharCode(byte);
}
