import './styles.css';
import { describe, expect, it } from 'vitest';
import { render } from 'vitest-browser-react';
import { Filters } from './filters';
import { SessionTable, sortedRowModel } from './session-table';

describe('the default theme (styles.css)', () => {
  it('has light and dark defaults, chosen by data-al-theme, and CSS variables override them', async () => {
    const screen = await render(
      <>
        <div data-al-theme="light" data-testid="light">
          <SessionTable sessions={[]} features={{ sortedRowModel }} hideToolbar />
        </div>
        <div data-al-theme="dark" data-testid="dark">
          <SessionTable sessions={[]} features={{ sortedRowModel }} hideToolbar />
          <Filters />
        </div>
        <div
          data-al-theme="dark"
          style={{ '--al-bg': 'rgb(1, 2, 3)' } as React.CSSProperties}
          data-testid="custom"
        >
          <SessionTable sessions={[]} features={{ sortedRowModel }} hideToolbar />
        </div>
      </>,
    );
    const background = (id: string) =>
      getComputedStyle(
        screen.getByTestId(id).element().querySelector('.al-session-table__scroll') as Element,
      ).backgroundColor;
    expect(background('light')).toBe('rgb(255, 255, 255)');
    expect(background('dark')).toBe('rgb(15, 18, 22)');
    expect(background('custom')).toBe('rgb(1, 2, 3)');
    const reset = screen.getByTestId('dark').getByRole('button', { name: 'Reset' }).element();
    expect(getComputedStyle(reset).color).toBe('rgb(230, 233, 238)');
  });
});
