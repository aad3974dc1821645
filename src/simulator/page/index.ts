/**
 * The simulated WhatsApp Web app. Runs in the page at https://web.whatsapp.com/
 * and implements the surface described in docs/page-contract.md: the
 * `Debug.VERSION` and `require` globals, Backbone-style models, the Socket
 * state machine, QR refs, `hasSynced`, logout. Nothing else becomes global.
 */
import { App, DEVICE_PLATFORM } from './app';
import { mediaModules } from './media';
import { messagingModules } from './messaging';
import { profileModules } from './profile';
import { contactModules } from './contacts';
import { chatActionModules } from './cmd';
import { pictureModules } from './pictures';
import { messageInfoModules } from './message-info';
import { prefsModules } from './prefs';
import { groupModules } from './groups';
import { groupInviteModules } from './group-invites';
import { phoneNumberModules } from './phone-numbers';
import { businessModules } from './business';
import { ChatView, interfaceModules, viewCommands } from './interface';
import { toB64 } from './storage';
import { createWid } from './wid';
import { RENAMED, VERSION, WITHOUT } from './build';
import { callModules } from './calls';
import { statusModules } from './status';
import { newsletterModules } from './newsletters';
import { commerceModules } from './commerce';

const app = new App();
const pictures = pictureModules(app);
const groups = groupModules(app);
const invites = groupInviteModules(app);
const view = new ChatView((chatId, msgId) => app.send({ t: 'window', chatId, msgId }));
const ui = interfaceModules(view, app.store.msgs);
const status = statusModules(app);
// The open and drawer calls are `Cmd`'s own, as in the real app.
Object.assign(app.cmd, viewCommands(view));

// ---------------------------------------------------------------- modules

const modules: Record<string, unknown> = {
  WAWebSocketModel: { Socket: app.socket },
  WAWebConnModel: { Conn: app.conn },
  WAWebCmd: { Cmd: app.cmd },
  WAWebOfflineHandler: { OfflineMessageHandler: app.offline },
  WAWebUserPrefsInfoStore: {
    waNoiseInfo: {
      get: async () => {
        const keys = await app.keys();
        return { staticKeyPair: { pubKey: keys.noise.pub } };
      },
    },
  },
  WAWebSignalStoreApi: {
    waSignalStore: {
      getRegistrationInfo: async () => {
        const keys = await app.keys();
        return { identityKeyPair: { pubKey: keys.identity.pub } };
      },
    },
  },
  WAWebUserPrefsMultiDevice: { getADVSecretKey: () => app.advSecret },
  WAWebCompanionRegClientUtils: { DEVICE_PLATFORM },
  WAWebAdvSignatureApi: { ADV_SIGNATURE_VERSION: 1 },
  WABase64: { encodeB64: (bytes: Uint8Array) => toB64(bytes) },
  WAWebUserPrefsMeUser: {
    getMaybeMePnUser: () => app.meUser(),
    getMaybeMeLidUser: () => app.meLid(),
  },
  WAWebCollections: {
    Msg: app.store.msgs,
    Chat: app.store.chats,
    Contact: app.store.contacts,
    Blocklist: app.store.blocklist,
    ProfilePicThumb: pictures.collection,
    Reactions: app.reactions.collection,
    // Group metadata arrives with every change; there is nothing to fetch.
    GroupMetadata: { update: async () => undefined, find: async (wid: unknown) => app.store.chats.get(wid)?.groupMetadata },
    BusinessProfile: { find: async (wid: unknown) => app.business.profile(wid) },
    Label: app.business.labels,
    Features: ui.features,
    Status: status.collection,
    // Channels: their chats, and their metadata, which arrives with every change (nothing to fetch).
    WAWebNewsletterCollection: app.store.newsletters,
    NewsletterMetadataCollection: { update: async () => undefined },
  },
  WAWebSyncGatingUtils: { isPlaceholderMessageResendEnabled: () => false },
  // Asking the phone to resend undecryptable placeholders: the simulated phone does not resend; a
  // placeholder decrypts when its `decryptAfterMs` has passed, or stays one (message_ciphertext_failed).
  WAWebNonMessageDataRequestPlaceholderMessageResendUtils: {
    handlePlaceholderMsgsSeen: async (_msgs: unknown[], _seen?: boolean) => undefined,
  },
  WAWebMiscBrowserUtils: app.browserUtils,
  WAWebAltDeviceLinkingApi: {
    setPairingType: (_type: string) => undefined,
    initializeAltDeviceLinking: async () => undefined,
    initializeQRLinking: async () => undefined,
    startAltLinkingFlow: (phone: string, _notify?: boolean) => app.startAltLinkingFlow(phone),
  },
  WAWebLaunchSocketUtils: { refreshQR: () => app.cmd.refreshQR() },
  WAWebAddonReactionTableMode: app.reactions.module,
  WAWebPinInChatSchema: app.pins.module,
  ...app.polls.modules(),
  ...messagingModules(app),
  ...profileModules(app),
  ...contactModules(app),
  ...chatActionModules(app, app.store.chats),
  ...pictures.modules,
  ...messageInfoModules(app),
  ...prefsModules(),
  ...groups,
  ...invites,
  // One module, two files: the metadata query (groups.ts) and the invite calls (group-invites.ts).
  WAWebGroupQueryJob: { ...(groups['WAWebGroupQueryJob'] as object), ...(invites['WAWebGroupQueryJob'] as object) },
  ...phoneNumberModules,
  ...ui.modules,
  ...mediaModules,
  ...businessModules(app),
  ...callModules(app.calls, app),
  ...status.modules,
  ...newsletterModules(app),
  // One module, two files: user jids (group-invites.ts) and channel jids.
  WAWebJidToWid: {
    ...(invites['WAWebJidToWid'] as object),
    newsletterJidToWid: (jid: unknown) => createWid(String(jid)),
  },
  ...commerceModules(app),
};

// A drift variant's build lacks some modules or members (a copy of the module without them: the app's
// own objects stay whole for the rest of the simulated app).
for (const entry of WITHOUT) {
  const [name = '', member] = entry.split('.', 2);
  const mod = modules[name];
  if (member === undefined || typeof mod !== 'object' || mod === null) delete modules[name];
  else modules[name] = Object.fromEntries(Object.entries(mod).filter(([key]) => key !== member));
}
for (const [from, to] of Object.entries(RENAMED)) {
  if (modules[from] === undefined) continue;
  modules[to] = modules[from];
  delete modules[from];
}

function requireModule(name: string): unknown {
  const mod = modules[name];
  if (mod === undefined) throw new Error(`Cannot find module '${name}'`);
  return mod;
}

// The two globals the real app defines, and nothing else.
const globals = window as unknown as Record<string, unknown>;
globals['require'] = requireModule;
globals['Debug'] = { VERSION };
app.start();
