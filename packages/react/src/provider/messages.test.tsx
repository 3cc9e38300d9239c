import { createClient } from '@auditlane/client';
import { describe, expect, it } from 'vitest';
import { render } from 'vitest-browser-react';
import { bashCall } from '../../test/tool-calls';
import { replayDefaults } from '../replay/replay.messages';
import { ToolCallView } from '../session-detail/tool-call/tool-call';
import { AuditlaneProvider, useMessages } from './auditlane-provider';
import { commonMessages } from './common.messages';
import type { MessageGroups, MessagesOverride } from './messages';
import { sessionTableDefaults, sessionTableMessages } from './session-table.messages';

/** Renders `useMessages(defaults, override)` and hands each result to `seen`. */
function Probe({
  defaults,
  override,
  seen,
}: {
  defaults: MessageGroups;
  override?: MessagesOverride;
  seen: MessageGroups[];
}) {
  seen.push(useMessages(defaults, override));
  return null;
}

const de: MessagesOverride = {
  common: { retry: 'Nochmal', status: { active: 'aktiv' } },
  sessionTable: { columnsMenu: 'Spalten' },
  replay: { play: 'Abspielen' },
};

describe('useMessages', () => {
  it('gives the defaults themselves without translations, and only the groups they name', async () => {
    const seen: MessageGroups[] = [];
    await render(<Probe defaults={sessionTableDefaults} seen={seen} />);
    expect(seen.at(-1)).toBe(sessionTableDefaults);
    const table = seen.at(-1) as typeof sessionTableDefaults;
    expect(table.sessionTable).toBe(sessionTableMessages);
    expect(table.common).toBe(commonMessages);
    expect(Object.keys(table).sort()).toEqual(['common', 'sessionTable']);
  });

  it("merges the provider's over the defaults, the component's over the provider's, leaving other groups out", async () => {
    const seen: MessageGroups[] = [];
    const own: MessagesOverride = { sessionTable: { columnsMenu: 'Spaltenauswahl' } };
    await render(
      <AuditlaneProvider messages={de}>
        <Probe defaults={sessionTableDefaults} seen={seen} />
        <Probe defaults={sessionTableDefaults} override={own} seen={seen} />
      </AuditlaneProvider>,
    );
    const [plain, overridden] = seen.slice(-2) as (typeof sessionTableDefaults)[];
    expect(plain?.common.retry).toBe('Nochmal');
    expect(plain?.common.status.active).toBe('aktiv');
    expect(plain?.common.status.ended).toBe('ended');
    expect(plain?.sessionTable.columnsMenu).toBe('Spalten');
    expect(plain?.sessionTable.rankRecent).toBe('Newest');
    expect(overridden?.sessionTable.columnsMenu).toBe('Spaltenauswahl');
    expect(overridden?.common.retry).toBe('Nochmal');
    // The provider's replay group is not the table's.
    expect('replay' in (plain ?? {})).toBe(false);
    expect('replay' in (overridden ?? {})).toBe(false);
    // The defaults are as they were.
    expect(sessionTableDefaults.sessionTable.columnsMenu).toBe('Columns');
    expect(Object.isFrozen(sessionTableDefaults.common.status)).toBe(true);
  });

  it('is one object for every component of a kind, kept while the translations are (a new client too)', async () => {
    const seen: MessageGroups[] = [];
    const clients = [
      createClient({ baseUrl: 'http://a.invalid', token: 'a' }),
      createClient({ baseUrl: 'http://b.invalid', token: 'b' }),
    ];
    const page = (client: ReturnType<typeof createClient>) => (
      <AuditlaneProvider client={client} messages={de}>
        <Probe defaults={sessionTableDefaults} seen={seen} />
        <Probe defaults={sessionTableDefaults} seen={seen} />
        <Probe defaults={replayDefaults} seen={seen} />
      </AuditlaneProvider>
    );
    const screen = await render(page(clients[0] as ReturnType<typeof createClient>));
    const [first, second, replay] = seen.slice(-3);
    expect(first).toBe(second);
    expect(first).not.toBe(sessionTableDefaults);
    expect((replay as typeof replayDefaults).replay.play).toBe('Abspielen');
    expect((replay as typeof replayDefaults).replay.pause).toBe('Pause');
    const count = seen.length;
    await screen.rerender(page(clients[1] as ReturnType<typeof createClient>));
    expect(seen.length).toBe(count + 3);
    expect(seen.at(-3)).toBe(first);
    expect(seen.at(-2)).toBe(first);
    expect(seen.at(-1)).toBe(replay);
    // New translations: new messages.
    await screen.rerender(
      <AuditlaneProvider client={clients[1] ?? null} messages={{ ...de }}>
        <Probe defaults={sessionTableDefaults} seen={seen} />
      </AuditlaneProvider>,
    );
    expect(seen.at(-1)).not.toBe(first);
    expect((seen.at(-1) as typeof sessionTableDefaults).sessionTable.columnsMenu).toBe('Spalten');
  });

  it('a provider whose translations name none of the groups gives the defaults themselves', async () => {
    const seen: MessageGroups[] = [];
    await render(
      <AuditlaneProvider messages={{ replay: { play: 'Abspielen' } }}>
        <Probe defaults={sessionTableDefaults} seen={seen} />
      </AuditlaneProvider>,
    );
    expect(seen.at(-1)).toBe(sessionTableDefaults);
  });
});

describe("ToolCallView and the provider's messages", () => {
  it("shows the provider's translations, its own `messages` over them", async () => {
    const screen = await render(
      <AuditlaneProvider messages={{ toolCall: { raw: 'JSON brut', output: 'Sortie' } }}>
        <ToolCallView event={bashCall} />
        <ToolCallView event={bashCall} messages={{ raw: 'Rohes JSON' }} />
      </AuditlaneProvider>,
    );
    await expect.element(screen.getByText('JSON brut')).toBeVisible();
    await expect.element(screen.getByText('Rohes JSON')).toBeVisible();
    expect(screen.getByText('Sortie').elements()).toHaveLength(2);
  });
});
