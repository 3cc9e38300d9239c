import '../../styles.css';
import { createClient } from '@auditlane/client';
import { describe, expect, inject, it } from 'vitest';
import { render } from 'vitest-browser-react';
import { axeViolations } from '../../../test/axe';
import {
  agentCall,
  bashAttempt,
  bashCall,
  bashResult,
  editCall,
  globCall,
  mcpCall,
  mcpFailure,
  multiEditCall,
  notebookEditCall,
  readCall,
  toolCall,
  webFetchCall,
  webSearchCall,
  writeAttempt,
} from '../../../test/tool-calls';
import { AuditlaneProvider } from '../../provider';
import { SessionDetail } from '../session-detail';
import { TerminalText } from './terminal-text';
import { parseTerminalText } from './terminal-text.utils';
import { ToolCallView } from './tool-call';

const ESC = '\u001b';
const all = [
  bashAttempt,
  bashResult,
  bashCall,
  readCall,
  writeAttempt,
  editCall,
  multiEditCall,
  notebookEditCall,
  webFetchCall,
  webSearchCall,
  globCall,
  agentCall,
  mcpCall,
  mcpFailure,
];

describe('ToolCallView', () => {
  it('passes axe for every tool, raw JSON open and closed', async () => {
    const screen = await render(
      <div>
        {all.map((event) => (
          <ToolCallView key={event.id} event={event} />
        ))}
        {all.map((event) => (
          <ToolCallView key={event.id} event={event} defaultRawOpen />
        ))}
      </div>,
    );
    // Terminal text keeps the recording's colours: contrast is checked everywhere else.
    expect(
      await axeViolations(screen.container, { skipContrastIn: '.al-text-block--terminal' }),
    ).toEqual([]);
  });

  it('shows Bash as its command, description and output as terminal text', async () => {
    const screen = await render(
      <div>
        <ToolCallView event={bashAttempt} />
        <ToolCallView event={bashResult} />
      </div>,
    );
    const [attempt, result] = [...screen.container.querySelectorAll('.al-tool-call')] as [
      HTMLElement,
      HTMLElement,
    ];
    expect(attempt.dataset.kind).toBe('bash');
    expect(attempt.dataset.tool).toBe('Bash');
    expect(attempt.querySelector('pre')?.textContent).toBe('$ npm test -- --reporter=dot');
    expect(attempt.querySelector('dl')?.textContent).toBe(
      'DescriptionRun the test suiteTimeout2m 00s',
    );
    // The result, recorded without its input, is its output.
    expect(result.querySelector('.al-tool-call__subject')).toBeNull();
    const stdout = result.querySelector('[data-block="stdout"] pre') as HTMLElement;
    expect(stdout.textContent).toBe('✓ 42 passed\n✗ 1 failed\n');
    const check = [...stdout.querySelectorAll('span')].find((s) => s.textContent === '✓');
    expect(check?.style.color).toBe('var(--al-term-color-2)');
    const cross = [...stdout.querySelectorAll('span')].find((s) => s.textContent === '✗');
    expect(cross?.style.color).toBe('var(--al-term-color-1)');
    expect(cross?.style.fontWeight).toBe('bold');
    const stderr = result.querySelector('[data-block="stderr"] pre') as HTMLElement;
    expect(stderr.textContent).toBe('npm WARN deprecated glob@7\n');
    expect(result.querySelector('[data-block="stderr"]')?.textContent).toContain('Errors (stderr)');
    expect(result.textContent).toContain('Took5s');
    // Never the JSON string with escapes of today.
    expect(result.textContent).not.toContain('\\n');
    expect(result.textContent).not.toContain('"stdout"');
  });

  it("shows a call with its result recorded apart (an activity entry's result) as one call", async () => {
    const screen = await render(<ToolCallView event={bashAttempt} result={bashResult} />);
    const view = screen.container.querySelector('.al-tool-call') as HTMLElement;
    expect(view.querySelector('pre')?.textContent).toBe('$ npm test -- --reporter=dot');
    expect(view.querySelector('[data-block="stdout"] pre')?.textContent).toBe(
      '✓ 42 passed\n✗ 1 failed\n',
    );
    expect(view.textContent).toContain('Took5s');
    // The input comes before the output.
    const command = view.querySelector('pre')!;
    const stdout = view.querySelector('[data-block="stdout"]')!;
    expect(command.compareDocumentPosition(stdout) & Node.DOCUMENT_POSITION_FOLLOWING).toBeTruthy();
  });

  it('shows a file read or written as its path and content, an edit as a diff', async () => {
    const screen = await render(
      <div>
        <ToolCallView event={readCall} />
        <ToolCallView event={writeAttempt} />
        <ToolCallView event={editCall} />
        <ToolCallView event={multiEditCall} />
      </div>,
    );
    const [read, write, edit, multi] = [...screen.container.querySelectorAll('.al-tool-call')] as [
      HTMLElement,
      HTMLElement,
      HTMLElement,
      HTMLElement,
    ];
    expect(read.dataset.kind).toBe('file-read');
    expect(read.querySelector('code')?.textContent).toBe('/srv/app/src/config.ts');
    expect(read.textContent).toContain('Lines10–59');
    expect(read.querySelector('[data-block="content"] pre')?.textContent).toBe(
      'export const port = 8080;\nexport const host = "0.0.0.0";\n',
    );
    expect(write.querySelector('code')?.textContent).toBe('/path/to/file.txt');
    expect(write.querySelector('[data-block="content"] pre')?.textContent).toBe(
      'file content\nsecond line\n',
    );

    const lines = [...edit.querySelectorAll('li')].map((li) => [li.dataset.change, li.textContent]);
    expect(lines).toEqual([
      ['removed', 'removed: -const port = 3000;'],
      ['added', 'added: +const port = Number(process.env.PORT ?? 3000);'],
      ['unchanged', ' listen(port);'],
    ]);
    await expect
      .element(screen.getByRole('list', { name: 'Changes to /srv/app/src/server.ts' }))
      .toBeVisible();
    // The words are read by assistive technologies, the signs are not.
    const removed = edit.querySelector('li[data-change="removed"]') as HTMLElement;
    expect(removed.querySelector('.al-visually-hidden')?.textContent).toBe('removed: ');
    expect(removed.querySelector('[aria-hidden="true"]')?.textContent).toBe('-');

    expect(multi.querySelectorAll('[data-block="edit"]')).toHaveLength(2);
    expect(multi.textContent).toContain('Edit 1 of 2');
    expect(multi.textContent).toContain('Edit 2 of 2, every occurrence');
    expect(
      [...multi.querySelectorAll('li[data-change="added"]')].map((li) => li.textContent),
    ).toEqual(['added: +# Billing app', 'added: +pnpm start']);
  });

  it('shows WebFetch as its URL (text, not a link), MCP tools as server, tool and arguments', async () => {
    const screen = await render(
      <div>
        <ToolCallView event={webFetchCall} />
        <ToolCallView event={mcpCall} />
        <ToolCallView event={mcpFailure} />
        <ToolCallView event={globCall} />
      </div>,
    );
    const [fetch, mcp, failure, glob] = [
      ...screen.container.querySelectorAll('.al-tool-call'),
    ] as HTMLElement[] as [HTMLElement, HTMLElement, HTMLElement, HTMLElement];
    expect(fetch.querySelector('code')?.textContent).toBe('https://example.com/api');
    expect(screen.container.querySelector('a')).toBeNull();
    expect(fetch.textContent).toContain('PromptExtract the API endpoints');
    expect(fetch.textContent).toContain('Status200');
    expect(fetch.querySelector('[data-block="result"] pre')?.textContent).toBe(
      'GET /v1/items\nPOST /v1/items',
    );

    expect(mcp.dataset.kind).toBe('mcp');
    expect(mcp.querySelector('.al-tool-call__tool')?.textContent).toBe('MCP');
    expect(mcp.querySelector('code')?.textContent).toBe('github › create_issue');
    const args = [...mcp.querySelectorAll('dt')].map((dt) => [
      dt.textContent,
      dt.nextElementSibling?.textContent,
    ]);
    expect(args).toEqual([
      ['owner', 'acme'],
      ['repo', 'billing'],
      ['title', 'Port is hard-coded'],
      ['labels', '["bug"]'],
    ]);
    expect(mcp.querySelector('[data-block="result"] pre')?.textContent).toBe('Created issue #42');

    expect(failure.dataset.failed).toBe('');
    expect(failure.querySelector('.al-error')?.textContent).toBe(
      'Failed: MCP error -32603: the memory server is not running',
    );
    expect([...glob.querySelectorAll('li')].map((li) => li.textContent)).toEqual([
      '/srv/app/src/a.test.ts',
      '/srv/app/src/b.test.ts',
    ]);
    expect(glob.textContent).toContain('2 files');
  });

  it('keeps the raw JSON behind a disclosure, indented, with line breaks and no \\n escapes', async () => {
    const screen = await render(<ToolCallView event={bashCall} />);
    const trigger = screen.getByRole('button', { name: 'Raw JSON' });
    await expect.element(trigger).toHaveAttribute('aria-expanded', 'false');
    expect(screen.container.querySelector('[data-block="raw-output"]')).toBeNull();
    await trigger.click();
    await expect.element(trigger).toHaveAttribute('aria-expanded', 'true');
    const output = screen.container.querySelector('[data-block="raw-output"] pre') as HTMLElement;
    expect(output.textContent).toBe(
      '{\n  "stdout": " M src/app.ts\n?? notes.md\n",\n  "stderr": "",\n  "interrupted": false\n}',
    );
    const input = screen.container.querySelector('[data-block="raw-input"] pre') as HTMLElement;
    expect(input.textContent).toContain('"command": "git status --short"');
  });

  it('renders hostile output as text: no markup, no links, no clipboard writes, spans only', async () => {
    const hostile = toolCall('Bash', {
      input: { command: 'cat <(curl evil) # <img src=x onerror="window.__pwned=1">' },
      output: {
        stdout:
          `<script>window.__pwned=1</script><img src=x onerror="window.__pwned=1">` +
          `${ESC}]8;;javascript:window.__pwned=1${ESC}\\click me${ESC}]8;;${ESC}\\ ` +
          `${ESC}]52;c;cm0gLXJmIH4=\u0007copied? ` +
          `${ESC}]0;a title\u0007${ESC}[2J${ESC}[H${ESC}[10;20H${ESC}[?1049h${ESC}7` +
          `${ESC}P+q544e${ESC}\\\u009b31mred-c1\u009b0m ${ESC}[31mred${ESC}[0m \u202eevil\u202c\n`,
        stderr: '',
      },
    });
    const screen = await render(<ToolCallView event={hostile} defaultRawOpen />);
    const pre = screen.container.querySelector('[data-block="stdout"] pre') as HTMLElement;
    expect([...pre.querySelectorAll('*')].every((el) => el.tagName === 'SPAN')).toBe(true);
    expect(pre.textContent).toBe(
      '<script>window.__pwned=1</script><img src=x onerror="window.__pwned=1">' +
        'click me copied? red-c1 red <U+202E>evil<U+202C>\n',
    );
    expect(screen.container.querySelector('script, img, a, b, iframe')).toBeNull();
    expect(screen.container.textContent).not.toContain(ESC);
    expect(screen.container.textContent).not.toContain('\u009b');
    expect(pre.textContent).not.toContain('cm0gLXJmIH4=');
    expect(pre.textContent).not.toContain('a title');
    const red = [...pre.querySelectorAll('span')].filter((s) => s.textContent?.startsWith('red'));
    expect(red.map((s) => s.style.color)).toEqual([
      'var(--al-term-color-1)',
      'var(--al-term-color-1)',
    ]);
    // The raw JSON shows everything, escaped: the evidence is kept, inert.
    const raw = screen.container.querySelector('[data-block="raw-output"] pre') as HTMLElement;
    expect(raw.textContent).toContain('\\u001b]52;c;cm0gLXJmIH4=\\u0007');
    expect((window as unknown as { __pwned?: number }).__pwned).toBeUndefined();
  });

  it('renders at most maxChars of a 1 MB output, and more on "Show more"', async () => {
    let stdout = '';
    for (let i = 0; stdout.length < 1_000_000; i++) {
      stdout += `${ESC}[32mok${ESC}[0m line ${i} ${ESC}[1;31merror${ESC}[m\n`;
    }
    const started = performance.now();
    const screen = await render(
      <ToolCallView event={toolCall('Bash', { input: { command: 'yes' }, output: { stdout } })} />,
    );
    const pre = screen.container.querySelector('[data-block="stdout"] pre') as HTMLElement;
    await expect
      .element(screen.getByText(/^Showing 20,000 of 1,0\d\d,\d\d\d characters$/))
      .toBeVisible();
    expect(performance.now() - started).toBeLessThan(2_000);
    const first = pre.textContent?.length ?? 0;
    expect(first).toBeLessThan(20_000);
    expect(first).toBeGreaterThan(5_000);
    expect(pre.querySelectorAll('span').length).toBeLessThan(2_000);
    await screen.getByRole('button', { name: 'Show more' }).click();
    await expect.element(screen.getByText(/^Showing 80,000 of/)).toBeVisible();
    expect(pre.textContent?.length).toBeGreaterThan(first * 3);
  });

  it('renders at most maxChars of an edit of a 1 MB line, and more on "Show more"', async () => {
    const line = 'x'.repeat(1_000_000);
    const started = performance.now();
    const screen = await render(
      <ToolCallView
        event={toolCall('Edit', {
          input: { file_path: '/srv/app/min.js', old_string: `${line}a`, new_string: `${line}b` },
        })}
      />,
    );
    const list = screen.container.querySelector('ol') as HTMLElement;
    await expect.element(screen.getByRole('button', { name: 'Show more' })).toBeVisible();
    expect(performance.now() - started).toBeLessThan(2_000);
    expect(list.textContent?.length).toBeLessThan(25_000);
    expect(list.querySelectorAll('li')).toHaveLength(1);
    await screen.getByRole('button', { name: 'Show more' }).click();
    await expect.poll(() => list.textContent?.length ?? 0).toBeGreaterThan(60_000);
  });

  it('throws a part outside its Root, naming both', async () => {
    const error = console.error;
    console.error = () => {};
    try {
      await expect(render(<ToolCallView.Body />)).rejects.toThrow(
        'ToolCallView.Body must be used within ToolCallView.Root',
      );
    } finally {
      console.error = error;
    }
  });

  it('composes from parts, with the host’s element and strings', async () => {
    const screen = await render(
      <ToolCallView.Root event={mcpCall} messages={{ mcp: 'Outil MCP' }} asChild>
        <article data-testid="host">
          <ToolCallView.Tool />
          <ToolCallView.Subject />
        </article>
      </ToolCallView.Root>,
    );
    const host = screen.getByTestId('host');
    await expect.element(host).toHaveAttribute('data-kind', 'mcp');
    await expect.element(host).toHaveTextContent('Outil MCPgithub › create_issue');
  });
});

