import { Controller, Get, Param, Res } from '@nestjs/common';
import { GatewayError } from '@aigw/contracts';
import type { FastifyReply } from 'fastify';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CONSOLE_CSS, CONSOLE_HTML } from './console-page';

/** The page loads only its own script and style and talks only to this server. */
const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

/** Where `npm run build` puts the console's compiled scripts (`web/tsconfig.json`). */
const SCRIPTS_DIR = join(__dirname, 'web');

interface Asset {
  readonly type: string;
  readonly body: string;
}

/** The console's assets, read once: the style sheet and every compiled script module. */
function loadAssets(): ReadonlyMap<string, Asset> {
  const assets = new Map<string, Asset>([
    ['console.css', { type: 'text/css; charset=utf-8', body: CONSOLE_CSS }],
  ]);
  let files: string[] = [];
  try {
    files = readdirSync(SCRIPTS_DIR).filter((file) => file.endsWith('.js'));
  } catch {
    // Not built (a spec running the sources): the page is served, its scripts are not.
  }
  for (const file of files)
    assets.set(file, {
      type: 'text/javascript; charset=utf-8',
      body: readFileSync(join(SCRIPTS_DIR, file), 'utf8'),
    });
  return assets;
}

/**
 * `GET /console`: the web console, a page of the admin API's own listener. Public, like the OpenAPI
 * document: the page and its scripts hold no data; every call they make needs the admin credential.
 */
@Controller('console')
export class ConsolePageController {
  readonly #assets = loadAssets();

  @Get()
  page(@Res() reply: FastifyReply): void {
    secure(reply).type('text/html; charset=utf-8').send(CONSOLE_HTML);
  }

  @Get('assets/:file')
  asset(@Param('file') file: string, @Res() reply: FastifyReply): void {
    const asset = this.#assets.get(file);
    if (asset === undefined)
      throw new GatewayError('route_not_found', `The console has no asset "${file}".`, { param: 'file' });
    secure(reply).type(asset.type).send(asset.body);
  }
}

function secure(reply: FastifyReply): FastifyReply {
  return reply
    .header('content-security-policy', CONTENT_SECURITY_POLICY)
    .header('x-content-type-options', 'nosniff')
    .header('referrer-policy', 'no-referrer')
    .header('cache-control', 'no-store');
}
