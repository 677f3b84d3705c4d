// Every connection registers itself in a static registry; close() forgets to unregister.
import { churn, run } from "./harness.mjs";

class Connection {
  static registry = new Set();

  constructor(remote) {
    this.remote = remote;
    this.openedAt = Date.now();
    this.buffer = [];
    Connection.registry.add(this);
  }

  close() {
    this.closed = true;
  }
}

let port = 40000;
await run(() => {
  for (let c = 0; c < 30; c++) {
    const connection = new Connection({ host: "10.0.0.7", port: port++ });
    connection.close();
  }
  churn(20);
});
