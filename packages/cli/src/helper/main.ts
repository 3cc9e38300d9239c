import { idleMs, serveHelper } from './server';

// The resident hook helper's process (started detached by a hook call): `main.js SOCKET`.
const socket = process.argv[2];
if (!socket) {
  process.stderr.write('usage: helper SOCKET\n');
  process.exit(2);
}
serveHelper({ socket, idleMs: idleMs(process.env) }).then(
  () => process.exit(0),
  () => process.exit(1),
);
