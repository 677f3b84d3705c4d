// A small program with the shapes the shell must name, run in a real child process that writes
// two real heap snapshots of itself: one, then more leaking, then another (ids are stable between).
export const LEAKY_APP = `
class SessionRecord {
  constructor(id) {
    this.id = id;
    this.payload = "session-" + id + "-" + "x".repeat(64);
  }
}
const sessions = new Map();
let next = 0;
function handleRequest() {
  const id = next++;
  sessions.set("s" + id, new SessionRecord(id));
}
export function lookup(id) {
  return sessions.get(id);
}
globalThis.appCache = {
  byName: { alpha: new SessionRecord(9001) },
  list: [new SessionRecord(9002), new SessionRecord(9003), new SessionRecord(9004)],
};
globalThis.tags = new Set(["red", "green"]);
// The same text built at run time 40 times: 40 duplicate strings.
globalThis.dupes = Array.from({ length: 40 }, () => ["dup", "licated", "text"].join("-"));
// A big string, to top \`largest --self\`.
globalThis.big = Array.from({ length: 300000 }, () => "B").join("");
// 400 distinct flat strings on which /^(a+)+$/ backtracks for ~50 ms each: so
// \`find string~/^(a+)+$/\` runs for tens of seconds, and Ctrl-C must stop it.
globalThis.slow = Array.from({ length: 400 }, (_, i) => JSON.parse(JSON.stringify("a".repeat(22) + "-" + i)));

const v8 = await import("node:v8");
for (let i = 0; i < 100; i++) handleRequest();
v8.writeHeapSnapshot(process.argv[2]);
for (let i = 0; i < 50; i++) handleRequest();
v8.writeHeapSnapshot(process.argv[3]);
`;
