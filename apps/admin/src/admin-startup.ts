import type { OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { Inject, Injectable, Logger } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { BusClient } from '@aigw/messaging';
import { ConfigFileSource } from './admin.tokens';
import { AdminAuthenticator } from './auth/admin.authenticator';
import { ConfigStoreService } from './config-store/config-store.service';
import type { AdminRoute } from './http/create-admin-http-app';
import { createAdminHttpApp } from './http/create-admin-http-app';
import { AdminServerInfo } from './http/admin-server-info';

export const ADMIN_HTTP_LISTEN = Symbol('ADMIN_HTTP_LISTEN');
export type AdminHttpListen = { readonly host: string; readonly port: number } | null;

/**
 * The admin service's start: seed or update the store from the configuration file (README "Admin
 * API": the file → database rule), then open the REST API on its own listener. Closing stops the
 * listener first, so no request runs against a closing database.
 */
@Injectable()
export class AdminStartup implements OnApplicationBootstrap, OnModuleDestroy {
  readonly #logger = new Logger('Admin');
  readonly routes: AdminRoute[] = [];
  #app: NestFastifyApplication | null = null;
  #url: string | null = null;

  constructor(
    private readonly store: ConfigStoreService,
    private readonly auth: AdminAuthenticator,
    private readonly file: ConfigFileSource,
    @Inject(ADMIN_HTTP_LISTEN) private readonly listen: AdminHttpListen,
    private readonly bus: BusClient,
  ) {}

  /** e.g. http://127.0.0.1:8081; null when the API is not served. */
  get url(): string | null {
    return this.#url;
  }

  async onApplicationBootstrap(): Promise<void> {
    const { version } = await this.store.importFile(await this.file.read(), this.file.path);
    this.#logger.log(`configuration ${version} active`);
    if (this.listen === null) return;
    if (!this.auth.configured)
      this.#logger.warn(
        'neither ADMIN_API_KEY nor ADMIN_JWT_SECRET is set: the admin API refuses every request',
      );
    const info = new AdminServerInfo();
    const app = await createAdminHttpApp(
      { store: this.store, auth: this.auth, file: this.file, info, bus: this.bus },
      this.routes,
    );
    await app.listen(this.listen.port, this.listen.host);
    this.#app = app;
    const address = app.getHttpServer().address();
    const port = typeof address === 'object' && address ? address.port : this.listen.port;
    const host = this.listen.host.includes(':') ? `[${this.listen.host}]` : this.listen.host;
    this.#url = `http://${host}:${port}`;
    this.#logger.log(`admin API listening on ${this.#url}/admin/v1`);
  }

  async onModuleDestroy(): Promise<void> {
    await this.#app?.close();
    this.#app = null;
  }
}
