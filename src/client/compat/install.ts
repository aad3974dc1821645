import { NotSupportedError } from '../../errors';
import { pendingIssue, type Members } from './support';

/**
 * Puts every member `table` marks as not there yet on `target` (a prototype, or a class for `static`
 * members), so that calling it gives a `NotSupportedError` naming `<className>.<member>` instead of
 * `undefined is not a function`: async methods reject, sync methods throw, fields throw on read. A
 * member `target` already has is left alone (the type and runtime tests then flag the stale entry).
 */
export function installNotYet(target: object, className: string, table: Members): void {
  for (const [key, support] of Object.entries(table)) {
    const issue = pendingIssue(support);
    const kind = support.status === 'supported' ? undefined : support.kind;
    if (issue === undefined || kind === undefined || kind === 'event') continue;
    const name = key.replace(/^static /, '');
    if (Object.prototype.hasOwnProperty.call(target, name)) continue;
    const error = (): NotSupportedError => new NotSupportedError(`${className}.${name}`, issue);
    const descriptor: PropertyDescriptor =
      kind === 'field'
        ? {
            get: () => {
              throw error();
            },
          }
        : {
            writable: true,
            value:
              kind === 'sync'
                ? () => {
                    throw error();
                  }
                : () => Promise.reject(error()),
          };
    Object.defineProperty(target, name, { configurable: true, enumerable: false, ...descriptor });
  }
}

/** Puts a domain file's methods on `target` (a prototype) as a class would: not enumerable. */
export function installMethods(target: object, methods: object): void {
  for (const [name, descriptor] of Object.entries(Object.getOwnPropertyDescriptors(methods))) {
    Object.defineProperty(target, name, { ...descriptor, enumerable: false });
  }
}
