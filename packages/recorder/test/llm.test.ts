import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import Anthropic from '@anthropic-ai/sdk';
import type { EventInput, LlmCallEvent } from '@auditlane/client';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRecorder, MemorySink, wrapAnthropic, wrapOpenAI } from '../src/index';

// The provider answers: bodies and streams copied from the API references (fixtures/llm/SOURCES.md).
const fixture = (name: string) =>
  readFileSync(new URL(`./fixtures/llm/${name}`, import.meta.url), 'utf8');
// Prices straight from the vendored source file, not from the generated table.
const source = JSON.parse(
  readFileSync(new URL('../src/instrument/llm/genai-prices/data.json', import.meta.url), 'utf8'),
) as { id: string; models: { id: string; prices: Record<string, number> }[] }[];
const price = (provider: string, model: string) => {
  const prices = source.find((p) => p.id === provider)?.models.find((m) => m.id === model)?.prices;
  if (!prices) throw new Error(`no price for ${model}`);
  return prices;
};

const AWS_KEY = 'AKIAZ7QW3RT5YU2IOP4M';
let server: Server;
let base: string;
const requests: { url: string; body: Record<string, unknown> }[] = [];
let sentEndless = 0;

function answer(req: IncomingMessage, res: ServerResponse, body: Record<string, unknown>) {
  const sse = (text: string) => {
    res.writeHead(200, { 'content-type': 'text/event-stream' });
    res.end(text);
  };
  const json = (status: number, value: string) => {
    res.writeHead(status, { 'content-type': 'application/json', 'request-id': 'req_test' });
    res.end(value);
  };
  const model = String(body.model);
  if (req.url?.split('?')[0] === '/v1/messages') {
    if (model === 'claude-bad')
      return json(
        400,
        JSON.stringify({
          type: 'error',
          error: { type: 'invalid_request_error', message: `key ${AWS_KEY} is not allowed here` },
        }),
      );
    if (model === 'claude-endless') {
      // A long answer: one delta every 10 ms until the client goes away (at most 500).
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      const [start, block] = fixture('anthropic-stream.sse').split('\n\n');
      res.write(`${start}\n\n${block}\n\n`);
      sentEndless = 0;
      const timer = setInterval(() => {
        if (res.destroyed || sentEndless >= 500) {
          clearInterval(timer);
          res.end();
          return;
        }
        sentEndless++;
        res.write(
          `event: content_block_delta\ndata: {"type": "content_block_delta", "index": 0, "delta": {"type": "text_delta", "text": "Hello"}}\n\n`,
        );
      }, 10);
      res.on('close', () => clearInterval(timer));
      return;
    }
    if (model === 'claude-cache-write' || model === 'claude-cache-read')
      return json(200, fixture(`anthropic-message-${model.slice(7)}.json`));
    if (!body.stream) return json(200, fixture('anthropic-message.json'));
    return sse(
      fixture(model === 'claude-overloaded' ? 'anthropic-overloaded.sse' : 'anthropic-stream.sse'),
    );
  }
  if (req.url === '/v1/chat/completions') {
    if (!body.stream) return json(200, fixture('openai-chat.json'));
    const chunks = fixture('openai-chat-stream.sse').replace('data: [DONE]\n\n', '');
    const usage = (body.stream_options as { include_usage?: boolean } | undefined)?.include_usage
      ? `data: {"id":"chatcmpl-123","object":"chat.completion.chunk","created":1694268190,"model":"gpt-4o-mini","system_fingerprint":"fp_44709d6fcb","choices":[],"usage":${JSON.stringify(JSON.parse(fixture('openai-chat.json')).usage)}}\n\n`
      : '';
    return sse(`${chunks}${usage}data: [DONE]\n\n`);
  }
  if (req.url === '/v1/responses') {
    if (!body.stream) return json(200, fixture('openai-responses.json'));
    return sse(
      fixture(model === 'fail' ? 'openai-responses-failed.sse' : 'openai-responses-stream.sse'),
    );
  }
  json(404, '{"error":{"message":"not found"}}');
}

