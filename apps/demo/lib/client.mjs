// A small polling client: each connection registers a status callback and its data, like a TLS
// client registering an OCSP status callback, and drops them when it closes.
import { drop, get, put } from "./callback-data.mjs";

let nextId = 1;
let nextHandle = 0x5000;

export class StatusRequest {
  constructor(site) {
    this.site = site;
    this.nonce = Math.random().toString(36).slice(2);
    this.requestedAt = Date.now();
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
    for (let i = 0; i < 200; i++)
      rows.push({ site: this.site, value: Math.random(), tag: `row-${i}` });
    return { ok: check("good"), body: JSON.stringify(rows) };
  }

  close() {
    drop(this);
  }
}
