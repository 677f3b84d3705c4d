// Each request subscribes to configuration changes and never unsubscribes.
import { EventEmitter } from "node:events";
import { churn, run } from "./harness.mjs";

const configBus = new EventEmitter();
configBus.setMaxListeners(0);

function handleRequest(request) {
  const state = { url: request.url, headers: { accept: "json" }, started: Date.now() };
  configBus.on("change", function onConfigChange(config) {
    state.config = config;
  });
  churn(20);
  return state.url;
}

await run((i) => {
  for (let r = 0; r < 30; r++) handleRequest({ url: `/items/${i}/${r}` });
  configBus.emit("change", { version: i });
});
