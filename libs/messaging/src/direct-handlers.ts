import type { OnModuleInit } from '@nestjs/common';
import { Inject, Injectable } from '@nestjs/common';
import {
  EXCEPTION_FILTERS_METADATA,
  GUARDS_METADATA,
  INTERCEPTORS_METADATA,
  PIPES_METADATA,
  ROUTE_ARGS_METADATA,
} from '@nestjs/common/constants';
import { DiscoveryService, MetadataScanner } from '@nestjs/core';
import { PatternHandler } from '@nestjs/microservices/enums/pattern-handler.enum';
import { RpcParamtype } from '@nestjs/microservices/enums/rpc-paramtype.enum';
import { PATTERN_HANDLER_METADATA, PATTERN_METADATA } from '@nestjs/microservices/constants';
import { GatewayError, type WireError } from '@aigw/contracts';
import type { Observable } from 'rxjs';
import { catchError, firstValueFrom, isObservable, throwError } from 'rxjs';
import { toWireError } from './bus-errors';

/** A request handler called with the payload alone: its value, a promise of it, or an Observable. */
export type DirectHandler = (payload: unknown) => unknown;

/**
 * The bus request handlers Nest's RPC pipeline would add nothing to, by subject. For every message
 * Nest wraps a handler in an execution context, a guards check, parameter pipes, an interceptor chain
 * and an exception-filter proxy — a dozen promises, a fifth of a small request's bus hop, and none of
 * it used: our handlers take `@Payload()` or nothing, and the one filter (`RpcErrorFilter`) is applied
 * here by `toWireError`. A handler with anything for Nest to do (a guard, a pipe, an interceptor, a
 * filter of its own, another parameter) is not listed and keeps Nest's path. The transports call these
 * first; events always take Nest's path.
 */
export class DirectHandlers {
  readonly #handlers = new Map<string, DirectHandler>();

  get(subject: string): DirectHandler | undefined {
    return this.#handlers.get(subject);
  }

  set(subject: string, handler: DirectHandler): void {
    this.#handlers.set(subject, handler);
  }

  get subjects(): readonly string[] {
    return [...this.#handlers.keys()];
  }
}

/**
 * A direct handler's reply to a request (a stream's first message), failing with the error the wire
 * form of its error makes (so an untyped error's detail stays here, as over NATS).
 */
export async function callDirect(handler: DirectHandler, payload: unknown): Promise<unknown> {
  try {
    const result = await handler(payload);
    return isObservable(result) ? await firstValueFrom(result) : result;
  } catch (error) {
    throw GatewayError.fromWire(toWireError(error));
  }
}

/**
 * What a direct handler answers a message with: a stream (its errors the wire error), or one reply —
 * `{ response }` or `{ err }`, never a rejection.
 */
export function answerDirect(
  handler: DirectHandler,
  payload: unknown,
): Observable<unknown> | Promise<{ response: unknown } | { err: WireError }> {
  let result: unknown;
  try {
    result = handler(payload);
  } catch (error) {
    return Promise.resolve({ err: toWireError(error) });
  }
  if (isObservable(result))
    return result.pipe(catchError((error: unknown) => throwError(() => toWireError(error))));
  return Promise.resolve(result).then(
    (response: unknown) => ({ response }),
    (error: unknown) => ({ err: toWireError(error) }),
  );
}

/** Nest's parameter key for `@Payload()` on the first parameter, with no property and no pipes. */
const PAYLOAD_FIRST = `${RpcParamtype.PAYLOAD}:0`;

interface ParamMetadata {
  readonly index: number;
  readonly data?: unknown;
  readonly pipes?: readonly unknown[];
}

/** Fills `DirectHandlers` from the service's controllers once its module is initialised. */
@Injectable()
export class DirectHandlerScanner implements OnModuleInit {
  constructor(
    private readonly discovery: DiscoveryService,
    private readonly scanner: MetadataScanner,
    @Inject(DirectHandlers) private readonly handlers: DirectHandlers,
  ) {}

  onModuleInit(): void {
    for (const wrapper of this.discovery.getControllers()) {
      const instance: unknown = wrapper.instance;
      if (!wrapper.isDependencyTreeStatic() || typeof instance !== 'object' || instance === null) continue;
      const type = instance.constructor;
      if (hasEnhancers(type)) continue;
      const prototype = Object.getPrototypeOf(instance) as Record<string, unknown>;
      for (const name of this.scanner.getAllMethodNames(prototype)) {
        const method = prototype[name];
        if (typeof method !== 'function') continue;
        const patterns = Reflect.getMetadata(PATTERN_METADATA, method) as unknown[] | undefined;
        const kind = Reflect.getMetadata(PATTERN_HANDLER_METADATA, method) as PatternHandler | undefined;
        if (kind !== PatternHandler.MESSAGE || !patterns || hasEnhancers(method)) continue;
        const params = Reflect.getMetadata(ROUTE_ARGS_METADATA, type, name) as
          Record<string, ParamMetadata> | undefined;
        if (!payloadOnly(params, method.length)) continue;
        const handler: DirectHandler = (payload) => (method as DirectHandler).call(instance, payload);
        for (const pattern of patterns) if (typeof pattern === 'string') this.handlers.set(pattern, handler);
      }
    }
  }
}

function hasEnhancers(target: object): boolean {
  return [GUARDS_METADATA, INTERCEPTORS_METADATA, PIPES_METADATA, EXCEPTION_FILTERS_METADATA].some(
    (key) => ((Reflect.getMetadata(key, target) as unknown[] | undefined)?.length ?? 0) > 0,
  );
}

/**
 * `@Payload()` alone on the first parameter, or no parameter decorators on a method of at most one
 * parameter (Nest would pass it the payload, and the context as a second).
 */
function payloadOnly(params: Record<string, ParamMetadata> | undefined, arity: number): boolean {
  const keys = params === undefined ? [] : Object.keys(params);
  if (keys.length === 0) return arity <= 1;
  const only = params?.[PAYLOAD_FIRST];
  return (
    keys.length === 1 && only !== undefined && only.data === undefined && (only.pipes?.length ?? 0) === 0
  );
}
