import type { RpcExceptionFilter } from '@nestjs/common';
import { Catch } from '@nestjs/common';
import type { Observable } from 'rxjs';
import { throwError } from 'rxjs';
import { toWireError } from './bus-errors';

/** Nest's side of `toWireError`: handlers that take Nest's RPC path fail the same way as direct ones. */
@Catch()
export class RpcErrorFilter implements RpcExceptionFilter<unknown> {
  catch(exception: unknown): Observable<never> {
    return throwError(() => toWireError(exception));
  }
}
