import { Controller, Get, Param, Post, Req } from '@nestjs/common';
import { GatewayConfigSchema } from '@aigw/config';
import { GatewayError } from '@aigw/contracts';
import type { FastifyRequest } from 'fastify';
import { ConfigFileSource } from '../admin.tokens';
import { AdminAuthenticator } from '../auth/admin.authenticator';
import { ConfigStoreService } from '../config-store/config-store.service';
import { AdminRequests } from '../http/admin-requests';
import { AdminServerInfo } from '../http/admin-server-info';

const ENV = /^[A-Za-z0-9._-]{1,64}$/;

/**
 * The ganrad openai-api-router's control routes, for its users' scripts:
 * `GET /api/v1/{env}/apirouter/instanceinfo` (the instance and its applications; here it needs the
 * admin credential, since it shows the whole topology) and `/reconfig/{key}` (the seed's private key
 * in the path: here the admin key). Reconfiguring re-reads the configuration file and makes it the
 * active version; unlike the seed, metrics and their history are never reset.
 */
@Controller('api/v1/:env/apirouter')
export class GanradController {
  constructor(
    private readonly store: ConfigStoreService,
    private readonly requests: AdminRequests,
    private readonly auth: AdminAuthenticator,
    private readonly file: ConfigFileSource,
    private readonly info: AdminServerInfo,
  ) {}

  @Get('instanceinfo')
  async instanceInfo(
    @Param('env') env: string,
    @Req() req: FastifyRequest,
  ): Promise<Record<string, unknown>> {
    checkEnv(env);
    await this.requests.principal(req);
    const active = await this.store.active();
    const config = GatewayConfigSchema.parse(active.document);
    return {
      serverName: this.info.instanceId,
      serverVersion: this.info.serverVersion,
      serverConfig: {
        host: config.server.host,
        listenPort: config.server.port,
        environment: env,
        configFile: this.file.path,
        configVersion: active.version,
        ...(config.metrics
          ? {
              collectInterval: config.metrics.collectionIntervalMinutes,
              collectHistoryCount: config.metrics.historyCount,
            }
          : {}),
      },
      aiApplications: config.applications.map(({ id, description, type, endpoints, ...policies }) => ({
        applicationId: id,
        description: description ?? '',
        type,
        ...policies,
        // The seed keys endpoints by priority index ("0", "1"…).
        endpoints: Object.fromEntries(
          [...endpoints]
            .map((e, index) => ({ e, priority: e.priority ?? index }))
            .sort((a, b) => a.priority - b.priority)
            .map(({ e }, index) => [
              String(index),
              { id: e.id, provider: e.provider, uri: e.url ?? null, model: e.model ?? null, ...pick(e) },
            ]),
        ),
      })),
      containerInfo: {},
      apiGatewayUri: `/api/v1/${env}/apirouter`,
      endpointUri: `/api/v1/${env}/apirouter/instanceinfo`,
      serverStartDate: this.info.startedAt.toISOString(),
      status: 'OK',
    };
  }

  @Get('reconfig/:key')
  reconfigGet(
    @Param('env') env: string,
    @Param('key') key: string,
    @Req() req: FastifyRequest,
  ): Promise<Record<string, unknown>> {
    return this.reconfig(env, key, req.ip);
  }

  @Post('reconfig/:key')
  reconfigPost(
    @Param('env') env: string,
    @Param('key') key: string,
    @Req() req: FastifyRequest,
  ): Promise<Record<string, unknown>> {
    return this.reconfig(env, key, req.ip);
  }

  private async reconfig(env: string, key: string, clientAddress: string): Promise<Record<string, unknown>> {
    checkEnv(env);
    this.auth.checkKey(key, clientAddress);
    let text: string;
    try {
      text = await this.file.read();
    } catch {
      throw new GatewayError('service_unavailable', 'The configuration file cannot be read.');
    }
    const outcome = await this.store.importFile(text, this.file.path, { author: 'reconfig', force: true });
    return {
      message: outcome.changed
        ? `Reconfigured from ${this.file.path}: version ${outcome.version} is active.`
        : `The configuration file matches the active version ${outcome.version}: nothing to change.`,
      version: outcome.version,
      previousVersion: outcome.previousVersion,
      changed: outcome.changed,
      metricsReset: false,
      status: 'OK',
    };
  }
}

function checkEnv(env: string): void {
  if (!ENV.test(env))
    throw new GatewayError('route_not_found', 'Unknown environment in the route.', { param: 'env' });
}

/** The endpoint's routing and limit settings the seed shows (`rpm`…), whatever the schema has. */
function pick(endpoint: Record<string, unknown>): Record<string, unknown> {
  const { id: _i, provider: _p, url: _u, model: _m, options: _o, ...rest } = endpoint;
  return rest;
}
