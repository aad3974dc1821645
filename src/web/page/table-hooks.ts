/**
 * Hearing what the app stores in one of its tables, the way whatsapp-web.js does for reactions and poll votes:
 * by wrapping the table's `bulkUpsert`.
 */
import type { Req } from './messages';

/**
 * Calls `onRow` for each row the app stores through `require(module)[member].bulkUpsert`, then lets the app's own
 * function store them. A build without that table gives no rows, and nothing else breaks.
 */
export function onUpsertedRows<Row>(req: Req, module: string, member: string, onRow: (row: Row) => void): void {
  let table: { bulkUpsert?: (list: Row[], ...rest: unknown[]) => unknown } | undefined;
  try {
    table = req(module)[member];
  } catch {
    return;
  }
  const original = table?.bulkUpsert;
  if (!table || typeof original !== 'function') return;
  table.bulkUpsert = function (this: unknown, list: Row[], ...rest: unknown[]) {
    for (const row of Array.isArray(list) ? list : []) onRow(row);
    return original.call(this, list, ...rest);
  };
}
