import { describe, expect, it } from 'vitest';
import {
  agentCall,
  bashAttempt,
  bashResult,
  editCall,
  editResultOnly,
  globCall,
  grepCall,
  mcpCall,
  mcpFailure,
  multiEditCall,
  notebookEditCall,
  readCall,
  toolCall,
  webFetchCall,
  webSearchCall,
  writeAttempt,
  writeResult,
} from '../../../test/tool-calls';
import { describeToolCall } from './describe-tool-call';
import { diffEdit } from './edit-diff.utils';
import { formatJson } from './tool-call.utils';

describe('describeToolCall', () => {
  it("describes Bash's attempt by its documented input and its result by stdout and stderr", () => {
    expect(describeToolCall(bashAttempt)).toEqual({
      kind: 'bash',
      tool: 'Bash',
      command: 'npm test -- --reporter=dot',
      description: 'Run the test suite',
      background: false,
      timeoutMs: 120000,
      stdout: null,
      stderr: null,
      interrupted: false,
      error: null,
      durationMs: null,
    });
    const result = describeToolCall(bashResult);
    expect(result).toMatchObject({ kind: 'bash', command: null, durationMs: 5400 });
    expect(result.kind === 'bash' && result.stdout).toContain('42 passed');
    expect(result.kind === 'bash' && result.stderr).toContain('deprecated glob@7');
  });

  it('describes the file tools by path, with content and edits', () => {
    expect(describeToolCall(readCall)).toMatchObject({
      kind: 'file-read',
      path: '/srv/app/src/config.ts',
      offset: 10,
      limit: 50,
      content: 'export const port = 8080;\nexport const host = "0.0.0.0";\n',
    });
    expect(describeToolCall(writeAttempt)).toMatchObject({
      kind: 'file-write',
      path: '/path/to/file.txt',
      content: 'file content\nsecond line\n',
    });
    // The documented PostToolUse example: the result alone still names its file.
    expect(describeToolCall(writeResult)).toMatchObject({
      kind: 'file-write',
      path: '/path/to/file.txt',
      content: null,
    });
    expect(describeToolCall(editCall)).toMatchObject({
      kind: 'file-edit',
      path: '/srv/app/src/server.ts',
      edits: [
        {
          oldString: 'const port = 3000;\nlisten(port);',
          newString: 'const port = Number(process.env.PORT ?? 3000);\nlisten(port);',
          replaceAll: false,
        },
      ],
      cell: null,
    });
    expect(describeToolCall(editResultOnly)).toMatchObject({
      kind: 'file-edit',
      path: '/srv/app/src/server.ts',
      edits: [{ oldString: 'debug = true', newString: 'debug = false', replaceAll: true }],
    });
    expect(describeToolCall(multiEditCall)).toMatchObject({
      kind: 'file-edit',
      path: '/srv/app/README.md',
      edits: [
        { oldString: '# App', newString: '# Billing app', replaceAll: false },
        { oldString: 'npm start', newString: 'pnpm start', replaceAll: true },
      ],
    });
    expect(describeToolCall(notebookEditCall)).toMatchObject({
      kind: 'file-edit',
      path: '/srv/analysis/report.ipynb',
      edits: [{ oldString: '', newString: 'df.describe()', replaceAll: false }],
      cell: { id: 'cell-3', type: 'code', mode: 'insert' },
    });
  });

  it('describes WebFetch by URL, the searches by query or pattern, MCP tools by server and tool', () => {
    expect(describeToolCall(webFetchCall)).toMatchObject({
      kind: 'fetch',
      url: 'https://example.com/api',
      prompt: 'Extract the API endpoints',
      status: 200,
      result: 'GET /v1/items\nPOST /v1/items',
    });
    expect(describeToolCall(webSearchCall)).toMatchObject({
      kind: 'search',
      scope: 'web',
      query: 'react hooks best practices',
      allowedDomains: ['docs.example.com'],
      blockedDomains: ['spam.example.com'],
      result: 'Rules of Hooks\n  https://docs.example.com/hooks',
    });
    expect(describeToolCall(grepCall)).toMatchObject({
      kind: 'search',
      scope: 'content',
      query: 'TODO.*fix',
      path: '/srv/app',
      glob: '*.ts',
      options: [
        { name: 'output_mode', value: 'content' },
        { name: '-i', value: true },
        { name: 'multiline', value: false },
      ],
      files: [],
      result: 'src/a.ts:3:// TODO fix me',
    });
    expect(describeToolCall(globCall)).toMatchObject({
      kind: 'search',
      scope: 'files',
      query: '**/*.test.ts',
      files: ['/srv/app/src/a.test.ts', '/srv/app/src/b.test.ts'],
    });
    expect(describeToolCall(mcpCall)).toEqual({
      kind: 'mcp',
      tool: 'mcp__github__create_issue',
      server: 'github',
      name: 'create_issue',
      arguments: [
        { name: 'owner', value: 'acme' },
        { name: 'repo', value: 'billing' },
        { name: 'title', value: 'Port is hard-coded' },
        { name: 'labels', value: ['bug'] },
      ],
      result: 'Created issue #42',
      error: null,
      durationMs: null,
    });
    expect(describeToolCall(mcpFailure)).toMatchObject({
      kind: 'mcp',
      server: 'memory',
      name: 'create_entities',
      error: 'MCP error -32603: the memory server is not running',
      result: null,
    });
  });

  it("describes any other tool by its input's fields and its output's text", () => {
    expect(describeToolCall(agentCall)).toMatchObject({
      kind: 'other',
      tool: 'Agent',
      fields: [
        { name: 'prompt', value: 'Find all API endpoints\nand list them' },
        { name: 'description', value: 'Find API endpoints' },
        { name: 'subagent_type', value: 'Explore' },
        { name: 'model', value: 'sonnet' },
      ],
      result: 'Found 2 endpoints.',
    });
    // A wrapped function's first argument is not an object: one field without a name.
    expect(
      describeToolCall(toolCall('lookup_customer', { input: 'cus_42', output: 'found' })),
    ).toMatchObject({ kind: 'other', fields: [{ name: null, value: 'cus_42' }], result: 'found' });
  });

  it('never throws on inputs of unexpected shapes: the fields are left out', () => {
    const odd = [
      toolCall('Bash', { input: { command: 42, timeout: 'soon' }, output: [1, 2] }),
      toolCall('Read', { input: ['not', 'an', 'object'], output: null }),
      toolCall('Edit', { input: { file_path: 7, edits: 'none' } }),
      toolCall('MultiEdit', { input: { edits: [null, 3, { old_string: 1 }] } }),
      toolCall('WebFetch', { input: null }),
      toolCall('mcp__', { input: { a: 1 } }),
      toolCall('Grep', { input: { pattern: { $regex: 'x' } }, output: { filenames: 'a' } }),
    ];
    const kinds = odd.map((e) => describeToolCall(e).kind);
    expect(kinds).toEqual([
      'bash',
      'file-read',
      'file-edit',
      'file-edit',
      'fetch',
      'other',
      'search',
    ]);
    expect(describeToolCall(odd[0]!)).toMatchObject({ command: null, timeoutMs: null });
    expect(describeToolCall(odd[2]!)).toMatchObject({ path: null, edits: [] });
    expect(describeToolCall(odd[3]!)).toMatchObject({ edits: [] });
    expect(describeToolCall(odd[6]!)).toMatchObject({ query: null, files: null });
  });
});

