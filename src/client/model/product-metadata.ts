/** A product's details (whatsapp-web.js's `ProductMetadata`, `Product.getData()`). */
export class ProductMetadata {
  readonly id: string;
  readonly name: string;
  readonly description: string;
  readonly retailer_id?: string;

  constructor(data: { id: string; name: string; description: string; retailer_id?: string }) {
    this.id = data.id;
    this.name = data.name;
    this.description = data.description;
    if (data.retailer_id !== undefined) this.retailer_id = data.retailer_id;
  }
}
