import { Controller } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import type { RouteResult, RouterState, RouterStreamEvent } from '@aigw/contracts';
import { GatewayError, RouterStateRequestSchema, Subjects } from '@aigw/contracts';
import type { Observable } from 'rxjs';
import { parseRouteRequest } from './route-request.parser';
import { RouteService } from './route/route.service';
import { RouterStateService } from './state/router-state.service';
import { RouteStreamService } from './stream/route-stream.service';

/** The router's bus API: one handler per subject, each validating its payload and calling a use case. */
@Controller()
export class RouterMessagesController {
  constructor(
    private readonly route: RouteService,
    private readonly streams: RouteStreamService,
    private readonly states: RouterStateService,
  ) {}

  @MessagePattern(Subjects.router.chat)
  async chat(@Payload() payload: unknown): Promise<RouteResult> {
    return this.route.route('chat', parseRouteRequest(payload));
  }

  @MessagePattern(Subjects.router.completions)
  async completions(@Payload() payload: unknown): Promise<RouteResult> {
    return this.route.route('completions', parseRouteRequest(payload));
  }

  @MessagePattern(Subjects.router.embeddings)
  async embeddings(@Payload() payload: unknown): Promise<RouteResult> {
    return this.route.route('embeddings', parseRouteRequest(payload));
  }

  /** Unsubscribing from the returned Observable cancels the upstream request. */
  @MessagePattern(Subjects.router.chatStream)
  chatStream(@Payload() payload: unknown): Observable<RouterStreamEvent> {
    return this.streams.stream('chat', parseRouteRequest(payload));
  }

  @MessagePattern(Subjects.router.completionsStream)
  completionsStream(@Payload() payload: unknown): Observable<RouterStreamEvent> {
    return this.streams.stream('completions', parseRouteRequest(payload));
  }

  /** Read-only: endpoint health, breakers, cool-downs and limit counters, for the admin console. */
  @MessagePattern(Subjects.router.state)
  async state(@Payload() payload: unknown): Promise<RouterState> {
    const request = RouterStateRequestSchema.safeParse(payload);
    if (!request.success)
      throw new GatewayError(
        'invalid_request',
        'A router state request needs "applicationIds" (a list or null).',
      );
    return this.states.state(request.data);
  }
}
