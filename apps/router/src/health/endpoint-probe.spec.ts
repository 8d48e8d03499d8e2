import { ActiveHealthCheckSchema } from '@aigw/config';
import type { Health, ProbeResult } from './endpoint-probe';
import { EndpointProbe } from './endpoint-probe';

const checks = ActiveHealthCheckSchema.parse({
  healthy: { successes: 2, interval: 2 },
  unhealthy: { httpFailures: 3, timeouts: 2, tcpFailures: 1, interval: 0.5 },
});
const ok: ProbeResult = { status: 200 };
const s500: ProbeResult = { status: 500 };
const s401: ProbeResult = { status: 401 };

describe('EndpointProbe', () => {
  it.each<[string, Health, ProbeResult[], (Health | null)[]]>([
    ['healthy stays healthy on successes', 'healthy', [ok, ok], [null, null]],
    ['3 failing statuses make it unhealthy', 'healthy', [s500, s500, s500], [null, null, 'unhealthy']],
    [
      'a success in between resets the count',
      'healthy',
      [s500, s500, ok, s500, s500],
      [null, null, null, null, null],
    ],
    ['2 timeouts', 'healthy', ['timeout', 'timeout'], [null, 'unhealthy']],
    ['1 connection failure', 'healthy', ['connection_error'], ['unhealthy']],
    ['kinds count apart', 'healthy', [s500, 'timeout', s500, 'timeout'], [null, null, null, 'unhealthy']],
    [
      'a status in neither list changes nothing',
      'healthy',
      [s500, s500, s401, s500],
      [null, null, null, 'unhealthy'],
    ],
    ['2 successes make an unhealthy endpoint healthy', 'unhealthy', [ok, ok], [null, 'healthy']],
    ['a failure resets the successes', 'unhealthy', [ok, s500, ok, ok], [null, null, null, 'healthy']],
    [
      'unhealthy stays unhealthy on failures',
      'unhealthy',
      [s500, s500, s500, s500],
      [null, null, null, null],
    ],
  ])('%s', (_name, initial, results, changes) => {
    const probe = new EndpointProbe(checks, initial);
    expect(results.map((r) => probe.record(r))).toEqual(changes);
  });

  it.each<[Health, number]>([
    ['healthy', 2_000],
    ['unhealthy', 500],
  ])('probes a %s endpoint every %i ms', (health, ms) => {
    expect(new EndpointProbe(checks, health).intervalMs).toBe(ms);
  });
});
