// biome-ignore-all lint/suspicious/noTemplateCurlyInString: shell and template references are the data
import { describe, expect, it } from 'vitest';
import { isPlaceholder } from './placeholders';

describe('placeholders and examples', () => {
  it('knows documentation examples, placeholders, references and masked values', () => {
    for (const v of [
      'AKIAIOSFODNN7EXAMPLE',
      'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
      `ghp_${'x'.repeat(36)}`,
      `xoxb-${'0'.repeat(30)}`,
      'aaaaaaaaaaaa',
      '$PASS',
      '${GITHUB_TOKEN}',
      '${DB_PASSWORD:-dev}',
      '$(cat /run/secrets/token)',
      '%API_KEY%',
      '{{ .Values.token }}',
      '${{ secrets.NPM_TOKEN }}',
      '<token>',
      '<your-api-key>',
      'your-api-key',
      'YOUR_TOKEN_HERE',
      'insert_key_here',
      'changeme',
      'CHANGEME',
      '***',
      '********',
      '[REDACTED]',
      'sk-...a1b2',
      '"changeme"',
    ])
      expect(isPlaceholder(v), v).toBe(true);
  });

  it('does not take real-looking values for placeholders', () => {
    for (const v of [
      'hunter2',
      'Tr0ub4dor&3',
      'ghp_R8vK2mQ7xL4nT9wB3cF6hJ1pD5sG0aZ2yE8u',
      'AKIAZ7Q2MR4XW3TGBY5N',
      'mySecretP4ss',
      's3cr3t-val',
    ])
      expect(isPlaceholder(v), v).toBe(false);
  });
});