beforeAll(async () => {
  server = createServer((req, res) => {
    let raw = '';
    req.on('data', (c) => {
      raw += c;
    });
    req.on('end', () => {
      const body = JSON.parse(raw || '{}') as Record<string, unknown>;
      requests.push({ url: req.url ?? '', body });
      answer(req, res, body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

function setup() {
  const sink = new MemorySink();
  const errors: Error[] = [];
  const recorder = createRecorder({
    sink,
    policy: false,
    meta: {
      actor: { type: 'agent', id: 'billing-bot' },
      resource: { name: 'llm', type: 'llm', environment: 'development' },
    },
    onError: (e) => errors.push(e),
  });
  const session = recorder.session();
  const anthropic = wrapAnthropic(
    recorder,
    new Anthropic({ apiKey: 'test', baseURL: base, maxRetries: 0 }),
  );
  const openai = wrapOpenAI(
    recorder,
    new OpenAI({ apiKey: 'test', baseURL: `${base}/v1`, maxRetries: 0 }),
  );
  const calls = () =>
    sink.events.filter((e: EventInput): e is LlmCallEvent & EventInput => e.type === 'llm_call');
  return { sink, recorder, session, anthropic, openai, calls, errors };
}

const cost = (input: number, inPrice: number, output: number, outPrice: number) =>
  (input * inPrice + output * outPrice) / 1_000_000;

describe('wrapAnthropic', () => {
  it('records messages.create: the answering model, its tokens, its cost from the price table', async () => {
    const { session, anthropic, calls, errors } = setup();
    const message = await session.run(() =>
      anthropic.messages.create({
        model: 'claude-sonnet-4-5',
        max_tokens: 1024,
        messages: [{ role: 'user', content: 'Hello, world' }],
      }),
    );
    expect(message.content[0]).toMatchObject({ text: 'Hi! My name is Claude.' });
    const p = price('anthropic', 'claude-sonnet-4-5') as unknown as {
      input_mtok: { base: number };
      output_mtok: { base: number };
    };
    expect(calls()).toEqual([
      expect.objectContaining({
        type: 'llm_call',
        model: 'claude-sonnet-4-5-20250929',
        provider: 'anthropic',
        inputTokens: 2095,
        outputTokens: 503,
        durationMs: expect.any(Number),
      }),
    ]);
    expect(calls()[0]?.costUsd).toBeCloseTo(
      cost(2095, p.input_mtok.base, 503, p.output_mtok.base),
      10,
    );
    expect(calls()[0]?.costUsd).toBeCloseTo(0.01383, 10);
    expect(errors).toEqual([]);
  });

  it('counts cache writes and reads as input, and prices them at their own prices', async () => {
    const { session, anthropic, calls } = setup();
    for (const model of ['claude-cache-write', 'claude-cache-read'])
      await session.run(() =>
        anthropic.messages.create({
          model,
          max_tokens: 1024,
          messages: [{ role: 'user', content: 'Analyze' }],
        }),
      );
    const p = price('anthropic', 'claude-sonnet-4-5') as unknown as Record<
      string,
      { base: number }
    >;
    const [written, read] = calls();
    expect(written).toMatchObject({
      model: 'claude-sonnet-4-5-20250929',
      inputTokens: 21 + 188_086,
      outputTokens: 393,
    });
    expect(written?.costUsd).toBeCloseTo(
      (21 * p.input_mtok!.base + 188_086 * p.cache_write_mtok!.base + 393 * p.output_mtok!.base) /
        1e6,
      10,
    );
    expect(read).toMatchObject({ inputTokens: 21 + 188_086, outputTokens: 393 });
    expect(read?.costUsd).toBeCloseTo(
      (21 * p.input_mtok!.base + 188_086 * p.cache_read_mtok!.base + 393 * p.output_mtok!.base) /
        1e6,
      10,
    );
    expect(read?.costUsd).toBeLessThan(written?.costUsd ?? 0);
  });

  it('keeps withResponse() and asResponse() working, and records each call once', async () => {
    const { session, anthropic, calls } = setup();
    const params = {
      model: 'claude-sonnet-4-5',
      max_tokens: 10,
      messages: [{ role: 'user' as const, content: 'Hi' }],
    };
    const { data, response } = await session.run(() =>
      anthropic.messages.create(params).withResponse(),
    );
    expect(data.id).toBe('msg_013Zva2CMHLNnXjNJJKqJ2EF');
    expect(response.headers.get('request-id')).toBe('req_test');
    // The raw response: its body is the caller's to read, so the call has no counts.
    const raw = await session.run(() => anthropic.messages.create(params).asResponse());
    expect(((await raw.json()) as { id: string }).id).toBe('msg_013Zva2CMHLNnXjNJJKqJ2EF');
    expect(calls().map((c) => [c.inputTokens, c.outputTokens])).toEqual([
      [2095, 503],
      [0, 0],
    ]);
    expect(calls()[1]).toMatchObject({ model: 'claude-sonnet-4-5' });
    expect(calls()[1]?.costUsd).toBeUndefined();
  });

  it('records a stream when it ends, passing every event through in order', async () => {
    const { session, anthropic, calls } = setup();
    const stream = await session.run(() =>
      anthropic.messages.create({
        model: 'claude-sonnet-4-5',
        max_tokens: 256,
        messages: [{ role: 'user', content: 'Hello' }],
        stream: true,
      }),
    );
    const events: unknown[] = [];
    for await (const event of stream) {
      events.push(event);
      if (events.length === 3) expect(calls()).toEqual([]);
    }
    const plain = new Anthropic({ apiKey: 'test', baseURL: base, maxRetries: 0 });
    const unwrapped: unknown[] = [];
    for await (const event of await plain.messages.create({
      model: 'claude-sonnet-4-5',
      max_tokens: 256,
      messages: [{ role: 'user', content: 'Hello' }],
      stream: true,
    }))
      unwrapped.push(event);
    expect(events).toEqual(unwrapped);
    expect(events.map((e) => (e as { type: string }).type)).toEqual([
      'message_start',
      'content_block_start',
      'content_block_delta',
      'content_block_delta',
      'content_block_stop',
      'message_delta',
      'message_stop',
    ]);
    expect(calls()).toEqual([
      expect.objectContaining({
        model: 'claude-sonnet-4-5-20250929',
        inputTokens: 25,
        outputTokens: 15,
      }),
    ]);
    expect(calls()[0]?.costUsd).toBeCloseTo(cost(25, 3, 15, 15), 10);
    expect(calls()[0]?.error).toBeUndefined();
  });

  it("records a tee'd stream once, when its reading ends", async () => {
    const { session, anthropic, calls } = setup();
    const stream = await session.run(() =>
      anthropic.messages.create({
        model: 'claude-sonnet-4-5',
        max_tokens: 256,
        messages: [{ role: 'user', content: 'Hello' }],
        stream: true,
      }),
    );
    const [left, right] = stream.tee();
    const read = async (s: AsyncIterable<{ type: string }>) => {
      const types: string[] = [];
      for await (const e of s) types.push(e.type);
      return types;
    };
    const [a, b] = await Promise.all([read(left), read(right)]);
    expect(a).toEqual(b);
    expect(a).toHaveLength(7);
    expect(calls()).toHaveLength(1);
    expect(calls()[0]).toMatchObject({ inputTokens: 25, outputTokens: 15 });
  });

  it('records messages.stream (the SDK helper) once, with its final counts', async () => {
    const { session, anthropic, calls } = setup();
    const text = await session.run(async () => {
      const stream = anthropic.messages.stream({
        model: 'claude-sonnet-4-5',
        max_tokens: 256,
        messages: [{ role: 'user', content: 'Hello' }],
      });
      let out = '';
      stream.on('text', (t) => {
        out += t;
      });
      const final = await stream.finalMessage();
      expect(final.usage.output_tokens).toBe(15);
      return out;
    });
    expect(text).toBe('Hello!');
    expect(calls()).toHaveLength(1);
    expect(calls()[0]).toMatchObject({ inputTokens: 25, outputTokens: 15, provider: 'anthropic' });
  });

  it('records an error event in a stream, and the tokens seen before it', async () => {
    const { session, anthropic, calls } = setup();
    const stream = await session.run(() =>
      anthropic.messages.create({
        model: 'claude-overloaded',
        max_tokens: 256,
        messages: [{ role: 'user', content: 'Hello' }],
        stream: true,
      }),
    );
    await expect(async () => {
      for await (const _ of stream);
    }).rejects.toThrow(/Overloaded/);
    expect(calls()).toEqual([
      expect.objectContaining({
        model: 'claude-sonnet-4-5-20250929',
        inputTokens: 25,
        outputTokens: 1,
        error: expect.stringContaining('Overloaded'),
      }),
    ]);
  });

  it('records an abandoned stream when the caller stops, and pulls only what the caller reads', async () => {
    const { session, anthropic, calls } = setup();
    const stream = await session.run(() =>
      anthropic.messages.create({
        model: 'claude-endless',
        max_tokens: 256,
        messages: [{ role: 'user', content: 'Hello' }],
        stream: true,
      }),
    );
    let seen = 0;
    for await (const event of stream) {
      if (event.type === 'content_block_delta' && ++seen === 3) break;
    }
    expect(calls()).toEqual([
      expect.objectContaining({
        model: 'claude-sonnet-4-5-20250929',
        inputTokens: 25,
        outputTokens: 1,
        error: 'stream abandoned by the caller before its end',
      }),
    ]);
    // Breaking out closes the connection: the server stops long before its 500 deltas.
    await new Promise((r) => setTimeout(r, 100));
    expect(sentEndless).toBeLessThan(100);
  });

  it('records a failed call with its error, masked like every field (the model too)', async () => {
    const { session, anthropic, calls, sink } = setup();
    await expect(
      session.run(() =>
        anthropic.messages.create({
          model: 'claude-bad',
          max_tokens: 10,
          messages: [{ role: 'user', content: 'Hi' }],
        }),
      ),
    ).rejects.toThrow(/400/);
    const model = `claude-${AWS_KEY}`;
    await session
      .run(() =>
        anthropic.messages.create({
          model,
          max_tokens: 10,
          messages: [{ role: 'user', content: 'Hi' }],
        }),
      )
      .catch(() => undefined);
    const [failed] = calls();
    expect(failed).toMatchObject({ model: 'claude-bad', inputTokens: 0, outputTokens: 0 });
    expect(failed?.error).toMatch(/^BadRequestError: 400 /);
    expect(failed?.error).toContain('is not allowed here');
    expect(failed?.costUsd).toBeUndefined();
    expect(JSON.stringify(sink.events)).not.toContain(AWS_KEY);
  });

  it('records the beta Messages API the same way', async () => {
    const { session, anthropic, calls } = setup();
    await session.run(async () => {
      await anthropic.beta.messages.create({
        model: 'claude-sonnet-4-5',
        max_tokens: 10,
        messages: [{ role: 'user', content: 'Hi' }],
      });
      const final = await anthropic.beta.messages
        .stream({
          model: 'claude-sonnet-4-5',
          max_tokens: 256,
          messages: [{ role: 'user', content: 'Hello' }],
        })
        .finalMessage();
      expect(final.usage.output_tokens).toBe(15);
    });
    expect(calls().map((c) => [c.model, c.inputTokens, c.outputTokens])).toEqual([
      ['claude-sonnet-4-5-20250929', 2095, 503],
      ['claude-sonnet-4-5-20250929', 25, 15],
    ]);
  });

  it('records once for a client wrapped twice', async () => {
    const { session, recorder, anthropic, calls } = setup();
    expect(wrapAnthropic(recorder, anthropic)).toBe(anthropic);
    await session.run(() =>
      anthropic.messages.create({
        model: 'claude-sonnet-4-5',
        max_tokens: 10,
        messages: [{ role: 'user', content: 'Hi' }],
      }),
    );
    expect(calls()).toHaveLength(1);
  });

  it('lets calls outside any session through unrecorded', async () => {
    const { anthropic, calls } = setup();
    const message = await anthropic.messages.create({
      model: 'claude-sonnet-4-5',
      max_tokens: 10,
      messages: [{ role: 'user', content: 'Hi' }],
    });
    expect(message.usage.input_tokens).toBe(2095);
    expect(calls()).toEqual([]);
  });
});

describe('wrapOpenAI', () => {
  it('records chat.completions.create with its cost', async () => {
    const { session, openai, calls } = setup();
    const completion = await session.run(() =>
      openai.chat.completions.create({
        model: 'gpt-4.1',
        messages: [{ role: 'user', content: 'Hello!' }],
      }),
    );
    expect(completion.choices[0]?.message.content).toBe('Hello! How can I assist you today?');
    const p = price('openai', 'gpt-4.1');
    expect(calls()).toEqual([
      expect.objectContaining({
        model: 'gpt-4.1-2025-04-14',
        provider: 'openai',
        inputTokens: 19,
        outputTokens: 10,
      }),
    ]);
    expect(calls()[0]?.costUsd).toBeCloseTo(
      cost(19, p.input_mtok as number, 10, p.output_mtok as number),
      12,
    );
  });

  it('records a streamed chat completion with the usage chunk it asked for, chunks unchanged', async () => {
    const { session, openai, calls } = setup();
    const plain = new OpenAI({ apiKey: 'test', baseURL: `${base}/v1`, maxRetries: 0 });
    const read = async (client: OpenAI) => {
      const stream = await client.chat.completions.create({
        model: 'gpt-4o-mini',
        messages: [{ role: 'user', content: 'Hello!' }],
        stream: true,
        stream_options: { include_usage: true },
      });
      const chunks: unknown[] = [];
      for await (const chunk of stream) chunks.push(chunk);
      return chunks;
    };
    const unwrapped = await read(plain);
    const wrapped = await session.run(() => read(openai));
    expect(wrapped).toEqual(unwrapped);
    expect(wrapped).toHaveLength(4);
    const p = price('openai', 'gpt-4o-mini');
    expect(calls()).toEqual([
      expect.objectContaining({ model: 'gpt-4o-mini', inputTokens: 19, outputTokens: 10 }),
    ]);
    expect(calls()[0]?.costUsd).toBeCloseTo(
      cost(19, p.input_mtok as number, 10, p.output_mtok as number),
      12,
    );
  });

  it('sends a streamed chat request as written: without usage asked for, no counts and no cost', async () => {
    const { session, openai, calls } = setup();
    requests.length = 0;
    const stream = await session.run(() =>
      openai.chat.completions.create({
        model: 'gpt-4o-mini',
        messages: [{ role: 'user', content: 'Hello!' }],
        stream: true,
      }),
    );
    let n = 0;
    for await (const _ of stream) n++;
    expect(n).toBe(3);
    expect(requests[0]?.body.stream_options).toBeUndefined();
    expect(calls()).toEqual([
      expect.objectContaining({ model: 'gpt-4o-mini', inputTokens: 0, outputTokens: 0 }),
    ]);
    expect(calls()[0]?.costUsd).toBeUndefined();
  });

  it('records responses.create, streaming or not, and a failed response', async () => {
    const { session, openai, calls } = setup();
    await session.run(async () => {
      const response = await openai.responses.create({
        model: 'gpt-4.1',
        input: 'Tell me a three sentence bedtime story about a unicorn.',
      });
      expect(response.output_text).toContain('Lumina');
      const stream = await openai.responses.create({
        model: 'gpt-4o-mini',
        input: 'x',
        stream: true,
      });
      const types: string[] = [];
      for await (const event of stream) types.push(event.type);
      expect(types).toEqual([
        'response.created',
        'response.output_text.delta',
        'response.completed',
      ]);
      const failed = await openai.responses.create({ model: 'fail', input: 'x', stream: true });
      for await (const _ of failed);
    });
    const p = price('openai', 'gpt-4.1');
    const [whole, streamed, failed] = calls();
    expect(whole).toMatchObject({ model: 'gpt-4.1-2025-04-14', inputTokens: 36, outputTokens: 87 });
    expect(whole?.costUsd).toBeCloseTo(
      cost(36, p.input_mtok as number, 87, p.output_mtok as number),
      12,
    );
    expect(streamed).toMatchObject({ model: 'gpt-4o-mini-2024-07-18', inputTokens: 0, costUsd: 0 });
    expect(streamed?.error).toBeUndefined();
    expect(failed).toMatchObject({
      model: 'gpt-4o-mini-2024-07-18',
      error: 'The model failed to generate a response.',
    });
    expect(failed?.costUsd).toBeUndefined();
  });

  it('takes a cost of its own in place of the price table', async () => {
    const { session, recorder, calls } = setup();
    const seen: unknown[] = [];
    const client = wrapOpenAI(
      recorder,
      new OpenAI({ apiKey: 'test', baseURL: `${base}/v1`, maxRetries: 0 }),
      {
        cost: (model, usage) => {
          seen.push([model, usage.inputTokens, usage.outputTokens]);
          return model.startsWith('gpt-4.1') ? 0.5 : undefined;
        },
      },
    );
    await session.run(async () => {
      await client.chat.completions.create({ model: 'gpt-4.1', messages: [] });
      await client.responses
        .create({ model: 'gpt-4o-mini', input: 'x', stream: true })
        .then(async (stream) => {
          for await (const _ of stream);
        });
    });
    expect(seen).toEqual([
      ['gpt-4.1-2025-04-14', 19, 10],
      ['gpt-4o-mini-2024-07-18', 0, 0],
    ]);
    expect(calls()[0]?.costUsd).toBe(0.5);
    expect(calls()[1]?.costUsd).toBeUndefined();
  });

  it("records the SDKs' parse helpers once (they derive their own promise from create's)", async () => {
    const { session, openai, anthropic, calls } = setup();
    await session.run(async () => {
      const parsed = await openai.responses.parse({ model: 'gpt-4.1', input: 'x' });
      expect(parsed.output_text).toContain('Lumina');
      const chat = await openai.chat.completions.parse({
        model: 'gpt-4.1',
        messages: [{ role: 'user', content: 'Hello!' }],
      });
      expect(chat.choices[0]?.message.content).toBe('Hello! How can I assist you today?');
      const message = await anthropic.messages.parse({
        model: 'claude-sonnet-4-5',
        max_tokens: 10,
        messages: [{ role: 'user', content: 'Hi' }],
      });
      expect(message.id).toBe('msg_013Zva2CMHLNnXjNJJKqJ2EF');
    });
    expect(calls().map((c) => [c.model, c.inputTokens, c.outputTokens])).toEqual([
      ['gpt-4.1-2025-04-14', 36, 87],
      ['gpt-4.1-2025-04-14', 19, 10],
      ['claude-sonnet-4-5-20250929', 2095, 503],
    ]);
  });

  it("records the SDK's own stream helper once", async () => {
    const { session, openai, calls } = setup();
    await session.run(async () => {
      const stream = openai.chat.completions.stream({
        model: 'gpt-4o-mini',
        messages: [{ role: 'user', content: 'Hello!' }],
        stream_options: { include_usage: true },
      });
      const final = await stream.finalChatCompletion();
      expect(final.choices[0]?.message.content).toBe('Hello');
    });
    expect(calls()).toHaveLength(1);
    expect(calls()[0]).toMatchObject({ inputTokens: 19, outputTokens: 10 });
  });
});
