// Secrets: a dump holds every string on the heap. A child process plants secrets of every shape
// V8 has (flat, two-byte, cons, sliced, Map keys and values, closures, source text, a regexp,
// an error message, the command line); the tests grep the files' bytes and every inflated
// section for them.
import { spawnSync } from "node:child_process";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { entryText } from "../../src/hmat-reader.js";
import {
  CLI,
  decodeFile,
  exited,
  INDEX_ESM,
  removeTempDirs,
  runNode,
  startNode,
  tempDir,
  until,
  writeApp,
} from "../helpers.js";
import { hmatText } from "./support.js";

/** Each secret is assembled at run time, except SOURCE, which is a literal in the program. */
const SECRETS = {
  value: "SECRET-value-hunter2-7f3a9c",
  twoByte: "SECRET-twobyte-пароль-密码-é",
  consLeft: "SECRET-cons-left-part-11aa",
  consRight: "SECRET-cons-right-part-22bb",
  sliced: "SECRET-sliced-out-of-a-longer-string-91ab",
  mapKey: "SECRET-mapkey-session-3e8d",
  mapValue: "SECRET-mapvalue-bearer-5c1f",
  closure: "SECRET-closure-token-0d2b",
  error: "SECRET-error-message-8e4a",
  source: "SECRET-source-literal-6b7c",
  regexp: "SECRET-regexp-[0-9]+-4d1e",
  argv: "SECRET-argv-token-2a9f",
};
/** In a Buffer: off the JS heap, so V8's snapshot holds its size only, never its bytes. */
const BUFFER_SECRET = "SECRET-buffer-bytes-9c3d";
/** A property name: stays readable even under redact (documented). */
const PROPERTY_NAME = "SECRETpropertyname42";

const join2 = (s: string) =>
  `[${JSON.stringify(s.slice(0, 7))}, ${JSON.stringify(s.slice(7))}].join("")`;

function plantSecrets(): string {
  return `
const own = (s) => s; // defeat constant folding of the joins below
globalThis.keep = {
  value: own(${join2(SECRETS.value)}),
  twoByte: own(${join2(SECRETS.twoByte)}),
  cons: own(${join2(SECRETS.consLeft)}) + own(${join2(SECRETS.consRight)}),
  sliced: ("x".repeat(200) + own(${join2(SECRETS.sliced)}) + "y".repeat(200)).slice(200, ${200 + SECRETS.sliced.length}),
  map: new Map([[own(${join2(SECRETS.mapKey)}), own(${join2(SECRETS.mapValue)})]]),
  closure: ((t) => () => t)(own(${join2(SECRETS.closure)})),
  error: new Error(own(${join2(SECRETS.error)})),
  source: function useKey() { return "${SECRETS.source}"; },
  regexp: new RegExp(own(${join2(SECRETS.regexp)})),
  buffer: Buffer.concat([Buffer.from(${JSON.stringify(BUFFER_SECRET.slice(0, 7))}), Buffer.from(${JSON.stringify(BUFFER_SECRET.slice(7))})]),
  byName: { [own(${join2(PROPERTY_NAME)})]: { an: "object" } },
};
globalThis.keep.source();
`;
}

/** The secrets found in a file's bytes or its inflated sections. */
function secretsIn(file: string): string[] {
  const text = hmatText(readFileSync(file));
  return Object.values(SECRETS).filter((s) =>
    text.includes(Buffer.from(s, "utf8").toString("latin1")),
  );
}

