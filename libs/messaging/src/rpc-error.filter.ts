import type { RpcExceptionFilter } from '@nestjs/common';
import { Catch, Logger } from '@nestjs/common';
import { GatewayError } from '@aigw/contracts';
import type { Observable } from 'rxjs';
import { throwError } from 'rxjs';

/**
 * The one place a service's errors become wire errors: a GatewayError crosses as its code, message and
 * status; anything else is logged here and crosses as an opaque `internal_error`.
 */
@Catch()
export class RpcErrorFilter implements RpcExceptionFilter<unknown> {
  private readonly logger = new Logger('RpcErrorFilter');

  catch(exception: unknown): Observable<never> {
    if (!(exception instanceof GatewayError) && !GatewayError.isWire(exception)) {
      const detail = exception instanceof Error ? (exception.stack ?? exception.message) : String(exception);
      this.logger.error(`unexpected error in a bus handler: ${detail}`);
    }
    return throwError(() => GatewayError.from(exception).toWire());
  }
}