describe('diffEdit', () => {
  it('marks the lines of an edit added, removed or unchanged', () => {
    expect(diffEdit('a\nb\nc', 'a\nB\nc\nd')).toEqual([
      { change: 'unchanged', text: 'a' },
      { change: 'removed', text: 'b' },
      { change: 'added', text: 'B' },
      { change: 'unchanged', text: 'c' },
      { change: 'added', text: 'd' },
    ]);
    expect(diffEdit('', 'new')).toEqual([{ change: 'added', text: 'new' }]);
    expect(diffEdit('gone\n', '')).toEqual([{ change: 'removed', text: 'gone' }]);
    // A final newline on one side only is not a change.
    expect(diffEdit('same', 'same\n')).toEqual([{ change: 'unchanged', text: 'same' }]);
  });

  it('does not search very different texts line by line', () => {
    const old = Array.from({ length: 3000 }, (_, i) => `old ${i}`).join('\n');
    const next = Array.from({ length: 3000 }, (_, i) => `new ${i}`).join('\n');
    const started = performance.now();
    const lines = diffEdit(old, next);
    expect(performance.now() - started).toBeLessThan(1000);
    expect(lines).toHaveLength(6000);
    expect(lines[0]).toEqual({ change: 'removed', text: 'old 0' });
    expect(lines[3000]).toEqual({ change: 'added', text: 'new 0' });
  });
});

describe('formatJson', () => {
  it('indents, and breaks lines where the strings do, never showing \\n escapes', () => {
    const text = formatJson({ stdout: 'one\ntwo\r\nthree', path: 'C:\\new', esc: '\u001b[2J' });
    expect(text).toBe(
      '{\n  "stdout": "one\ntwo\nthree",\n  "path": "C:\\\\new",\n  "esc": "\\u001b[2J"\n}',
    );
    expect(text).not.toContain('\\n"');
  });
});