describe("secrets", () => {
  afterAll(removeTempDirs);
  const dir = tempDir();
  const out = (name: string) => join(dir, name);

  beforeAll(() => {
    const app = writeApp(
      tempDir(),
      "secrets.mjs",
      `import { configure, dump, dumpSync } from ${JSON.stringify(INDEX_ESM)};
import { writeHeapSnapshot } from "node:v8";
import { writeFileSync } from "node:fs";
${plantSecrets()}
process.umask(0);
writeFileSync(${JSON.stringify(out("umask-control"))}, "x"); // 0666 under this umask
await dump(${JSON.stringify(out("plain.hmat"))});
writeHeapSnapshot(${JSON.stringify(out("plain.heapsnapshot"))});
await dump(${JSON.stringify(out("inspector.hmat"))}, { via: "inspector" });
await dump(${JSON.stringify(out("cut.hmat"))}, { maxString: 16 });
configure({ redact: true });
await dump(${JSON.stringify(out("redacted.hmat"))});
await dump(${JSON.stringify(out("redacted-via-file.hmat"))}, { via: "file" });
dumpSync(${JSON.stringify(out("redacted-sync.hmat"))});
console.log("ok");`,
    );
    const run = runNode([app, `--token=${SECRETS.argv}`], { cwd: dir });
    if (run.status !== 0 || !run.stdout.includes("ok")) throw new Error(run.stderr);
  }, 120_000);

  it("an ordinary dump holds every planted secret (so the checks below can fail)", () => {
    expect(secretsIn(out("plain.hmat")).sort()).toEqual(Object.values(SECRETS).sort());
    const strings = decodeFile(out("plain.hmat")).strings.map(entryText);
    expect(strings).toContain(SECRETS.twoByte);
    // What docs/reliability.md says is not in a dump: a Buffer's bytes.
    const text = hmatText(readFileSync(out("plain.hmat")));
    expect(text.includes(BUFFER_SECRET)).toBe(false);
    expect(readFileSync(out("plain.heapsnapshot"), "utf8").includes(BUFFER_SECRET)).toBe(false);
  });

  it("redact writes no string contents: not in the bytes, not in any inflated section", () => {
    for (const name of ["redacted.hmat", "redacted-via-file.hmat", "redacted-sync.hmat"]) {
      expect(secretsIn(out(name)), name).toEqual([]);
      const decoded = decodeFile(out(name));
      expect(decoded.info.redacted).toBe(true);
      expect((decoded.info.argv as string[]).length).toBe(2);
      // Lengths stay; property and constructor names stay readable.
      expect(decoded.strings).toContain(SECRETS.value.length);
      const strings = decoded.strings.map(entryText);
      expect(strings).toContain("useKey");
      expect(strings).toContain("Map");
      // The documented limit: a secret used as a property name is a name, and stays.
      expect(strings).toContain(PROPERTY_NAME);
    }
    // No temporary file (V8's JSON, a .tmp) stays behind.
    expect(readdirSync(dir).filter((f) => f.endsWith(".tmp"))).toEqual([]);
  });

  it("max_string keeps the first n characters and the length", () => {
    const decoded = decodeFile(out("cut.hmat"));
    expect(decoded.info.maxString).toBe(16);
    expect(decoded.strings.some((s) => typeof s === "string" && s.length > 16)).toBe(false);
    expect(decoded.strings).toContainEqual([SECRETS.value.slice(0, 16), SECRETS.value.length]);
    const text = hmatText(readFileSync(out("cut.hmat")));
    expect(text.includes(SECRETS.value)).toBe(false);
  });

  it("dump files are created 0600, also under umask 000", () => {
    expect(statSync(out("umask-control")).mode & 0o777).toBe(0o666);
    for (const name of [
      "plain.hmat",
      "inspector.hmat",
      "cut.hmat",
      "redacted.hmat",
      "redacted-via-file.hmat",
      "redacted-sync.hmat",
    ])
      expect((statSync(out(name)).mode & 0o777).toString(8), name).toBe("600");
  });

  it("heapmat-dump convert --redact strips an existing .hmat or .heapsnapshot before sharing", () => {
    const plainNodes = decodeFile(out("plain.hmat")).trailer.nodes;
    for (const [input, output] of [
      ["plain.hmat", "shared-from-hmat.hmat"],
      ["plain.heapsnapshot", "shared-from-json.hmat"],
    ] as const) {
      // Under umask 000 too: the output is 0600.
      const run = spawnSync(
        "sh",
        [
          "-c",
          `umask 000; exec "$0" "$@"`,
          process.execPath,
          CLI,
          "convert",
          out(input),
          out(output),
          "--redact",
          "--json",
        ],
        { encoding: "utf8" },
      );
      expect(run.status, run.stderr).toBe(0);
      expect(secretsIn(out(output)), output).toEqual([]);
      expect((statSync(out(output)).mode & 0o777).toString(8)).toBe("600");
      const decoded = decodeFile(out(output));
      expect(decoded.info.redacted).toBe(true);
      expect(decoded.strings.map(entryText)).toContain("useKey");
      if (input === "plain.hmat") {
        // The same graph, and the dump's own record minus the command line's arguments.
        expect(decoded.trailer.nodes).toBe(plainNodes);
        expect(decoded.info.reason).toBe("api");
        expect(decoded.info.argv).toHaveLength(2);
      }
    }
    // Both ways back to V8's JSON keep the redaction.
    const back = runNode([
      CLI,
      "convert",
      out("shared-from-hmat.hmat"),
      out("shared.heapsnapshot"),
    ]);
    expect(back.status, back.stderr).toBe(0);
    const json = readFileSync(out("shared.heapsnapshot"), "utf8");
    for (const secret of Object.values(SECRETS)) expect(json.includes(secret)).toBe(false);
    // Redacting straight into V8's JSON is refused (usage error), not done half-way.
    const refused = runNode([CLI, "convert", out("plain.hmat"), out("x.heapsnapshot"), "--redact"]);
    expect(refused.status).toBe(2);
  });

  it("SIGKILL during a redacted dump leaves no secret on disk (V8's JSON never touches it)", async () => {
    const work = tempDir();
    const app = writeApp(
      tempDir(), // the program's own source holds the literal: keep it out of `work`
      "killed.mjs",
      `import { dump } from ${JSON.stringify(INDEX_ESM)};
${plantSecrets()}
globalThis.orders = Array.from({ length: 150000 }, (_, i) => ({ id: i, label: "order-" + i }));
await dump(${JSON.stringify(join(work, "k.hmat"))}, { redact: true });
console.log("done");`,
    );
    const child = startNode([app, `--token=${SECRETS.argv}`], { cwd: work });
    const partial = () =>
      readdirSync(work).filter((f) => f.endsWith(".tmp") && statSync(join(work, f)).size > 4096);
    await until(
      () => partial().length > 0 || child.output().includes("done"),
      60_000,
      "the dump to be under way",
    );
    // What is on disk at the kill (the converter process removes its files once the host is gone).
    const onDisk = new Map(partial().map((f) => [f, readFileSync(join(work, f))]));
    child.kill("SIGKILL");
    await exited(child);
    await until(() => partial().length === 0, 60_000, "the converter to clean up");
    const left = [...onDisk.keys()];
    expect(left.filter((f) => f.endsWith(".heapsnapshot.tmp"))).toEqual([]);
    for (const f of left) {
      // The complete sections, inflated, and the raw bytes of the cut one.
      const text = hmatText(onDisk.get(f)!, { partial: true });
      for (const secret of Object.values(SECRETS))
        expect(text.includes(Buffer.from(secret).toString("latin1")), `${f}: ${secret}`).toBe(
          false,
        );
      expect(text).toContain("node_fields"); // the sections before the cut were inflated
    }
    expect(left.length).toBeGreaterThan(0);
  });
});
