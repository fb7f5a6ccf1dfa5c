import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readConfigFile } from '../config.js';
import { parseGridAxis } from '../overrides.js';
import { planSweep } from '../sweep.js';
import { parseRedisUrl, redactUrl } from './redisUrl.js';
import {
  checkQueueName,
  defaultQueueName,
  jobIdOf,
  sweepFingerprint,
  versionDifferences,
} from './sweepIdentity.js';

const tiny = join(import.meta.dirname, '..', '..', 'configs', 'tiny.yaml');
const plan = (...axes: string[]) => planSweep(readConfigFile(tiny), tiny, axes.map(parseGridAxis));

describe('sweep identity', () => {
  it('fingerprints the studies a sweep runs, whatever the order of its axes', () => {
    const a = sweepFingerprint(plan('pretrain.T=1,4', 'seeds=1,2'));
    expect(sweepFingerprint(plan('seeds=1,2', 'pretrain.T=1,4'))).toBe(a);
    expect(sweepFingerprint(plan('pretrain.T=4,1', 'seeds=2,1'))).toBe(a);
    expect(sweepFingerprint(plan('pretrain.T=1,4', 'seeds=1,3'))).not.toBe(a);
    // An extra axis changes the point ids (the keys of results.jsonl), even at a default value.
    expect(sweepFingerprint(plan('pretrain.T=1,4', 'seeds=1,2', 'pretrain.alpha=1'))).not.toBe(a);
    expect(a).toMatch(/^[0-9a-f]{64}$/);
    expect(defaultQueueName(a)).toBe(`mtrl-sweep-${a.slice(0, 16)}`);
  });

  it('gives each point a job id that is a hash of its point id, without ":"', () => {
    const [p, q] = plan('pretrain.T=1,4');
    expect(jobIdOf(p.id)).toBe(jobIdOf(plan('pretrain.T=1')[0].id));
    expect(jobIdOf(p.id)).not.toBe(jobIdOf(q.id));
    expect(jobIdOf(p.id)).toMatch(/^p-[0-9a-f]{32}$/);
  });

  it('lists every package whose version differs', () => {
    expect(versionDifferences({ a: '1', b: '2' }, { a: '1', b: '2' })).toEqual([]);
    expect(versionDifferences({ a: '1', b: '2' }, { a: '1', b: '3', c: '1' })).toEqual([
      'b 2 on the coordinator, 3 here',
      'c (absent) on the coordinator, 1 here',
    ]);
  });

  it('checks Redis URLs and queue names, and hides passwords in messages', () => {
    expect(parseRedisUrl('redis://10.0.0.5:6379/3')).toBe('redis://10.0.0.5:6379/3');
    expect(parseRedisUrl('rediss://user:pw@host')).toBe('rediss://user:pw@host');
    expect(() => parseRedisUrl('localhost:6379')).toThrow(/expected redis:\/\/HOST:PORT/);
    expect(() => parseRedisUrl('redis://host:6379/db1')).toThrow(/database must be a number/);
    expect(redactUrl('redis://user:secret@host:1/2')).toBe('redis://user:***@host:1/2');
    expect(checkQueueName('sweep-2024.v1_a')).toBe('sweep-2024.v1_a');
    expect(() => checkQueueName('a:b')).toThrow(/--queue-name must be/);
  });
});
