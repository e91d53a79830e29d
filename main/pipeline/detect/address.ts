import type { AddressClass, AddressInfo } from '../types.js';

/** Address classes that belong to "our" side of the network. */
export const INTERNAL_CLASSES: ReadonlySet<AddressClass> = new Set<AddressClass>([
  'private',
  'loopback',
  'link-local',
  'cgnat',
  'unique-local',
]);

export function isInternalAddress(a: AddressInfo | null | undefined): boolean {
  return a != null && INTERNAL_CLASSES.has(a.class);
}

export function isExternalAddress(a: AddressInfo | null | undefined): boolean {
  return a != null && a.external;
}
