import type { PageChat } from '../../web/bridge';
import type { Chat } from './chat';
import { GroupChat } from './group-chat';
import type { ModelClient } from './model-client';
import { PrivateChat } from './private-chat';

/** A page chat as the kind of `Chat` it is: a `GroupChat` or a `PrivateChat`. */
export function chatFrom(client: ModelClient, data: PageChat): Chat {
  return data.isGroup ? new GroupChat(client, data) : new PrivateChat(client, data);
}
