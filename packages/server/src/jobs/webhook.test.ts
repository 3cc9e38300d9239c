import { describe, expect, it } from 'vitest';
import { postJson } from './webhook';

describe('postJson', () => {
  it("never echoes a URL's user name or password in its error", async () => {
    // Node's fetch refuses a URL with credentials and quotes it in the error.
    const result = await postJson('http://hook:s3cret-pw@127.0.0.1:9/x', '{}', { timeoutMs: 2000 });
    expect(result.ok).toBe(false);
    expect(result.error).toBeTruthy();
    expect(result.error).not.toContain('s3cret-pw');
    expect(result.error).not.toContain('hook:');
  });
});
