/**
 * `run`: the auditlane command as a function, for tests and wrappers (the installed command is
 * `dist/bin.js`).
 */
export { type Io, run } from './cli';
