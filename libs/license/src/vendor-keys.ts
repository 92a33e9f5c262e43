/**
 * Facenition vendor Ed25519 public keys (base64 of the raw 32 bytes) that this release trusts.
 * To rotate: add the new key here and ship a release BEFORE issuing licences with it; remove an
 * old key only once no customer licence signed with it is still in use. The private keys live
 * offline and never in this repository (license/README.md).
 */
export const VENDOR_PUBLIC_KEYS: readonly string[] = Object.freeze([
  // key id 77a1f26a0549a0a3, generated 2026-11-27 (license/vendor-public-key.txt)
  '2Z3jVJ2mvIpNJRqQ+kcHh60zwj4roKPFrlDwG0Ksu4I=',
]);
