// How Devel::MAT names things, so heapmat's answers on a .pmat read like pmat's own.

/**
 * Descriptions of the interpreter's named roots, and whether each holds its SV strongly
 * (Devel::MAT marks a few as weak). Roots not listed here are named by their own name, strongly.
 */
const ROOTS: Record<string, [description: string, strong: boolean]> = {
  sv_undef: ["the undef SV", true],
  sv_yes: ["the true SV", true],
  sv_no: ["the false SV", true],
  main_cv: ["the main code", true],
  defstash: ["the default stash", true],
  mainstack: ["the main stack AV", true],
  beginav: ["the BEGIN list", true],
  checkav: ["the CHECK list", true],
  unitcheckav: ["the UNITCHECK list", true],
  initav: ["the INIT list", true],
  endav: ["the END list", true],
  strtab: ["the shared string table HV", true],
  envgv: ["the ENV GV", false],
  incgv: ["the INC GV", true],
  statgv: ["the stat GV", true],
  statname: ["the statname SV", true],
  tmpsv: ["the temporary SV", false],
  defgv: ["the default GV", true],
  argvgv: ["the ARGV GV", false],
  argvoutgv: ["the argvout GV", true],
  argvout_stack: ["the argvout stack AV", true],
  errgv: ["the *@ GV", true],
  fdpidav: ["the FD-to-PID mapping AV", true],
  preambleav: ["the compiler preamble AV", true],
  modglobalhv: ["the module data globals HV", true],
  regex_padav: ["the REGEXP pad AV", true],
  sortstash: ["the sort stash", true],
  firstgv: ["the *a GV", false],
  secondgv: ["the *b GV", false],
  debstash: ["the debugger stash", false],
  stashcache: ["the stash cache", true],
  isarev: ["the reverse map of @ISA dependencies", true],
  registered_mros: ["the registered MROs HV", true],
  rs: ["the IRS", true],
  last_in_gv: ["the last input GV", true],
  ofsgv: ["the OFS GV", true],
  defoutgv: ["the default output GV", true],
  hintgv: ["the hints (%^H) GV", false],
  patchlevel: ["the patch level", true],
  apiversion: ["the API version", true],
  e_script: ["the '-e' script", true],
  mess_sv: ["the message SV", true],
  ors_sv: ["the ORS SV", true],
  encoding: ["the encoding", true],
  blockhooks: ["the block hooks", true],
  custom_ops: ["the custom ops HV", true],
  custom_op_names: ["the custom op names HV", true],
  custom_op_descs: ["the custom op descriptions HV", true],
};
for (const name of [
  "Latin1",
  "UpperLatin1",
  "AboveLatin1",
  "NonL1NonFinalFold",
  "HasMultiCharFold",
  "utf8_mark",
  "utf8_X_regular_begin",
  "utf8_X_extend",
  "utf8_toupper",
  "utf8_totitle",
  "utf8_tolower",
  "utf8_tofold",
  "utf8_charname_begin",
  "utf8_charname_continue",
  "utf8_idstart",
  "utf8_idcont",
  "utf8_xidstart",
  "utf8_perl_idstart",
  "utf8_perl_idcont",
  "utf8_xidcont",
  "utf8_foldclosures",
  "utf8_foldable",
])
  ROOTS[name] = [`the ${name}`, true];

export function rootDescription(name: string): { description: string; strong: boolean } {
  const known = ROOTS[name];
  return known ? { description: known[0], strong: known[1] } : { description: name, strong: true };
}

const BAREWORD = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

/** A hash key as pmat prints it: `{foo}`, or `{"a b"}` quoted like Perl's B::perlstring. */
export function formatKey(key: string): string {
  return `{${BAREWORD.test(key) ? key : perlString(key)}}`;
}

const NAMED_ESCAPES: Record<number, string> = {
  7: "\\a",
  8: "\\b",
  9: "\\t",
  10: "\\n",
  12: "\\f",
  13: "\\r",
  34: '\\"',
  36: "\\$",
  64: "\\@",
  92: "\\\\",
};

/** B::perlstring of a byte string (one char per byte): double-quoted, octal escapes. */
export function perlString(bytes: string): string {
  let out = '"';
  for (let i = 0; i < bytes.length; i++) {
    const c = bytes.charCodeAt(i);
    const named = NAMED_ESCAPES[c];
    if (named) out += named;
    else if (c >= 0x20 && c < 0x7f) out += bytes[i];
    else if (c < 0x100) out += `\\${c.toString(8).padStart(3, "0")}`;
    else out += `\\x{${c.toString(16)}}`;
  }
  return `${out}"`;
}

/** A glob's symbol name as pmat's `symname` builds it: `main::Foo::x` loses its `main::`. */
export function symbolName(sigil: string, stashName: string, globName: string): string {
  // Names starting with a control character (e.g. ${^WARNING_BITS}) are shown as ^X.
  const shown = globName.replace(
    /^[\x00-\x1f]/,
    (c) => `^${String.fromCharCode(64 + c.charCodeAt(0))}`,
  );
  const full = `${stashName}::${shown}`;
  return sigil + (/^main::.+::/.test(full) ? full.slice(6) : full);
}
