/**
 * The WhatsApp Business calls of the typed bridge (./bridge.ts, the same part): labels, the chats that
 * carry them, customer notes, and the features each call needs. Types and one table of constants; it
 * imports nothing.
 */

/** A label as the app describes it (whatsapp-web.js's `Label` data). */
export interface PageLabel {
  id: string;
  name: string;
  hexColor: string;
}

/** A note on a customer (`chatId` a user id). */
export interface PageCustomerNote {
  chatId: string;
  content: string;
  createdAt: number;
  id: string;
  modifiedAt: number;
  type: string;
}

/**
 * What a business's order (`orderId`, `token`) or product (`productId`, `title`, `description`, `businessOwnerJid`)
 * message carries, and the interactive ones: a sent message's reply buttons, a button reply's `selectedButtonId`,
 * a list reply's `selectedRowId` (part of `PageMessage`).
 */
export interface PageBusinessFields {
  orderId?: string;
  /** The order message's token: what the order query needs along with the id. */
  token?: string;
  title?: string;
  description?: string;
  businessOwnerJid?: string;
  productId?: string;
  /** The buttons as the app keeps them (JSON). */
  dynamicReplyButtons?: unknown[];
  selectedButtonId?: string;
  selectedRowId?: string;
}

/** A product of an order (whatsapp-web.js's `Product` data; amounts as the app gives them). */
export interface PageOrderProduct {
  id: string;
  name: string;
  price: string;
  currency: string;
  quantity: number;
  thumbnailUrl: string;
}

/** An order's details (whatsapp-web.js's `Order` data). */
export interface PageOrder {
  products: PageOrderProduct[];
  subtotal: string;
  total: string;
  currency: string;
  createdAt: number;
}

/** A payment message's fields (whatsapp-web.js's `Payment` data); `receiver` a serialized wid. */
export interface PagePayment {
  currency: string;
  amount1000: number;
  receiver: string;
  timestamp: number;
  status: number;
  txnStatus: number;
  note?: string;
}

/** The page calls for business accounts (members of `PageApi`). */
export interface PageBusinessApi {
  /** The account's labels (none on a personal account). */
  labels(): Promise<PageLabel[]>;
  /** One label; null when the account has no such label. */
  label(labelId: string): Promise<PageLabel | null>;
  chatLabels(chatId: string): Promise<PageLabel[]>;
  /** The ids of the chats carrying a label; null when the account has no such label. */
  labelChats(labelId: string): Promise<string[] | null>;
  /** Puts exactly `labelIds` on each chat (false: a personal account, nothing done). */
  changeLabels(labelIds: string[], chatIds: string[]): Promise<boolean>;
  /** Writes the note (false: notes are off, a personal account). */
  setCustomerNote(userId: string, note: string): Promise<boolean>;
  customerNote(userId: string): Promise<PageCustomerNote | null>;
  /** An order message's details, queried with its token (`WAWebBizOrderBridge.queryOrder`). */
  order(orderId: string, token: string, chatId: string): Promise<PageOrder | null>;
  /** A payment message's fields; null when the device no longer has the message. */
  payment(messageId: string): Promise<PagePayment | null>;
  /** A product of the account's own catalog, as whatsapp-web.js asks for it; null when there is none of that id. */
  productMetadata(productId: string): Promise<{ id: string; name: string; description: string; retailer_id?: string } | null>;
}

/** The features each business call needs (part of `PAGE_API_FEATURES`, which checks them against `PageFeature`). */
export const BUSINESS_API_FEATURES = {
  labels: ['business'],
  label: ['business'],
  chatLabels: ['chats', 'business'],
  labelChats: ['business'],
  changeLabels: ['chats', 'business'],
  setCustomerNote: ['messages', 'business'],
  customerNote: ['messages', 'business'],
  order: ['business'],
  payment: ['messages'],
  productMetadata: ['business'],
} as const;
