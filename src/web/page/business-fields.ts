/**
 * What a business's product and order messages carry, read from the message's `serialize()` as
 * whatsapp-web.js 1.34.7 reads them: `orderId` (any message that has one), `title`, `description`,
 * `businessOwnerJid` and `productId` (each when set).
 */
import type { PageMessage } from '../bridge';

type BusinessFields = Pick<PageMessage, 'orderId' | 'title' | 'description' | 'businessOwnerJid' | 'productId'>;

export function businessFields(data: Record<string, unknown>): BusinessFields {
  const fields: BusinessFields = {};
  for (const key of ['orderId', 'title', 'description', 'businessOwnerJid', 'productId'] as const) {
    const value = data[key];
    if (typeof value === 'string' && value !== '') fields[key] = value;
  }
  return fields;
}
