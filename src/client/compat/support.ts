/**
 * How waweb stands on each member whatsapp-web.js 1.34.7 declares: one data list (the `*-members.ts`
 * files here) that the runtime reads (members not there yet throw `NotSupportedError`), the type test
 * checks against whatsapp-web.js's own declarations (test/types/), and `npm run docs:migrating` turns
 * into the tables of docs/migrating-from-whatsapp-web-js.md.
 */

/** The issue that brings a member: 26 (groups, chats, contacts, profile, messages), 27 (the rest). */
export type Issue = 26 | 27;

/** What a member is: an async method (rejects), a sync method (throws), a field (its getter throws), or an event (never emitted yet). */
export type MemberKind = 'async' | 'sync' | 'field' | 'event';

export type Support =
  /** As in whatsapp-web.js. */
  | { readonly status: 'supported' }
  /**
   * Its type or behaviour differs from whatsapp-web.js's declaration on purpose: `note` says how. With
   * `issue`, it is not there yet either and throws like a `not-yet` member.
   */
  | { readonly status: 'differs'; readonly note: string; readonly issue?: Issue; readonly kind?: MemberKind }
  /** Declared, and throws a `NotSupportedError` naming it until `issue` lands. */
  | { readonly status: 'not-yet'; readonly issue: Issue; readonly kind: MemberKind };

export const supported = { status: 'supported' } as const satisfies Support;

export function differs(
  note: string,
  later?: { issue: Issue; kind?: MemberKind },
): { readonly status: 'differs'; readonly note: string; readonly issue?: Issue; readonly kind?: MemberKind } {
  return later === undefined ? { status: 'differs', note } : { status: 'differs', note, issue: later.issue, kind: later.kind ?? 'async' };
}

/** The issue that brings a member not there yet, or undefined when it is there. */
export function pendingIssue(support: Support): Issue | undefined {
  return support.status === 'supported' ? undefined : support.issue;
}

export function notYet<const I extends Issue, const K extends MemberKind = 'async'>(
  issue: I,
  kind?: K,
): { readonly status: 'not-yet'; readonly issue: I; readonly kind: K } {
  return { status: 'not-yet', issue, kind: (kind ?? 'async') as K };
}

/** A class's (or the event list's) members by name. Keys are checked against whatsapp-web.js's declaration. */
export type Members = Readonly<Record<string, Support>>;

/** Keeps the literal keys of a member table (the type test compares them with whatsapp-web.js's). */
export function members<const T extends Members>(table: T): T {
  return table;
}
