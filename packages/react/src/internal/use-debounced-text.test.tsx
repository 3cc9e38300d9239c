import { useState } from 'react';
import { describe, expect, it } from 'vitest';
import { userEvent } from 'vitest/browser';
import { render } from 'vitest-browser-react';
import { useDebouncedText } from './use-debounced-text';

const commits: string[] = [];

/** A host that takes each commit a moment later (a router updating the URL), as hosts do. */
function LateEcho({ echoMs, delayMs }: { echoMs: number; delayMs: number }) {
  const [value, setValue] = useState('');
  const { draft, setDraft, commitNow } = useDebouncedText(
    value,
    (text) => {
      commits.push(text);
      setTimeout(() => setValue(text), echoMs);
    },
    delayMs,
  );
  return (
    <>
      <input
        aria-label="search"
        value={draft}
        onChange={(e) => setDraft(e.target.value)}
        onKeyDown={(e) => {
          if (e.key === 'Enter') commitNow();
        }}
      />
      <output>{value}</output>
      <button type="button" onClick={() => setValue('')}>
        clear
      </button>
    </>
  );
}

describe('useDebouncedText', () => {
  it('keeps what was typed after a commit when the host echoes that commit late', async () => {
    commits.length = 0;
    const screen = await render(<LateEcho echoMs={150} delayMs={300} />);
    const input = screen.getByRole('textbox', { name: 'search' });
    await userEvent.type(input, 'dro');
    await expect.poll(() => commits).toEqual(['dro']);
    // Typed before the host's echo of "dro" arrives.
    await userEvent.type(input, 'p');
    await expect.poll(() => commits, { timeout: 2000 }).toEqual(['dro', 'drop']);
    await expect.element(input).toHaveValue('drop');
    await expect.element(screen.getByRole('status')).toHaveTextContent('drop');
  });

  it('commits at once on Enter, once, and follows a value changed from outside', async () => {
    commits.length = 0;
    const screen = await render(<LateEcho echoMs={0} delayMs={300} />);
    const input = screen.getByRole('textbox', { name: 'search' });
    await userEvent.type(input, ' x {Enter}');
    await expect.poll(() => commits).toEqual(['x']);
    await new Promise((r) => setTimeout(r, 400));
    expect(commits).toEqual(['x']);
    await screen.getByRole('button', { name: 'clear' }).click();
    await expect.element(input).toHaveValue('');
  });
});
