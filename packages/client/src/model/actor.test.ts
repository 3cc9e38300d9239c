import { describe, expect, it } from 'vitest';
import { type Actor, actorSchema, agentInfoSchema } from './actor';
import { formatActor } from './helpers';

const claudeCode: Actor = {
  type: 'agent',
  id: 'agent_claude_code_7f3a',
  name: 'Claude Code',
  agent: { name: 'Claude Code', version: '1.2.0' },
  onBehalfOf: 'usr_alice',
};

const alice: Actor = {
  type: 'human',
  id: 'usr_alice',
  email: 'alice@example.com',
  name: 'Alice Martin',
};

const deployBot: Actor = { type: 'service', id: 'deploy-bot' };

const roundTrip = (value: unknown): unknown => JSON.parse(JSON.stringify(value));

describe('actorSchema', () => {
  it('round trips an agent, a human and a service actor', () => {
    expect(actorSchema.parse(roundTrip(claudeCode))).toStrictEqual(claudeCode);
    expect(actorSchema.parse(roundTrip(alice))).toStrictEqual(alice);
    expect(actorSchema.parse(roundTrip(deployBot))).toStrictEqual(deployBot);
  });

  it('accepts an agent without a version', () => {
    const agent: Actor = { type: 'agent', id: 'a1', agent: { name: 'Codex' } };
    expect(actorSchema.parse(agent)).toStrictEqual(agent);
  });

  it('rejects an agent actor without agent info, at agent', () => {
    const { agent: _agent, ...withoutAgent } = claudeCode;
    const result = actorSchema.safeParse(withoutAgent);
    expect(result.success).toBe(false);
    expect(result.error?.issues.map((i) => ({ path: i.path, message: i.message }))).toEqual([
      { path: ['agent'], message: 'is required when type is "agent"' },
    ]);
  });

  it('does not require agent info for humans and services', () => {
    expect(actorSchema.safeParse(alice).success).toBe(true);
    expect(actorSchema.safeParse(deployBot).success).toBe(true);
  });

  it('rejects agent info with an empty name or an over-long version', () => {
    expect(agentInfoSchema.safeParse({ name: '' }).success).toBe(false);
    expect(agentInfoSchema.safeParse({ name: 'Claude Code', version: '' }).success).toBe(false);
    expect(
      agentInfoSchema.safeParse({ name: 'Claude Code', version: '1'.repeat(65) }).success,
    ).toBe(false);
    const result = actorSchema.safeParse({ ...claudeCode, agent: { version: '1.2.0' } });
    expect(result.error?.issues.map((i) => i.path)).toEqual([['agent', 'name']]);
  });

  it('rejects an unknown type, an empty id and a bad email', () => {
    expect(actorSchema.safeParse({ ...alice, type: 'robot' }).error?.issues[0]?.path).toEqual([
      'type',
    ]);
    expect(actorSchema.safeParse({ ...alice, id: '' }).error?.issues[0]?.path).toEqual(['id']);
    expect(actorSchema.safeParse({ ...alice, email: 'alice' }).error?.issues[0]?.path).toEqual([
      'email',
    ]);
  });

  it('reports the missing agent together with other errors', () => {
    const result = actorSchema.safeParse({ type: 'agent', id: 'a1', email: 'not-an-email' });
    expect(result.success).toBe(false);
    expect(result.error?.issues.map((i) => i.path)).toContainEqual(['email']);
  });
});

describe('formatActor', () => {
  it('shows an agent as name and version', () => {
    expect(formatActor(claudeCode)).toBe('Claude Code v1.2.0');
  });

  it('shows an agent without a version by name only', () => {
    expect(formatActor({ type: 'agent', id: 'a1', agent: { name: 'Codex' } })).toBe('Codex');
  });

  it('prefers the agent name over email and name', () => {
    expect(formatActor({ ...claudeCode, email: 'agent@example.com' })).toBe('Claude Code v1.2.0');
  });

  it('prefers the email over the name over the id', () => {
    expect(formatActor(alice)).toBe('alice@example.com');
    expect(formatActor({ type: 'human', id: 'usr_alice', name: 'Alice Martin' })).toBe(
      'Alice Martin',
    );
    expect(formatActor({ type: 'human', id: 'usr_alice' })).toBe('usr_alice');
  });

  it('shows a service by its id', () => {
    expect(formatActor(deployBot)).toBe('deploy-bot');
  });

  it('ignores agent info on a non-agent actor', () => {
    expect(formatActor({ ...alice, agent: { name: 'Claude Code', version: '1.2.0' } })).toBe(
      'alice@example.com',
    );
  });

  it('falls back to email, name and id for an agent without agent info', () => {
    expect(formatActor({ type: 'agent', id: 'agent_1', name: 'nightly' })).toBe('nightly');
  });
});
