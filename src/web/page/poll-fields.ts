/** What a poll or an event message carries (docs/page-contract.md, feature `polls`), read from the message's `serialize()`. */
import type { PageMessage } from '../bridge';

/** Bytes the app keeps (a `Uint8Array`, or its copy as an object of indexes) as a list of numbers. */
function bytesOf(value: unknown): number[] {
  if (value === null || typeof value !== 'object') return [];
  return Object.keys(value).map((k) => Number((value as Record<string, unknown>)[k]));
}

/** What a poll or an event message carries, read from its `serialize()`. */
export function pollMessageFields(type: string | undefined, data: Record<string, unknown>): Pick<PageMessage, 'poll' | 'event'> {
  if (type === 'poll_creation') {
    const options = Array.isArray(data['pollOptions']) ? (data['pollOptions'] as Array<{ name?: unknown; localId?: unknown }>) : [];
    return {
      poll: {
        name: typeof data['pollName'] === 'string' ? data['pollName'] : '',
        options: options.map((o, i) => ({
          name: typeof o?.name === 'string' ? o.name : '',
          localId: typeof o?.localId === 'number' ? o.localId : i,
        })),
        selectableCount: typeof data['pollSelectableOptionsCount'] === 'number' ? data['pollSelectableOptionsCount'] : 0,
        messageSecret: bytesOf(data['messageSecret']),
      },
    };
  }
  if (type !== 'event_creation') return {};
  const num = (v: unknown): number | undefined => (typeof v === 'number' ? v : undefined);
  const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
  const location = data['eventLocation'] as { degreesLatitude?: unknown; degreesLongitude?: unknown; name?: unknown } | null | undefined;
  const description = str(data['eventDescription']);
  const endTime = num(data['eventEndTime']);
  const link = str(data['eventJoinLink']);
  return {
    event: {
      name: typeof data['eventName'] === 'string' ? data['eventName'] : '',
      startTime: num(data['eventStartTime']) ?? 0,
      isEventCanceled: data['isEventCanceled'] === true,
      messageSecret: bytesOf(data['messageSecret']),
      ...(description === undefined ? {} : { description }),
      ...(endTime === undefined ? {} : { endTime }),
      ...(location
        ? {
            location: {
              degreesLatitude: Number(location.degreesLatitude ?? 0),
              degreesLongitude: Number(location.degreesLongitude ?? 0),
              ...(typeof location.name === 'string' ? { name: location.name } : {}),
            },
          }
        : {}),
      ...(link === undefined ? {} : { joinLink: link }),
    },
  };
}
