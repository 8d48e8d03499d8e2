import type { AddressInfo } from 'node:net';
import { startHealthServer } from './health-server';

describe('startHealthServer', () => {
  it.each([
    ['ready', () => true, 200],
    ['not ready', () => false, 503],
    ['ready once a check resolves', () => Promise.resolve(true), 200],
    ['not ready when a check resolves false', () => Promise.resolve(false), 503],
    ['not ready when a check fails', () => Promise.reject(new Error('database down')), 503],
  ])('answers /readyz %s with %i, and /healthz with 200 regardless', async (_label, isReady, status) => {
    const server = await startHealthServer(0, '127.0.0.1', isReady);
    try {
      const { port } = server.address() as AddressInfo;
      expect((await fetch(`http://127.0.0.1:${port}/readyz`)).status).toBe(status);
      expect((await fetch(`http://127.0.0.1:${port}/healthz`)).status).toBe(200);
    } finally {
      server.close();
    }
  });
});
