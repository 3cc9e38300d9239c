import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { defineCommand, usage } from '../command';

export const keysCreate = defineCommand({
  name: 'keys create',
  summary: 'write an Ed25519 key pair for signing chain heads and checkpoints',
  description: `Writes a new Ed25519 key pair: the private key to FILE (PEM, mode 0600) and the public key to FILE.pub, and prints the key's id. Give the private key to the server only (auditlane serve --signing-key FILE), away from the database and its backups; verification needs only the public key. An existing file is never overwritten.`,
  options: {
    out: {
      type: 'string',
      value: 'FILE',
      description: 'where to write the private key; FILE.pub gets the public key (required)',
    },
  },
  examples: ['auditlane keys create --out /etc/auditlane/signing.key'],
  async run({ values }, io) {
    const { createKeyPair } = await import('../load/server');
    if (!values.out) throw usage('--out FILE is required: where to write the private key');
    const pub = `${values.out}.pub`;
    for (const file of [values.out, pub])
      if (existsSync(file)) throw new Error(`${file} exists; not overwriting a key`);
    const pair = createKeyPair();
    await writeFile(values.out, pair.privateKeyPem, { mode: 0o600, flag: 'wx' });
    await writeFile(pub, pair.publicKeyPem, { mode: 0o644, flag: 'wx' });
    io.out(pair.kid);
    io.err(
      `wrote the private key to ${values.out} (give it to auditlane serve --signing-key only) and the public key to ${pub}`,
    );
    return 0;
  },
});
