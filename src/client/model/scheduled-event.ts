import { InvalidOptionError } from '../../errors';
import type { PageEventInput } from '../../web/bridge-polls';

/** whatsapp-web.js's `ScheduledEventSendOptions`. */
export interface ScheduledEventSendOptions {
  description?: string;
  endTime?: Date;
  location?: string;
  /** `video`, `voice` or `none`: a call link to attach. */
  callType?: string;
  /** Send it already cancelled. @default false */
  isEventCanceled?: boolean;
  /** A unique 32-number vector to use as the event's id. */
  messageSecret: number[] | undefined;
}

/** An event to send (whatsapp-web.js's `ScheduledEvent`): `Client.sendMessage`, `Message.editScheduledEvent`. */
export class ScheduledEvent {
  readonly name: string;
  /** Seconds since the epoch. */
  readonly startTimeTs: number;
  readonly eventSendOptions: {
    description?: string;
    endTimeTs?: number;
    location?: string;
    callType?: string;
    isEventCanceled?: boolean;
    messageSecret?: string;
  };

  constructor(name: string, startTime: Date, options: ScheduledEventSendOptions = { messageSecret: undefined }) {
    if (typeof name !== 'string' || name.trim() === '') throw new InvalidOptionError('name must be a non-empty string');
    if (!(startTime instanceof Date) || Number.isNaN(startTime.getTime())) throw new InvalidOptionError('startTime must be a valid Date');
    const seconds = (date: Date): number => Math.floor(date.getTime() / 1000);
    this.name = name.trim();
    this.startTimeTs = seconds(startTime);
    this.eventSendOptions = {
      ...(options.description === undefined ? {} : { description: options.description }),
      ...(options.endTime === undefined ? {} : { endTimeTs: seconds(options.endTime) }),
      ...(options.location === undefined ? {} : { location: options.location }),
      ...(options.callType === undefined ? {} : { callType: options.callType }),
      isEventCanceled: options.isEventCanceled === true,
      ...(options.messageSecret === undefined ? {} : { messageSecret: options.messageSecret.join(',') }),
    };
  }
}

/** What the page is given to send or edit `event`. */
export function eventInputOf(event: ScheduledEvent): PageEventInput {
  const o = event.eventSendOptions;
  const secret = o.messageSecret?.split(',').map(Number);
  return {
    name: event.name,
    startTime: event.startTimeTs,
    isEventCanceled: o.isEventCanceled === true,
    ...(o.description === undefined ? {} : { description: o.description }),
    ...(o.endTimeTs === undefined ? {} : { endTime: o.endTimeTs }),
    ...(o.location === undefined ? {} : { location: o.location }),
    ...(o.callType === undefined ? {} : { callType: o.callType }),
    ...(secret?.length === 32 ? { messageSecret: secret } : {}),
  };
}