describe('TerminalText and parseTerminalText', () => {
  it('maps SGR colours to the theme variables, 256 colours and RGB to exact colours', async () => {
    const text =
      `${ESC}[30ma${ESC}[37mb${ESC}[90mc${ESC}[97md${ESC}[41me${ESC}[103mf${ESC}[0m` +
      `${ESC}[38;5;9mg${ESC}[38;5;196mh${ESC}[38;5;244mi${ESC}[38;2;1;2;3mj` +
      `${ESC}[48:2::4:5:6mk${ESC}[0;4mu${ESC}[24;7mv${ESC}[0m${ESC}[8;5mshown${ESC}[0m plain`;
    const screen = await render(<TerminalText text={text} />);
    const spans = [...screen.container.querySelectorAll('span')];
    const by = (t: string) => spans.find((s) => s.textContent === t)?.style;
    expect(by('a')?.color).toBe('var(--al-term-color-0)');
    expect(by('b')?.color).toBe('var(--al-term-color-7)');
    expect(by('c')?.color).toBe('var(--al-term-color-8)');
    expect(by('d')?.color).toBe('var(--al-term-color-15)');
    expect(by('e')?.backgroundColor).toBe('var(--al-term-color-1)');
    expect(by('f')?.backgroundColor).toBe('var(--al-term-color-11)');
    expect(by('f')?.color).toBe('var(--al-term-color-15)');
    expect(by('g')?.color).toBe('var(--al-term-color-9)');
    expect(by('h')?.color).toBe('rgb(255, 0, 0)');
    expect(by('i')?.color).toBe('rgb(128, 128, 128)');
    expect(by('j')?.color).toBe('rgb(1, 2, 3)');
    expect(by('k')?.backgroundColor).toBe('rgb(4, 5, 6)');
    expect(by('u')?.textDecoration).toBe('underline');
    expect(by('v')?.color).toBe('var(--al-term-bg)');
    expect(by('v')?.backgroundColor).toBe('var(--al-term-fg)');
    // Concealed (8) and blinking (5) text is evidence too: shown, unstyled.
    expect(screen.container.querySelector('pre')?.textContent).toContain('vshown plain');
    // Text after a reset is not wrapped at all.
    expect(screen.container.querySelector('pre')?.lastChild?.nodeType).toBe(Node.TEXT_NODE);
    // The palette is the theme's: styles.css defines it, a host overrides it.
    const red = document.createElement('span');
    red.style.color = 'var(--al-term-color-1)';
    document.body.append(red);
    expect(getComputedStyle(red).color).toBe('rgb(205, 49, 49)');
    red.remove();
  });

  it('merges runs of one style and drops sequences cut by the limit', () => {
    const parsed = parseTerminalText(
      `${ESC}[31ma${ESC}[31mb${ESC}[1m${ESC}[22mc${ESC}[0md${ESC}[3`,
    );
    expect(parsed.spans).toEqual([
      { text: 'abc', style: { fg: { type: 'palette', index: 1 } } },
      { text: 'd', style: null },
    ]);
    const cut = parseTerminalText(`ab${ESC}[31mcd`, { maxChars: 4 });
    expect(cut).toMatchObject({
      spans: [{ text: 'ab', style: null }],
      truncated: true,
      readChars: 4,
    });
    // Never half of a surrogate pair.
    expect(parseTerminalText('a😀b', { maxChars: 2 }).spans).toEqual([{ text: 'a', style: null }]);
  });
});

