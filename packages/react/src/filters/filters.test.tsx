import { createClient } from '@auditlane/client';
import { useState } from 'react';
import { describe, expect, inject, it, vi } from 'vitest';
import { userEvent } from 'vitest/browser';
import { render } from 'vitest-browser-react';
import { axeViolations } from '../../test/axe';
import { ICON_GLYPHS, pseudoMessages, untranslated } from '../../test/messages';
import { AuditlaneProvider } from '../provider';
import { SessionTable } from '../session-table';
import styles from '../styles.css?inline';
import { Filters } from './filters';
import type { FiltersValue } from './filters.types';
import { filtersFromSearchParams, filtersToSearchParams, toListParams } from './filters-params';
import { useFiltersSearchParams } from './use-filters';

const servers = inject('servers');

function ControlledHost() {
  const [value, setValue] = useState<FiltersValue>({ environment: ['production'] });
  return (
    <>
      <Filters value={value} onValueChange={setValue} debounceMs={0} />
      <output data-testid="value">{JSON.stringify(value)}</output>
    </>
  );
}

function UrlHost() {
  const [value, setValue] = useFiltersSearchParams({ history: 'push' });
  return <Filters value={value} onValueChange={setValue} debounceMs={0} />;
}

function FilteredTable() {
  const [value, setValue] = useState<FiltersValue>({});
  return (
    <>
      <Filters value={value} onValueChange={setValue} debounceMs={0} />
      <SessionTable params={toListParams(value)} />
    </>
  );
}

