/**
 * `waweb/simulator`: a local WhatsApp Web and a scripted phone, for offline
 * tests of waweb, whatsapp-web.js or any client that drives the real page.
 *
 * @module waweb/simulator
 */
export { WhatsAppSimulator, SimulatedPhone, SIMULATED_HOST, parseQrText } from './simulator';
export type { SimulatorOptions, LinkedDevice, SimulatorEvents, SessionOverlap } from './simulator';
export { SimulatorError } from './errors';
export type { WireMessage, WireWid } from './protocol';
export type { BuildVariant } from './builds';
export type { SimulatorBreak } from './protocol';
export type { ChatSettings } from './protocol';
export type { ProfilePicture } from './pictures';
export type { WireGroup } from './protocol';
export type { GroupSetting } from './simulated-phone';
export type { GroupAddPrivacy, GroupChange, NewGroupSettings } from './groups';
export type { BusinessOptions, PhoneBusiness, PhoneLabel } from './business';
export type { WireLabel, WireNote, WireBusinessProfile } from './protocol';
export type { PhoneBusinessMessage, PhoneOrderItem } from './contact-actions';
export type { PhoneCall, PhoneCallLink } from './types';
export type { PhoneChannel } from './types';
export type { CallOptions } from './calls';
export type { PhoneStatus, StatusMedia, StatusStyle } from './status';
