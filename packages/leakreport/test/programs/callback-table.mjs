// Devel::MAT's case study, in JavaScript: put() files each context's callbacks under one key,
// drop() deletes another, so every context's table of callbacks stays behind.
import { churn, run } from "./harness.mjs";

const globalCallbackData = new Map();

function callbackDataPut(context, name, data) {
  const key = `ptr_${context.id}`;
  let table = globalCallbackData.get(key);
  if (!table) {
    table = new Map();
    globalCallbackData.set(key, table);
  }
  table.delete(name);
  if (data !== undefined) table.set(name, data);
}

function callbackDataDrop(context) {
  globalCallbackData.delete(`ctx_${context.id}`); // the bug: not the key put() used
}

class TlsContext {
  constructor(id) {
    this.id = id;
  }
}

class StatusCallbackData {
  constructor(host) {
    this.host = host;
    this.checkedAt = Date.now();
  }
}

let nextContext = 0;
function pollSite(host) {
  const context = new TlsContext(nextContext++);
  callbackDataPut(context, "tlsext_status_cb!!func", () => true);
  callbackDataPut(context, "tlsext_status_cb!!data", new StatusCallbackData(host));
  churn(10);
  callbackDataDrop(context);
}

await run(() => {
  for (let s = 0; s < 25; s++) pollSite(`site-${s}.example`);
});
