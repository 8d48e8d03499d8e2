import type { LogLevel, LoggerService } from '@nestjs/common';
import { ConsoleLogger } from '@nestjs/common';
import { activeTraceIds } from './tracing/http-server-span';

const LEVELS: Record<string, LogLevel[]> = {
  error: ['fatal', 'error'],
  warn: ['fatal', 'error', 'warn'],
  info: ['fatal', 'error', 'warn', 'log'],
  debug: ['fatal', 'error', 'warn', 'log', 'debug', 'verbose'],
};

/** Nest's own start-up chatter (one line per module and route); shown only at debug level. */
const FRAMEWORK_CONTEXTS = new Set([
  'InstanceLoader',
  'RoutesResolver',
  'RouterExplorer',
  'NestFactory',
  'NestApplication',
  'NestMicroservice',
]);

class GatewayLogger extends ConsoleLogger {
  constructor(
    private readonly service: string,
    private readonly debugEnabled: boolean,
    options: ConstructorParameters<typeof ConsoleLogger>[1],
  ) {
    super(service, options ?? {});
  }

  /**
   * JSON lines: `{level, pid, timestamp, message, context, service, trace_id, span_id}`, with the ids
   * of the span active where the line was logged (none outside a trace).
   */
  protected override getJsonLogObject(
    message: unknown,
    options: Parameters<ConsoleLogger['getJsonLogObject']>[1],
  ): ReturnType<ConsoleLogger['getJsonLogObject']> {
    const line = { ...super.getJsonLogObject(message, options), service: this.service, ...activeTraceIds() };
    return line;
  }

  override log(message: unknown, ...rest: unknown[]): void {
    const context = rest.at(-1);
    if (!this.debugEnabled && typeof context === 'string' && FRAMEWORK_CONTEXTS.has(context)) return;
    super.log(message, ...rest);
  }
}

/** Structured JSON logs in production; readable lines for a person running the embedded gateway. */
export function createLogger(
  service: string,
  options: { level: string; format: 'json' | 'pretty' },
): LoggerService {
  return new GatewayLogger(service, options.level === 'debug', {
    json: options.format === 'json',
    colors: options.format === 'pretty' && process.stdout.isTTY === true,
    logLevels: LEVELS[options.level] ?? LEVELS.info,
  });
}
