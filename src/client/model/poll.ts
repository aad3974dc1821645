import { InvalidOptionError } from '../../errors';

/** whatsapp-web.js's `PollSendOptions`. */
export interface PollSendOptions {
  /** Several answers may be picked. @default false */
  allowMultipleAnswers?: boolean;
  /** A unique 32-number vector to use as the poll's id. */
  messageSecret: number[] | undefined;
}

/** A poll to send (whatsapp-web.js's `Poll`) with `Client.sendMessage`. */
export class Poll {
  readonly pollName: string;
  readonly pollOptions: Array<{ name: string; localId: number }>;
  readonly options: PollSendOptions;

  constructor(pollName: string, pollOptions: string[], options: PollSendOptions = { messageSecret: undefined }) {
    if (typeof pollName !== 'string' || pollName.trim() === '') throw new InvalidOptionError('pollName must be a non-empty string');
    if (!Array.isArray(pollOptions) || pollOptions.length < 2 || !pollOptions.every((o) => typeof o === 'string'))
      throw new InvalidOptionError('pollOptions must be at least two strings');
    this.pollName = pollName.trim();
    this.pollOptions = pollOptions.map((name, localId) => ({ name: name.trim(), localId }));
    this.options = { allowMultipleAnswers: options.allowMultipleAnswers === true, messageSecret: options.messageSecret };
  }
}
