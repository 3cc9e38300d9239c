import { describe, expect, it } from 'vitest';
import { isProduction, KNOWN_ENVIRONMENTS } from './helpers';
import { environmentSchema, type Resource, resourceSchema, resourceTypeSchema } from './resource';

const billingDb: Resource = {
  name: 'billing-db',
  type: 'database',
  engine: 'postgres',
  environment: 'production',
  host: 'billing-db.internal:5432',
};

describe('resourceSchema', () => {
  it('round trips a production postgres database', () => {
    expect(resourceSchema.parse(JSON.parse(JSON.stringify(billingDb)))).toStrictEqual(billingDb);
  });

  it('accepts a resource without engine and host', () => {
    const ssh: Resource = { name: 'bastion', type: 'ssh', environment: 'staging' };
    expect(resourceSchema.parse(ssh)).toStrictEqual(ssh);
  });

  it('requires an environment', () => {
    const { environment: _environment, ...withoutEnvironment } = billingDb;
    const result = resourceSchema.safeParse(withoutEnvironment);
    expect(result.error?.issues.map((i) => i.path)).toEqual([['environment']]);
  });

  it('rejects an unknown resource type', () => {
    const result = resourceSchema.safeParse({ ...billingDb, type: 'postgres' });
    expect(result.error?.issues.map((i) => i.path)).toEqual([['type']]);
    expect(resourceTypeSchema.options).toEqual([
      'database',
      'ssh',
      'application',
      'kubernetes',
      'llm',
      'http',
    ]);
  });

  it('rejects an empty name', () => {
    expect(resourceSchema.safeParse({ ...billingDb, name: '' }).success).toBe(false);
  });
});

describe('environmentSchema', () => {
  it('accepts the well-known environments and other short lower-case names', () => {
    for (const environment of [...KNOWN_ENVIRONMENTS, 'prod', 'eu-west-1', 'qa_2', '3rd']) {
      expect(environmentSchema.safeParse(environment).success, environment).toBe(true);
    }
  });

  it('rejects upper case with a useful message', () => {
    const result = environmentSchema.safeParse('Production');
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.message).toBe('must be lower-case letters, digits, _ or -');
  });

  it('rejects empty, spaces, a leading dash and over-long names', () => {
    for (const environment of ['', 'pre prod', '-prod', '_prod', 'prod.eu', 'a'.repeat(65)]) {
      expect(environmentSchema.safeParse(environment).success, environment).toBe(false);
    }
    expect(environmentSchema.safeParse('a'.repeat(64)).success).toBe(true);
  });
});

describe('isProduction', () => {
  it('is true for production and prod only', () => {
    expect(isProduction('production')).toBe(true);
    expect(isProduction('prod')).toBe(true);
    expect(isProduction('staging')).toBe(false);
    expect(isProduction('preprod')).toBe(false);
    expect(isProduction('production-eu')).toBe(false);
  });
});
