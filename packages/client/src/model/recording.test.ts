import { describe, expect, it } from 'vitest';
import {
  DEFAULT_RECORDING_RULES,
  expectsTerminal,
  globMatch,
  missingRecording,
  type RecordingRule,
  recordingRule,
} from './recording';

describe('recording rules', () => {
  it('requires production (and prod) by default, and leaves the rest optional', () => {
    expect(recordingRule({ name: 'db', type: 'database', environment: 'production' })).toEqual({
      record: 'required',
      rule: 'production-recorded',
      reason: 'production sessions are always recorded',
    });
    expect(recordingRule({ environment: 'prod' }).record).toBe('required');
    for (const environment of ['staging', 'development', 'test', 'sandbox', 'productionish'])
      expect(recordingRule({ environment }).record, environment).toBe('optional');
    expect(DEFAULT_RECORDING_RULES.at(-1)!.match).toEqual({});
  });

  it("checks a policy's own rules first, by environment, resource name (glob) and type", () => {
    const rules: RecordingRule[] = [
      { id: 'scratch-off', record: 'off', match: { resource: ['scratch-*'] } },
      {
        id: 'staging-shells',
        record: 'required',
        match: { environment: ['staging'], resourceType: ['ssh'] },
      },
    ];
    expect(recordingRule({ name: 'scratch-1', environment: 'production' }, rules)).toEqual({
      record: 'off',
      rule: 'scratch-off',
    });
    expect(recordingRule({ name: 'web', type: 'ssh', environment: 'Staging' }, rules).rule).toBe(
      'staging-shells',
    );
    expect(
      recordingRule({ name: 'db', type: 'database', environment: 'staging' }, rules).rule,
    ).toBe('recorded-when-possible');
  });

  it('matches globs literally except for *', () => {
    expect(globMatch('web-*', 'web-1')).toBe(true);
    expect(globMatch('*-db', 'billing-db')).toBe(true);
    expect(globMatch('a*b*c', 'axxbyyc')).toBe(true);
    expect(globMatch('a*b*c', 'axxc')).toBe(false);
    expect(globMatch('a.b', 'axb')).toBe(false);
    expect(globMatch('ab*ba', 'aba')).toBe(false);
  });

  it('says why a required terminal session lacks its recording, and nothing for the others', () => {
    const shell = { name: 'web-1', type: 'ssh', environment: 'production' };
    expect(expectsTerminal({ mode: 'interactive', resource: shell })).toBe(true);
    expect(expectsTerminal({ mode: 'exec', resource: shell })).toBe(false);
    expect(
      missingRecording({ mode: 'interactive', resource: shell, recorded: false, status: 'active' }),
    ).toMatch(/started without its recording \(recorded: false\); recording is required/);
    expect(
      missingRecording({
        mode: 'interactive',
        resource: shell,
        recorded: true,
        status: 'ended',
        terminalEvents: 0,
      }),
    ).toMatch(/ended without any terminal events/);
    // Still open, stored before terminal events were counted, or its events arrived.
    for (const facts of [
      { status: 'active', terminalEvents: 0 },
      { status: 'ended' },
      { status: 'ended', terminalEvents: 3, recorded: false },
    ])
      expect(
        missingRecording({ mode: 'interactive', resource: shell, recorded: true, ...facts }),
      ).toBeNull();
    expect(
      missingRecording({
        mode: 'interactive',
        resource: { ...shell, environment: 'staging' },
        recorded: false,
        status: 'ended',
      }),
    ).toBeNull();
  });
});
