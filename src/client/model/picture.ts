import { InvalidOptionError } from '../../errors';
import type { PageMedia } from '../../web/bridge';
import { MessageMedia } from './message-media';

/** An image for a profile picture (the account's or a group's), as the page takes media; an `InvalidOptionError` for anything else. */
export function pictureOf(media: MessageMedia): PageMedia {
  if (!(media instanceof MessageMedia) || !media.mimetype.startsWith('image/'))
    throw new InvalidOptionError('a profile picture is a MessageMedia holding an image');
  return { mimetype: media.mimetype, data: media.data };
}
