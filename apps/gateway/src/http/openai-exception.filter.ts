import type { ArgumentsHost, ExceptionFilter } from '@nestjs/common';
import { Catch, HttpException, Logger } from '@nestjs/common';
import { GatewayError } from '@aigw/contracts';
import type { FastifyReply } from 'fastify';
import { fromHttpError, sendError } from './openai-error';

/** The one place HTTP errors are shaped: the OpenAI envelope with the status of the error's code. */
@Catch()
export class OpenAiExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger('Gateway');

  catch(exception: unknown, host: ArgumentsHost): void {
    const reply = host.switchToHttp().getResponse<FastifyReply>();
    if (reply.sent || reply.raw.headersSent) return;
    sendError(reply, toGatewayError(exception, this.logger));
  }
}

function toGatewayError(exception: unknown, logger: Logger): GatewayError {
  if (exception instanceof GatewayError) return exception;
  if (exception instanceof HttpException) {
    const status = exception.getStatus();
    if (status === 404)
      return new GatewayError(
        'route_not_found',
        'Unknown route. See GET /v1/models for what this gateway serves.',
      );
    if (status === 405) return new GatewayError('method_not_allowed', 'Method not allowed on this route.');
    if (status === 413) return fromHttpError({ code: 'FST_ERR_CTP_BODY_TOO_LARGE' });
    if (status < 500) return new GatewayError('invalid_request', exception.message, { status });
  }
  const mapped = fromHttpError(exception);
  if (mapped.code === 'internal_error') {
    logger.error(
      `unexpected error: ${exception instanceof Error ? (exception.stack ?? exception.message) : String(exception)}`,
    );
  }
  return mapped;
}
