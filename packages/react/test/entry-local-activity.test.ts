/**
 * SessionDetail filters, seeks and finds the next mark of activity given directly in the
 * browser; that code comes with `buildActivity`, so a host loading through the client does not
 * bundle it. The entry bundled from source as a host's bundler does (minified, tree-shaken), and
 * the code searched for the local filter's text match (its property reads survive minifying).
 */
import { describe, expect, it } from 'vitest';
import { firstLoad } from './first-load';

/** The text filter of `matchesFilters`: the fields of an entry it searches, read in a row. */
const LOCAL_TEXT_MATCH = /\.sql,\w+\.tool,\w+\.path,\w+\.url,\w+\.rule,\w+\.reason/;

describe('SessionDetail and the browser-side activity', () => {
  it('is in the bundle of a host that imports buildActivity', async () => {
    const code = await firstLoad(
      "export { SessionDetail, buildActivity } from './src/session-detail/index.ts';",
    );
    expect(LOCAL_TEXT_MATCH.test(code), 'the local filter in the bundle').toBe(true);
  });

  it('is not in the bundle of a host that loads through the client', async () => {
    const code = await firstLoad("export { SessionDetail } from './src/session-detail/index.ts';");
    expect(LOCAL_TEXT_MATCH.test(code), 'the local filter in the bundle').toBe(false);
    // Nor in the provider and hooks a host of the client imports beside it.
    const withProvider = await firstLoad(
      "export { SessionDetail, useSessionDetail } from './src/session-detail/index.ts'; export { AuditlaneProvider } from './src/index.ts';",
    );
    expect(LOCAL_TEXT_MATCH.test(withProvider), 'the local filter in the bundle').toBe(false);
  });
});
