/**
 * Claude Code tool calls as the hook records them (`packages/recorder/src/hook/claude-code.ts`):
 * PreToolUse records the attempt, a tool_call with `input` = the hook's `tool_input`;
 * PostToolUse records the result, a tool_call with `output` = its `tool_response` (no input:
 * the attempt has it); PostToolUseFailure records `error`. The inputs are the fields Claude
 * Code's hooks reference documents for PreToolUse (Bash `command`, `description`, `timeout`,
 * `run_in_background`; Write `file_path`, `content`; Edit `file_path`, `old_string`,
 * `new_string`, `replace_all`; Read `file_path`, `offset`, `limit`; Glob `pattern`, `path`;
 * Grep `pattern`, `path`, `glob`, `output_mode`, `-i`, `multiline`; WebFetch `url`, `prompt`;
 * WebSearch `query`, `allowed_domains`, `blocked_domains`; Agent `prompt`, `description`,
 * `subagent_type`, `model`), its PostToolUse example (Write's `{filePath, success}`), and the
 * responses Claude Code gives its hooks for the others.
 */
import type { ToolCallEvent } from '@auditlane/client';

let seq = 0;

/** A tool_call event as the server returns it. */
export function toolCall(
  tool: string,
  fields: Partial<Pick<ToolCallEvent, 'input' | 'output' | 'error' | 'durationMs' | 'callId'>>,
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

export const bashAttempt = toolCall('Bash', {
  callId: 'toolu_01',
  input: {
    command: 'npm test -- --reporter=dot',
    description: 'Run the test suite',
    timeout: 120000,
    run_in_background: false,
  },
});

export const bashResult = toolCall('Bash', {
  callId: 'toolu_01',
  output: {
    stdout: '\u001b[32m✓\u001b[39m 42 passed\n\u001b[1;31m✗\u001b[0m 1 failed\n',
    stderr: 'npm \u001b[33mWARN\u001b[39m deprecated glob@7\n',
    interrupted: false,
    isImage: false,
  },
  durationMs: 5400,
});

/** A call recorded whole (the recorder's `wrapTool`): input and output on one event. */
export const bashCall = toolCall('Bash', {
  input: { command: 'git status --short', description: 'Show changed files' },
  output: { stdout: ' M src/app.ts\n?? notes.md\n', stderr: '', interrupted: false },
  durationMs: 40,
});

export const readCall = toolCall('Read', {
  input: { file_path: '/srv/app/src/config.ts', offset: 10, limit: 50 },
  output: {
    type: 'text',
    file: {
      filePath: '/srv/app/src/config.ts',
      content: 'export const port = 8080;\nexport const host = "0.0.0.0";\n',
      numLines: 2,
      startLine: 10,
      totalLines: 11,
    },
  },
});

export const writeAttempt = toolCall('Write', {
  input: { file_path: '/path/to/file.txt', content: 'file content\nsecond line\n' },
});

export const writeResult = toolCall('Write', {
  output: { filePath: '/path/to/file.txt', success: true },
});

export const editCall = toolCall('Edit', {
  input: {
    file_path: '/srv/app/src/server.ts',
    old_string: 'const port = 3000;\nlisten(port);',
    new_string: 'const port = Number(process.env.PORT ?? 3000);\nlisten(port);',
    replace_all: false,
  },
});

/** Edit's PostToolUse alone (no attempt recorded): the response repeats the strings. */
export const editResultOnly = toolCall('Edit', {
  output: {
    filePath: '/srv/app/src/server.ts',
    oldString: 'debug = true',
    newString: 'debug = false',
    replaceAll: true,
    userModified: false,
  },
});

export const multiEditCall = toolCall('MultiEdit', {
  input: {
    file_path: '/srv/app/README.md',
    edits: [
      { old_string: '# App', new_string: '# Billing app' },
      { old_string: 'npm start', new_string: 'pnpm start', replace_all: true },
    ],
  },
});

export const notebookEditCall = toolCall('NotebookEdit', {
  input: {
    notebook_path: '/srv/analysis/report.ipynb',
    cell_id: 'cell-3',
    new_source: 'df.describe()',
    cell_type: 'code',
    edit_mode: 'insert',
  },
});

export const webFetchCall = toolCall('WebFetch', {
  input: { url: 'https://example.com/api', prompt: 'Extract the API endpoints' },
  output: {
    bytes: 35967,
    code: 200,
    codeText: 'OK',
    result: 'GET /v1/items\nPOST /v1/items',
    durationMs: 812,
    url: 'https://example.com/api',
  },
});

export const webSearchCall = toolCall('WebSearch', {
  input: {
    query: 'react hooks best practices',
    allowed_domains: ['docs.example.com'],
    blocked_domains: ['spam.example.com'],
  },
  output: {
    query: 'react hooks best practices',
    results: [
      {
        tool_use_id: 'srvtoolu_01',
        content: [{ title: 'Rules of Hooks', url: 'https://docs.example.com/hooks' }],
      },
    ],
    durationSeconds: 1.2,
  },
});

export const grepCall = toolCall('Grep', {
  input: {
    pattern: 'TODO.*fix',
    path: '/srv/app',
    glob: '*.ts',
    output_mode: 'content',
    '-i': true,
    multiline: false,
  },
  output: { mode: 'content', numFiles: 1, filenames: [], content: 'src/a.ts:3:// TODO fix me' },
});

export const globCall = toolCall('Glob', {
  input: { pattern: '**/*.test.ts', path: '/srv/app' },
  output: {
    filenames: ['/srv/app/src/a.test.ts', '/srv/app/src/b.test.ts'],
    durationMs: 12,
    numFiles: 2,
    truncated: false,
  },
});

export const agentCall = toolCall('Agent', {
  input: {
    prompt: 'Find all API endpoints\nand list them',
    description: 'Find API endpoints',
    subagent_type: 'Explore',
    model: 'sonnet',
  },
  output: { content: [{ type: 'text', text: 'Found 2 endpoints.' }], totalDurationMs: 9000 },
});

export const mcpCall = toolCall('mcp__github__create_issue', {
  input: { owner: 'acme', repo: 'billing', title: 'Port is hard-coded', labels: ['bug'] },
  output: [{ type: 'text', text: 'Created issue #42' }],
});

export const mcpFailure = toolCall('mcp__memory__create_entities', {
  input: { entities: [{ name: 'alice', entityType: 'person', observations: [] }] },
  error: 'MCP error -32603: the memory server is not running',
});
