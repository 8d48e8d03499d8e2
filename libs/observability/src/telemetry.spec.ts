import type { Context } from '@opentelemetry/api';
import {
  INVALID_SPAN_CONTEXT,
  ROOT_CONTEXT,
  defaultTextMapGetter,
  defaultTextMapSetter,
  trace,
} from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import type { AsyncLocalStorage } from 'node:async_hooks';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { PropagationContextManager } from './telemetry';

const TRACEPARENT = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';
const w3c = new W3CTraceContextPropagator();

function callerContext(): Context {
  return w3c.extract(ROOT_CONTEXT, { traceparent: TRACEPARENT }, defaultTextMapGetter);
}

describe('PropagationContextManager', () => {
  let manager: PropagationContextManager;
  const injected = (): Record<string, string> => {
    const carrier: Record<string, string> = {};
    w3c.inject(manager.active(), carrier, defaultTextMapSetter);
    return carrier;
  };
  const storage = (): AsyncLocalStorage<Context> =>
    (manager as unknown as { _asyncLocalStorage: AsyncLocalStorage<Context> })._asyncLocalStorage;

  beforeEach(() => {
    manager = new PropagationContextManager().enable();
  });
  afterEach(() => {
    manager.disable();
  });

  it("keeps a caller's trace context across awaits, so its traceparent reaches the upstream", async () => {
    const carrier = await manager.with(callerContext(), async () => {
      await nextTurn();
      return injected();
    });

    expect(carrier).toEqual({ traceparent: TRACEPARENT });
  });

  it('enters a context that carries nothing without AsyncLocalStorage, when none is active either', async () => {
    // What a request without traceparent enters with tracing off: a non-recording span, invalid ids.
    const nothing = trace.setSpan(ROOT_CONTEXT, trace.wrapSpanContext(INVALID_SPAN_CONTEXT));
    const receiver = { name: 'receiver' };

    const result = manager.with(
      nothing,
      function (this: typeof receiver, a: number, b: number) {
        return { self: this, sum: a + b, store: storage().getStore() };
      },
      receiver,
      2,
      3,
    );
    await manager.with(ROOT_CONTEXT, async () => {
      await nextTurn();
      expect(storage().getStore()).toBeUndefined();
    });

    expect(result).toEqual({ self: receiver, sum: 5, store: undefined });
    expect(injected()).toEqual({});
  });

  it("still leaves a caller's context when the code inside enters one that carries nothing", async () => {
    const inside = await manager.with(callerContext(), async () => {
      await nextTurn();
      return manager.with(ROOT_CONTEXT, async () => {
        await nextTurn();
        return injected();
      });
    });

    expect(inside).toEqual({});
  });
});
