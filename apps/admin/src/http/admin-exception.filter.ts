import type { ArgumentsHost, ExceptionFilter } from '@nestjs/common';
import { Catch, HttpException, Logger } from '@nestjs/common';
import { GatewayError } from '@aigw/contracts';
import type { FastifyReply } from 'fastify';
import { ConfigValidationError } from '../config-store/config-document';

/** Fastify's own errors (body parsing, limits) as client errors. */
const FASTIFY_ERRORS: Record<string, () => GatewayError> = {
  FST_ERR_CTP_BODY_TOO_LARGE: () =>
    new GatewayError('payload_too_large', 'The request body is larger than the admin API accepts.'),
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: () => new GatewayError('invalid_request', 'Invalid content-length.'),
  FST_ERR_CTP_INVALID_MEDIA_TYPE: () =>
    new GatewayError('unsupported_media_type', 'Unsupported content type.'),
};

/**
 * The admin API's errors in the OpenAI envelope `{"error":{message,type,param,code}}`, with the status
 * of the code; an invalid document adds `problems` (every problem with its path).
 */
@Catch()
export class AdminExceptionFilter implements ExceptionFilter {
  readonly #logger = new Logger('AdminApi');

  catch(exception: unknown, host: ArgumentsHost): void {
    const reply = host.switchToHttp().getResponse<FastifyReply>();
    if (reply.sent || reply.raw.headersSent) return;
    const error = this.toGatewayError(exception);
    const body: Record<string, unknown> = {
      message: error.message,
      type: error.type,
      param: error.param,
      code: error.code,
    };
    if (error instanceof ConfigValidationError) body.problems = error.problems;
    if (error.retryAfterMs !== undefined)
      void reply.header('retry-after', String(Math.max(1, Math.ceil(error.retryAfterMs / 1000))));
    void reply.code(error.status).send({ error: body });
  }

  private toGatewayError(exception: unknown): GatewayError {
    if (exception instanceof GatewayError) return exception;
    const code = (exception as { code?: unknown }).code;
    const fastify = typeof code === 'string' ? FASTIFY_ERRORS[code] : undefined;
    if (fastify) return fastify();
    if (exception instanceof SyntaxError)
      return new GatewayError('invalid_json', 'The request body is not valid JSON.');
    if (exception instanceof HttpException) {
      const status = exception.getStatus();
      if (status === 404)
        return new GatewayError('route_not_found', 'Unknown route. See GET /admin/v1/openapi.json.');
      if (status === 405) return new GatewayError('method_not_allowed', 'Method not allowed on this route.');
      if (status < 500) return new GatewayError('invalid_request', exception.message, { status });
    }
    this.#logger.error(
      `unexpected error: ${exception instanceof Error ? (exception.stack ?? exception.message) : String(exception)}`,
    );
    return GatewayError.from(exception);
  }
}