describe('tool calls in SessionDetail, recorded through the Claude Code hook', () => {
  it("shows each call in its tool's shape, from the reference server", async () => {
    const servers = inject('servers');
    const client = createClient({ baseUrl: servers.url, token: servers.scratchToken, retries: 0 });
    const screen = await render(
      <AuditlaneProvider client={client}>
        <SessionDetail sessionId={servers.claudeCodeSession} />
      </AuditlaneProvider>,
    );
    await expect.element(screen.getByText('github › create_issue').first()).toBeVisible();
    const views = () => [...screen.container.querySelectorAll<HTMLElement>('.al-tool-call')];
    // Each call with its result (PreToolUse and PostToolUse, joined by the server): one view.
    await expect.poll(() => views().length).toBe(4);
    expect(views().map((v) => v.dataset.kind)).toEqual(['bash', 'file-edit', 'fetch', 'mcp']);
    const [bash, edit, fetch, failure] = views() as HTMLElement[];
    expect(bash?.querySelector('pre')?.textContent).toBe('$ npm test');
    const stdout = bash?.querySelector('[data-block="stdout"] pre') as HTMLElement;
    expect(stdout.textContent).toBe('✓ 42 passed\ndetails\n');
    expect(stdout.querySelector('span')?.style.color).toBe('var(--al-term-color-2)');
    expect([...(edit?.querySelectorAll('li') ?? [])].map((li) => li.dataset.change)).toEqual([
      'removed',
      'added',
    ]);
    expect(fetch?.querySelector('code')?.textContent).toBe('https://example.com/api');
    expect(failure?.querySelector('.al-error')?.textContent).toBe(
      'Failed: GitHub API rate limit exceeded',
    );
    const activity = screen.container.querySelector('.al-activity') as HTMLElement;
    expect(activity.querySelector('a')).toBeNull();
    expect(activity.textContent).not.toContain('\\n');
    expect(activity.textContent).not.toContain('{"command"');
  });
});
