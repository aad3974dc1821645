/**
 * whatsapp-web.js 1.34.7 declares some members narrower than they are at run time: `client.info` before
 * `ready`, `message.location` of a text, `getProfilePicUrl()` without a picture are `undefined` in its own
 * code too, yet its `index.d.ts` leaves that out. waweb declares those members as whatsapp-web.js does, so
 * that each waweb object is a whatsapp-web.js object to the compiler (test/types/), and says what they
 * hold at run time in the member's doc comment and in the migration guide (`differs` in the tables here).
 * This is the one place such a value is given its declared type.
 */
export function asDeclared<T>(value: T | null | undefined): T {
  return value as T;
}

/**
 * For a member whatsapp-web.js declares as resolving nothing (`Promise<void>`) that resolves a value at run time
 * (the new invite code, the new archive state, ...), which bots read: the value, typed as declared.
 */
export function returnedAsVoid(value: unknown): void {
  return value as void;
}

/** A value of another class where whatsapp-web.js declares `T` (getChatById's `Channel` for a channel id, declared `Chat`). */
export function declaredAs<T>(value: unknown): T {
  return value as T;
}