describe('Filters', () => {
  it('edits every filter from the keyboard and mouse, uncontrolled', async () => {
    const onValueChange = vi.fn();
    const screen = await render(<Filters onValueChange={onValueChange} debounceMs={50} />);
    await screen.getByRole('searchbox', { name: 'Search' }).fill('kubectl delete');
    await userEvent.keyboard('{Enter}');
    expect(onValueChange).toHaveBeenLastCalledWith({ q: 'kubectl delete' });

    await screen.getByRole('textbox', { name: 'User' }).fill('alice@example.com');
    await vi.waitFor(() =>
      expect(onValueChange).toHaveBeenLastCalledWith({
        q: 'kubectl delete',
        user: 'alice@example.com',
      }),
    );

    await screen.getByRole('button', { name: 'Status: Any' }).click();
    await screen.getByRole('menuitemcheckbox', { name: 'active' }).click();
    await screen.getByRole('menuitemcheckbox', { name: 'pending review' }).click();
    await userEvent.keyboard('{Escape}');
    expect(onValueChange).toHaveBeenLastCalledWith(
      expect.objectContaining({ status: ['active', 'pending_review'] }),
    );
    await expect.element(screen.getByRole('button', { name: 'Status: 2 selected' })).toBeVisible();

    await screen.getByRole('radio', { name: '24h' }).click();
    expect(onValueChange).toHaveBeenLastCalledWith(expect.objectContaining({ period: '24h' }));
    await screen.getByRole('radio', { name: 'Custom' }).click();
    await expect.element(screen.getByLabelText('From')).toBeVisible();
    expect(await axeViolations(screen.container)).toEqual([]);

    await screen.getByRole('button', { name: 'Reset' }).click();
    expect(onValueChange).toHaveBeenLastCalledWith({});
    await expect.element(screen.getByRole('searchbox', { name: 'Search' })).toHaveValue('');
  });

  it('is controlled: shows the value it is given and reports changes', async () => {
    const screen = await render(<ControlledHost />);
    await expect
      .element(screen.getByRole('button', { name: 'Environment: production' }))
      .toBeVisible();
    await screen.getByRole('button', { name: 'Environment: production' }).click();
    await screen.getByRole('menuitemcheckbox', { name: 'staging' }).click();
    await userEvent.keyboard('{Escape}');
    await expect
      .element(screen.getByTestId('value'))
      .toHaveTextContent('{"environment":["production","staging"]}');
  });

  it('opens a menu from the keyboard on first use (its code loads on demand) and gives the focus back', async () => {
    const onValueChange = vi.fn();
    const screen = await render(<Filters onValueChange={onValueChange} />);
    const trigger = screen.getByRole('button', { name: 'Status: Any' });
    // Until its code has loaded the trigger already says it opens a menu.
    await expect.element(trigger).toHaveAttribute('aria-haspopup', 'menu');
    await expect.element(trigger).toHaveAttribute('aria-expanded', 'false');
    (trigger.element() as HTMLElement).focus();
    await userEvent.keyboard('{ArrowDown}');
    await expect.element(screen.getByRole('menu')).toBeVisible();
    await expect
      .element(screen.getByRole('button', { name: 'Status: Any' }))
      .toHaveAttribute('aria-expanded', 'true');
    await vi.waitFor(() => expect(document.activeElement?.closest('[role="menu"]')).not.toBeNull());
    await screen.getByRole('menuitemcheckbox', { name: 'blocked' }).click();
    expect(onValueChange).toHaveBeenLastCalledWith({ status: ['blocked'] });
    await userEvent.keyboard('{Escape}');
    await expect.element(screen.getByRole('menu')).not.toBeInTheDocument();
    await vi.waitFor(() =>
      expect(document.activeElement?.getAttribute('aria-label')).toBe('Status: blocked'),
    );
    expect(await axeViolations(screen.container)).toEqual([]);
  });

  it('round-trips through URL search parameters and drops what is not valid', () => {
    const value: FiltersValue = {
      q: 'DROP TABLE',
      user: 'alice@example.com',
      type: ['database', 'ssh'],
      status: ['blocked'],
      environment: ['production'],
      period: '7d',
    };
    const params = filtersToSearchParams(value, new URLSearchParams('tab=sessions&status=old'));
    expect(params.get('tab')).toBe('sessions');
    expect(params.getAll('type')).toEqual(['database', 'ssh']);
    expect(filtersFromSearchParams(params)).toEqual(value);
    expect(
      filtersFromSearchParams(
        new URLSearchParams('status=bogus&type=ftp&environment=PROD!&period=2y&from=yesterday'),
      ),
    ).toEqual({});
    expect(
      filtersFromSearchParams(new URLSearchParams('period=custom&from=2026-11-01T00:00:00.000Z')),
    ).toEqual({ period: 'custom', from: '2026-11-01T00:00:00.000Z' });
    expect(toListParams({ ...value, period: 'custom', from: '2026-11-01T00:00:00.000Z' })).toEqual({
      q: 'DROP TABLE',
      user: ['alice@example.com'],
      type: ['database', 'ssh'],
      status: ['blocked'],
      environment: ['production'],
      from: '2026-11-01T00:00:00.000Z',
    });
  });

  it('picks the period from native radios: one tab stop, arrows choose, a press on the chosen one clears it', async () => {
    const onValueChange = vi.fn();
    const screen = await render(
      <>
        <button type="button">before</button>
        <Filters defaultValue={{ period: '24h' }} onValueChange={onValueChange} debounceMs={0} />
      </>,
    );
    const group = screen.getByRole('radiogroup', { name: 'Period' });
    await expect.element(group).toBeVisible();
    const radios = [...group.element().querySelectorAll<HTMLInputElement>('input[type="radio"]')];
    expect(radios.map((r) => r.value)).toEqual(['1h', '24h', '7d', '30d', 'custom']);
    // One group of native radios (one name): the browser gives it one tab stop and the arrows.
    expect(new Set(radios.map((r) => r.name)).size).toBe(1);
    await expect.element(screen.getByRole('radio', { name: '24h' })).toBeChecked();
    radios[1]?.focus();
    await userEvent.keyboard('{ArrowRight}');
    expect(onValueChange).toHaveBeenLastCalledWith({ period: '7d' });
    await expect.element(screen.getByRole('radio', { name: '7d' })).toBeChecked();
    await expect
      .element(screen.getByRole('radio', { name: '7d' }))
      .toHaveAttribute('data-state', 'on');
    await userEvent.keyboard('{ArrowLeft}{ArrowLeft}');
    expect(onValueChange).toHaveBeenLastCalledWith({ period: '1h' });
    // As the toggle group it replaces: pressing the chosen period again removes the filter.
    await screen.getByRole('radio', { name: '1h' }).click();
    expect(onValueChange).toHaveBeenLastCalledWith({});
    for (const radio of radios) expect(radio.checked).toBe(false);
    expect(await axeViolations(screen.container)).toEqual([]);
  });

  it('clears the chosen period from the keyboard: Space on the checked radio, and only once', async () => {
    const onValueChange = vi.fn();
    const screen = await render(
      <Filters defaultValue={{ period: '7d' }} onValueChange={onValueChange} debounceMs={0} />,
    );
    const radio = screen.getByRole('radio', { name: '7d' });
    await expect.element(radio).toBeChecked();
    (radio.element() as HTMLInputElement).focus();
    await userEvent.keyboard(' ');
    expect(onValueChange).toHaveBeenLastCalledWith({});
    await expect.element(radio).not.toBeChecked();
    // The key's release must not choose it again (a click after the clear would check it).
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(onValueChange).toHaveBeenCalledTimes(1);
    await expect.element(radio).not.toBeChecked();
    // Space on an unchosen radio chooses it, as the browser does.
    await userEvent.keyboard(' ');
    expect(onValueChange).toHaveBeenLastCalledWith({ period: '7d' });
    await expect.element(radio).toBeChecked();
  });

  it('draws the chosen period in Highlight under forced colours (the accent background is dropped)', async () => {
    // The default styles, then their forced-colours rules as if the mode were on.
    const sheet = document.createElement('style');
    sheet.textContent = styles;
    document.head.append(sheet);
    const forced = [...(sheet.sheet?.cssRules ?? [])]
      .filter((r): r is CSSMediaRule => r instanceof CSSMediaRule)
      .filter((r) => r.conditionText.includes('forced-colors: active'))
      .flatMap((r) => [...r.cssRules].map((inner) => inner.cssText));
    const on = document.createElement('style');
    on.textContent = forced.join('\n');
    document.head.append(on);
    try {
      const screen = await render(<Filters defaultValue={{ period: '7d' }} debounceMs={0} />);
      const chosen = screen.getByRole('radio', { name: '7d' }).element().closest('label');
      const other = screen.getByRole('radio', { name: '1h' }).element().closest('label');
      if (!(chosen && other)) throw new Error('no labels');
      const probe = document.createElement('span');
      probe.style.cssText = 'background: Highlight; color: HighlightText';
      document.body.append(probe);
      const highlight = getComputedStyle(probe);
      const style = getComputedStyle(chosen);
      expect(style.forcedColorAdjust).toBe('none');
      expect(style.backgroundColor).toBe(highlight.backgroundColor);
      expect(style.color).toBe(highlight.color);
      expect(getComputedStyle(other).backgroundColor).not.toBe(highlight.backgroundColor);
      probe.remove();
    } finally {
      sheet.remove();
      on.remove();
    }
  });

  it('leaves a form around it alone: Enter on a period does not submit it', async () => {
    const onSubmit = vi.fn((event: { preventDefault(): void }) => event.preventDefault());
    const screen = await render(
      <form onSubmit={onSubmit}>
        <Filters defaultValue={{ period: '7d' }} debounceMs={0} />
        <button type="submit">Apply</button>
      </form>,
    );
    const radio = screen.getByRole('radio', { name: '7d' });
    await expect.element(radio).toBeChecked();
    (radio.element() as HTMLInputElement).focus();
    await userEvent.keyboard('{Enter}');
    expect(onSubmit).not.toHaveBeenCalled();
  });

  it('keeps the filters in the page URL (useFiltersSearchParams), back and forward aware', async () => {
    const start = window.location.href;
    const screen = await render(<UrlHost />);
    await screen.getByRole('radio', { name: '30d' }).click();
    await vi.waitFor(() =>
      expect(new URL(window.location.href).searchParams.get('period')).toBe('30d'),
    );
    await screen.getByRole('radio', { name: '1h' }).click();
    await vi.waitFor(() =>
      expect(new URL(window.location.href).searchParams.get('period')).toBe('1h'),
    );
    window.history.back();
    await expect
      .element(screen.getByRole('radio', { name: '30d' }))
      .toHaveAttribute('data-state', 'on');
    window.history.replaceState(null, '', start);
  });

  it('filters the sessions table on the reference server (status and full-text search)', async () => {
    const client = createClient({ baseUrl: servers.url, token: servers.adminToken, retries: 0 });
    const screen = await render(
      <AuditlaneProvider client={client}>
        <FilteredTable />
      </AuditlaneProvider>,
    );
    await expect.element(screen.getByText(`${servers.bulkSessions + 4} sessions`)).toBeVisible();
    await screen.getByRole('searchbox', { name: 'Search' }).fill('notes.html');
    await userEvent.keyboard('{Enter}');
    await expect.element(screen.getByText('1 session', { exact: true })).toBeVisible();
    await expect.element(screen.getByRole('cell', { name: /alice@example\.com/ })).toBeVisible();
    await screen.getByRole('button', { name: 'Reset' }).click();
    await screen.getByRole('button', { name: 'Type: Any' }).click();
    await screen.getByRole('menuitemcheckbox', { name: 'kubernetes' }).click();
    await userEvent.keyboard('{Escape}');
    const expected = Array.from({ length: servers.bulkSessions }, (_, i) => i).filter(
      (i) => i % 3 === 0,
    ).length;
    await expect.element(screen.getByText(`${expected} sessions`)).toBeVisible();
  });

  it('shows only the messages it is given (open menus included) and draws its icons as SVG', async () => {
    const screen = await render(
      <Filters
        messages={pseudoMessages()}
        defaultValue={{
          status: ['active', 'pending_review'],
          type: ['database'],
          period: 'custom',
          from: '2026-11-01T00:00:00.000Z',
          to: '2026-11-02T00:00:00.000Z',
        }}
      />,
    );
    await expect
      .element(screen.getByRole('radio', { name: '«filters.periodCustom»' }))
      .toBeVisible();
    expect(untranslated(document.body)).toEqual([]);
    const triggers = [...screen.container.querySelectorAll<HTMLElement>('.al-filters__trigger')];
    expect(triggers.length).toBe(3);
    for (const [i, trigger] of triggers.entries()) {
      await userEvent.click(trigger);
      await expect.element(screen.getByRole('menu')).toBeVisible();
      expect(untranslated(document.body)).toEqual([]);
      expect(document.body.textContent).not.toMatch(ICON_GLYPHS);
      // The trigger's chevron and the chosen options' check marks (type, status) are SVG.
      expect(trigger.querySelector('svg[aria-hidden="true"]')).not.toBeNull();
      if (i !== 1) expect(document.querySelector('.al-menu__indicator svg')).not.toBeNull();
      await userEvent.keyboard('{Escape}');
      await expect.element(screen.getByRole('menu')).not.toBeInTheDocument();
    }
  });
});
