/**
 * What a business's product and order messages carry, read from the message's `serialize()` as
 * whatsapp-web.js 1.34.7 reads them: `orderId` (any message that has one), `token`, `title`, `description`,
 * `businessOwnerJid` and `productId` (each when set); and the interactive messages' `dynamicReplyButtons`,
 * `selectedButtonId` and `listResponse.singleSelectReply.selectedRowId`.
 */
import type { PageMessage } from '../bridge';

type BusinessFields = Pick<
  PageMessage,
  | 'orderId'
  | 'token'
  | 'title'
  | 'description'
  | 'businessOwnerJid'
  | 'productId'
  | 'dynamicReplyButtons'
  | 'selectedButtonId'
  | 'selectedRowId'
>;

export function businessFields(data: Record<string, unknown>): BusinessFields {
  const fields: BusinessFields = {};
  for (const key of ['orderId', 'token', 'title', 'description', 'businessOwnerJid', 'productId', 'selectedButtonId'] as const) {
    const value = data[key];
    if (typeof value === 'string' && value !== '') fields[key] = value;
  }
  // Interactive messages, as whatsapp-web.js reads them: the buttons as JSON, a list reply's row.
  const buttons = data['dynamicReplyButtons'];
  if (Array.isArray(buttons)) fields.dynamicReplyButtons = JSON.parse(JSON.stringify(buttons)) as unknown[];
  const reply = data['listResponse'] as { singleSelectReply?: { selectedRowId?: unknown } } | null | undefined;
  const rowId = reply?.singleSelectReply?.selectedRowId;
  if (typeof rowId === 'string' && rowId !== '') fields.selectedRowId = rowId;
  return fields;
}
