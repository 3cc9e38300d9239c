import { describe, expect, it } from 'vitest';
import { serveConfig } from '../src/serve-config';
import { startHarness } from './helpers';

// An admin panel served from another origin calls the API from the browser.
describe('CORS', () => {
  it('answers preflights and exposes headers only to the configured origins', async () => {
    const h = await startHarness('sqlite', { corsOrigins: ['http://panel.test:5173'] });
    try {
      const preflight = (origin: string) =>
        fetch(`${h.server.url}/v1/sessions`, {
          method: 'OPTIONS',
          headers: {
            origin,
            'access-control-request-method': 'GET',
            'access-control-request-headers': 'authorization',
          },
        });
      const ok = await preflight('http://panel.test:5173');
      expect(ok.status).toBe(204);
      expect(ok.headers.get('access-control-allow-origin')).toBe('http://panel.test:5173');
      expect(ok.headers.get('access-control-allow-headers')).toContain('authorization');
      const foreign = await preflight('http://evil.test');
      expect(foreign.headers.get('access-control-allow-origin')).toBeNull();

      const res = await fetch(`${h.server.url}/v1/me`, {
        headers: { origin: 'http://panel.test:5173', authorization: `Bearer ${h.adminToken}` },
      });
      expect(res.status).toBe(200);
      expect(res.headers.get('access-control-allow-origin')).toBe('http://panel.test:5173');
      expect(res.headers.get('access-control-expose-headers')).toContain('x-request-id');
    } finally {
      await h.close();
    }
  });

  it('sends no CORS headers unless configured', async () => {
    const h = await startHarness('sqlite');
    try {
      const res = await fetch(`${h.server.url}/v1/me`, {
        headers: { origin: 'http://panel.test', authorization: `Bearer ${h.adminToken}` },
      });
      expect(res.headers.get('access-control-allow-origin')).toBeNull();
    } finally {
      await h.close();
    }
  });

  it('reads origins from --cors-origin or AUDITLANE_CORS_ORIGINS and names a bad one', () => {
    expect(serveConfig({ 'cors-origin': 'http://a.test, https://b.test:8443' }, {}).app).toEqual(
      expect.objectContaining({ corsOrigins: ['http://a.test', 'https://b.test:8443'] }),
    );
    expect(serveConfig({}, { AUDITLANE_CORS_ORIGINS: '*' }).app.corsOrigins).toEqual(['*']);
    expect(() => serveConfig({}, { AUDITLANE_CORS_ORIGINS: 'http://a.test/path' })).toThrow(
      /AUDITLANE_CORS_ORIGINS must list origins .* got "http:\/\/a.test\/path"/,
    );
  });
});
