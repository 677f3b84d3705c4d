// A small polling client. Each connection registers a status callback and its data with the
// library's callback table, like a TLS client registering an OCSP status callback, and drops them
// when it closes.
import { randomBytes } from "node:crypto";
import { drop, get, put } from "./callback-data.mjs";

let nextId = 1;
let nextHandle = 0x5000;

/** The data handed to the status callback: the request and the stapled response it checks. */
export class StatusRequest {
  constructor(site) {
    this.site = site;
    this.nonce = randomBytes(8).toString("hex");
    this.requestedAt = Date.now();
    // The stapled OCSP response and the certificate chain it is checked against, about 8 KB of text.
    this.response = randomBytes(6144).toString("base64");
  }
}

export class Connection {
  constructor(site) {
    this.id = nextId++;
    this.handle = nextHandle++;
    this.site = site;
  }

  open() {
    put(this, "status_cb!!func", (status) => status === "good");
    put(this, "status_cb!!data", new StatusRequest(this.site));
  }

  /** A fake exchange: builds a response body and checks the status through the callback. */
  fetch() {
    const check = get(this, "status_cb!!func");
    const rows = [];
    for (let i = 0; i < 50; i++)
      rows.push({ site: this.site, value: Math.random(), tag: `row-${i}` });
    return { ok: check("good"), body: JSON.stringify(rows) };
  }

  close() {
    drop(this);
  }
}
