import type { ToolCallEvent } from '@auditlane/client';
import { ToolCallView } from '@auditlane/react/tool-call';
import type { Meta, StoryObj } from '@storybook/react-vite';

const ESC = '\u001b';
let seq = 0;

/** A tool_call as Claude Code's hooks record it: `input` its tool_input, `output` its response. */
function call(
  tool: string,
  fields: Partial<Pick<ToolCallEvent, 'input' | 'output' | 'error' | 'durationMs'>>,
): ToolCallEvent {
  seq += 1;
  return {
    id: `evt_01JD5Z8Q7Y3M4N5P6Q7R8S${String(seq).padStart(4, '0')}`,
    sessionId: 'sess_01JD5Z8Q7Y3M4N5P6Q7R8S9T0V',
    seq,
    time: '2026-11-25T06:19:32.123Z',
    type: 'tool_call',
    tool,
    ...fields,
  };
}

const meta = {
  title: 'Components/SessionDetail/ToolCallView',
  component: ToolCallView,
  args: {
    event: call('Bash', {
      input: { command: 'npm test', description: 'Run the test suite', timeout: 120000 },
      output: {
        stdout: `${ESC}[32m✓${ESC}[39m 42 passed\n${ESC}[1;31m✗${ESC}[0m 1 failed ${ESC}[2m(src/app.test.ts:12)${ESC}[0m\n`,
        stderr: `npm ${ESC}[33mWARN${ESC}[39m deprecated glob@7\n`,
        interrupted: false,
        isImage: false,
      },
      durationMs: 5400,
    }),
  },
} satisfies Meta<typeof ToolCallView>;

export default meta;
type Story = StoryObj<typeof meta>;

/** Bash: the command, its output as terminal text (colours shown), stderr apart. */
export const Bash: Story = {};

/** OSC 8 links, OSC 52 clipboard writes, cursor moves and HTML: all inert, shown as text. */
export const BashHostileOutput: Story = {
  args: {
    event: call('Bash', {
      input: { command: 'cat notes.html' },
      output: {
        stdout: `<img src=x onerror="alert(1)"> ${ESC}]8;;javascript:alert(1)${ESC}\\click${ESC}]8;;${ESC}\\ ${ESC}]52;c;cm0gLXJmIH4=\u0007${ESC}[2J${ESC}[31mred${ESC}[0m \u202eevil\u202c\n`,
        stderr: '',
      },
    }),
    defaultRawOpen: true,
  },
};

/** A megabyte of output: the first 20,000 characters, then "Show more". */
export const BashLargeOutput: Story = {
  args: {
    event: call('Bash', {
      input: { command: 'yes' },
      output: { stdout: `${ESC}[36my${ESC}[0m\n`.repeat(100_000), stderr: '' },
    }),
  },
};

export const Read: Story = {
  args: {
    event: call('Read', {
      input: { file_path: '/srv/app/src/config.ts', offset: 10, limit: 50 },
      output: {
        type: 'text',
        file: {
          filePath: '/srv/app/src/config.ts',
          content: 'export const port = 8080;\nexport const host = "0.0.0.0";\n',
        },
      },
    }),
  },
};

export const Write: Story = {
  args: {
    event: call('Write', {
      input: { file_path: '/srv/app/.env.example', content: 'PORT=8080\nDATABASE_URL=\n' },
      output: { filePath: '/srv/app/.env.example', success: true },
    }),
  },
};

/** Edit: old_string → new_string as a diff, lines marked added and removed. */
export const Edit: Story = {
  args: {
    event: call('Edit', {
      input: {
        file_path: '/srv/app/src/server.ts',
        old_string: 'const port = 3000;\nlisten(port);',
        new_string: 'const port = Number(process.env.PORT ?? 3000);\nlisten(port);',
        replace_all: false,
      },
    }),
  },
};

export const MultiEdit: Story = {
  args: {
    event: call('MultiEdit', {
      input: {
        file_path: '/srv/app/README.md',
        edits: [
          { old_string: '# App', new_string: '# Billing app' },
          { old_string: 'npm start', new_string: 'pnpm start', replace_all: true },
        ],
      },
    }),
  },
};

export const NotebookEdit: Story = {
  args: {
    event: call('NotebookEdit', {
      input: {
        notebook_path: '/srv/analysis/report.ipynb',
        cell_id: 'cell-3',
        new_source: 'df.describe()',
        cell_type: 'code',
        edit_mode: 'insert',
      },
    }),
  },
};

/** WebFetch: the URL as text (never a link), the prompt, the status and the result. */
export const WebFetch: Story = {
  args: {
    event: call('WebFetch', {
      input: { url: 'https://example.com/api', prompt: 'Extract the API endpoints' },
      output: { code: 200, codeText: 'OK', result: 'GET /v1/items\nPOST /v1/items' },
    }),
  },
};

export const WebSearch: Story = {
  args: {
    event: call('WebSearch', {
      input: { query: 'react hooks best practices', allowed_domains: ['docs.example.com'] },
      output: {
        results: [{ content: [{ title: 'Rules of Hooks', url: 'https://docs.example.com/h' }] }],
      },
    }),
  },
};

export const Grep: Story = {
  args: {
    event: call('Grep', {
      input: { pattern: 'TODO.*fix', path: '/srv/app', glob: '*.ts', output_mode: 'content' },
      output: { mode: 'content', content: 'src/a.ts:3:// TODO fix me\nsrc/b.ts:9:// TODO fix' },
    }),
  },
};

export const Glob: Story = {
  args: {
    event: call('Glob', {
      input: { pattern: '**/*.test.ts', path: '/srv/app' },
      output: { filenames: ['/srv/app/src/a.test.ts', '/srv/app/src/b.test.ts'], numFiles: 2 },
    }),
  },
};

/** Task / Agent, and any other tool: its input's fields. */
export const Agent: Story = {
  args: {
    event: call('Agent', {
      input: {
        description: 'Find API endpoints',
        prompt: 'Find all API endpoints in src/ and list them with their handlers.',
        subagent_type: 'Explore',
      },
      output: { content: [{ type: 'text', text: 'Found 2 endpoints.' }] },
    }),
  },
};

/** An MCP tool: server, tool and arguments. */
export const Mcp: Story = {
  args: {
    event: call('mcp__github__create_issue', {
      input: { owner: 'acme', repo: 'billing', title: 'Port is hard-coded', labels: ['bug'] },
      output: [{ type: 'text', text: 'Created issue #42' }],
    }),
  },
};

export const McpFailed: Story = {
  args: {
    event: call('mcp__memory__create_entities', {
      input: { entities: [{ name: 'alice', entityType: 'person' }] },
      error: 'MCP error -32603: the memory server is not running',
    }),
  },
};

/**
 * The parts composed by the host: its own element (`asChild`), the tool and its subject on one
 * line, the body, no raw JSON.
 */
export const Composed: Story = {
  render: (args) => (
    <ToolCallView.Root event={args.event} asChild>
      <article className="al-tool-call">
        <header className="al-tool-call__head">
          <ToolCallView.Tool className="al-tool-call__tool" />
          <ToolCallView.Subject className="al-code al-tool-call__subject" />
        </header>
        <ToolCallView.Body className="al-tool-call__body" />
        <ToolCallView.Error className="al-error" />
      </article>
    </ToolCallView.Root>
  ),
};
