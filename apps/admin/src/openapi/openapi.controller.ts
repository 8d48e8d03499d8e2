import { Controller, Get } from '@nestjs/common';
import { openApiDocument } from './openapi.document';

/** `GET /admin/v1/openapi.json`: the admin API's OpenAPI 3.1 document (public: it holds no data). */
@Controller('admin/v1/openapi.json')
export class OpenApiController {
  readonly #document = openApiDocument();

  @Get()
  get(): Record<string, unknown> {
    return this.#document;
  }
}
