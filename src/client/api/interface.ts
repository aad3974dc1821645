/**
 * `client.interface`: whatsapp-web.js's `InterfaceController`, the panes of the app's own window (the
 * open chat, a chat at a message, the chat and message drawers) and the app's feature switches. Each
 * call goes through the page (src/web/page/interface.ts); before `ready` it throws `NotReadyError`.
 */
import { InvalidOptionError, PageError } from '../../errors';
import { returnedAsVoid } from '../compat/declared';
import type { PageChatPane, PageMessagePane } from '../../web/bridge';
import type { ModelClient } from '../model/model-client';

/** whatsapp-web.js's `InterfaceController`: opens panes of the app's own window. */
export interface InterfaceController {
  /** Resolves what the app answers (true once the chat is open), as whatsapp-web.js does (it declares `void`). */
  openChatWindow(chatId: string): Promise<void>;
  openChatDrawer(chatId: string): Promise<void>;
  openChatSearch(chatId: string): Promise<void>;
  openChatWindowAt(msgId: string): Promise<void>;
  openMessageDrawer(msgId: string): Promise<void>;
  closeRightDrawer(): Promise<void>;
  /** The app's feature names; a build without feature switches rejects with `PageError`, as whatsapp-web.js throws. */
  getFeatures(): Promise<unknown>;
  checkFeatureStatus(feature: string): Promise<boolean>;
  enableFeatures(features: string[]): Promise<void>;
  disableFeatures(features: string[]): Promise<void>;
}

const NO_SWITCHES = 'this WhatsApp Web build has no feature switches (WAWebCollections.Features)';

function idOf(id: unknown, what: string): string {
  if (typeof id !== 'string' || id === '') throw new InvalidOptionError(`${what} takes an id (a non-empty string)`);
  return id;
}

function namesOf(features: unknown, what: string): string[] {
  if (!Array.isArray(features) || !features.every((f) => typeof f === 'string'))
    throw new InvalidOptionError(`${what} takes a list of feature names`);
  return features;
}

class AppInterface implements InterfaceController {
  readonly #client: ModelClient;

  constructor(client: ModelClient) {
    this.#client = client;
  }

  async #chat(pane: PageChatPane, what: string, chatId: string): Promise<boolean> {
    const opened = await this.#client.readyPage(what).call('openChatPane', pane, idOf(chatId, what));
    if (opened === null) throw new PageError(`no chat with ${chatId}`);
    return opened;
  }

  async #message(pane: PageMessagePane, what: string, msgId: string): Promise<void> {
    if (!(await this.#client.readyPage(what).call('openMessagePane', pane, idOf(msgId, what)))) throw new PageError(`no message ${msgId}`);
  }

  async openChatWindow(chatId: string): Promise<void> {
    return returnedAsVoid(await this.#chat('window', 'interface.openChatWindow()', chatId));
  }

  async openChatDrawer(chatId: string): Promise<void> {
    await this.#chat('drawer', 'interface.openChatDrawer()', chatId);
  }

  async openChatSearch(chatId: string): Promise<void> {
    await this.#chat('search', 'interface.openChatSearch()', chatId);
  }

  async openChatWindowAt(msgId: string): Promise<void> {
    await this.#message('at', 'interface.openChatWindowAt()', msgId);
  }

  async openMessageDrawer(msgId: string): Promise<void> {
    await this.#message('drawer', 'interface.openMessageDrawer()', msgId);
  }

  async closeRightDrawer(): Promise<void> {
    await this.#client.readyPage('interface.closeRightDrawer()').call('closeRightDrawer');
  }

  async getFeatures(): Promise<unknown> {
    const found = await this.#client.readyPage('interface.getFeatures()').call('features');
    if (found === null) throw new PageError(NO_SWITCHES);
    return found;
  }

  async checkFeatureStatus(feature: string): Promise<boolean> {
    const what = 'interface.checkFeatureStatus()';
    if (typeof feature !== 'string') throw new InvalidOptionError(`${what} takes a feature name`);
    const on = await this.#client.readyPage(what).call('featureStatus', feature);
    if (on === null) throw new PageError(NO_SWITCHES);
    return on;
  }

  async enableFeatures(features: string[]): Promise<void> {
    await this.#set('interface.enableFeatures()', features, true);
  }

  async disableFeatures(features: string[]): Promise<void> {
    await this.#set('interface.disableFeatures()', features, false);
  }

  async #set(what: string, features: unknown, on: boolean): Promise<void> {
    if (!(await this.#client.readyPage(what).call('setFeatures', namesOf(features, what), on))) throw new PageError(NO_SWITCHES);
  }
}

const controllers = new WeakMap<ModelClient, InterfaceController>();

/** The client's one controller (whatsapp-web.js keeps one per client too). */
export function interfaceOf(client: ModelClient): InterfaceController {
  let found = controllers.get(client);
  if (found === undefined) {
    found = new AppInterface(client);
    controllers.set(client, found);
  }
  return found;
}
