/**
 * The key of what a session and a recorder keep for the package's own modules (the event
 * writer, the revocation): not exported from the package, so a host records only through the
 * public methods, which mask.
 */
export const INTERNAL: unique symbol = Symbol('auditlane.internal');
