import { useState } from 'react';
import { describe, expect, it } from 'vitest';
import { render } from 'vitest-browser-react';
import { type AsyncState, useAsync } from './use-async';

let exposed: { state: AsyncState<string>; setKey: (k: string) => void } | null = null;

function Probe({ results }: { results: Map<string, (string | Error)[]> }) {
  const [key, setKey] = useState('a');
  const state = useAsync(key, async () => {
    const next = results.get(key)?.shift();
    if (next instanceof Error) throw next;
    return next as string;
  });
  exposed = { state, setKey };
  return (
    <output data-status={state.status}>
      {state.data ?? '-'}|{state.error?.message ?? ''}
    </output>
  );
}

describe('useAsync', () => {
  it('keeps the data when a reload of the same key fails, and drops it when another key fails', async () => {
    const results = new Map<string, (string | Error)[]>([
      ['a', ['first', new Error('gateway down')]],
      ['b', [new Error('not found')]],
    ]);
    const screen = await render(<Probe results={results} />);
    const out = screen.container.querySelector('output') as HTMLOutputElement;
    await expect.poll(() => out.textContent).toBe('first|');
    exposed?.state.reload();
    await expect.poll(() => out.dataset.status).toBe('error');
    // The session still shown (with the error), not a blank page.
    expect(out.textContent).toBe('first|gateway down');
    exposed?.setKey('b');
    await expect.poll(() => out.textContent).toBe('-|not found');
  });
});
