export { type Io, run } from './cli';
