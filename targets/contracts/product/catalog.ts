import { rpc, service } from '../../kit/contract.js';
import { bool, int, list, msg, str } from '../../kit/schema.js';

export const Product = msg({ sku: str(), name: str(), category: str(), weightGrams: int(), active: bool() }, 'Product');

export const Catalog = service('splitbench.product.Catalog', {
  getProducts: rpc({ input: msg({ skus: list(str(1, 32), 1, 100) }), output: msg({ products: list(Product) }), errors: ['UNKNOWN_SKU'], idempotent: true }),
});
