// No leak: a cache over a fixed set of keys. It fills up during the first dumps, then stays flat.
import { churn, run } from "./harness.mjs";

class Product {
  constructor(sku) {
    this.sku = sku;
    this.name = `Product ${sku}`;
    this.price = sku * 3;
  }
}

const products = new Map();
const CATALOG_SIZE = 240;
let request = 0;

function lookup(sku) {
  let product = products.get(sku);
  if (!product) {
    product = new Product(sku);
    products.set(sku, product);
  }
  return product;
}

await run(() => {
  for (let r = 0; r < 40; r++) lookup(request++ % CATALOG_SIZE);
  churn(20);
});
