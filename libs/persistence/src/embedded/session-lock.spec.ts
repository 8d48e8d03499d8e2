import { SessionLock, SessionLockCancelledError } from './session-lock';

describe('SessionLock', () => {
  it('is re-entrant for its owner and hands over in arrival order', async () => {
    const lock = new SessionLock<string>();
    const granted: string[] = [];
    await lock.acquire('a');
    await lock.acquire('a');
    const b = lock.acquire('b').then(() => granted.push('b'));
    const c = lock.acquire('c').then(() => granted.push('c'));
    expect(lock.waiting).toBe(2);

    lock.release('b'); // not the owner: nothing happens
    expect(lock.owner).toBe('a');
    lock.release('a');
    await b;
    expect(lock.owner).toBe('b');
    lock.release('b');
    await c;
    expect(granted).toEqual(['b', 'c']);
    lock.release('c');
    expect(lock.owner).toBeNull();
  });

  it('refuses the waits of a cancelled owner', async () => {
    const lock = new SessionLock<string>();
    await lock.acquire('a');
    const b = lock.acquire('b');
    lock.cancel('b', 'gone');
    await expect(b).rejects.toBeInstanceOf(SessionLockCancelledError);
    lock.release('a');
    expect(lock.owner).toBeNull();
  });

  it('gives up after the timeout without taking the session', async () => {
    const lock = new SessionLock<string>();
    await lock.acquire('a');
    await expect(lock.acquire('b', 5)).rejects.toThrow('waited more than 5 ms');
    expect(lock.waiting).toBe(0);
    lock.release('a');
    expect(lock.owner).toBeNull();
  });
});
