import { openApiDocument } from './openapi.document';

/** Every `$ref` string anywhere in the document. */
function refs(value: unknown): string[] {
  if (Array.isArray(value)) return value.flatMap(refs);
  if (typeof value !== 'object' || value === null) return [];
  return Object.entries(value).flatMap(([key, v]) =>
    key === '$ref' && typeof v === 'string' ? [v] : refs(v),
  );
}

describe('the admin OpenAPI document', () => {
  const document = openApiDocument();

  it('is OpenAPI 3.1 and every reference in it resolves', () => {
    expect(document.openapi).toBe('3.1.0');
    const unresolved = refs(document).filter((ref) => {
      let node: unknown = document;
      for (const part of ref.replace(/^#\//, '').split('/'))
        node = (node as Record<string, unknown> | undefined)?.[part];
      return node === undefined;
    });
    expect(refs(document).length).toBeGreaterThan(50);
    expect(unresolved).toEqual([]);
  });

  it('describes the configuration with the shared schema, fields of other modules included', () => {
    const schemas = (
      document.components as { schemas: Record<string, { properties?: Record<string, unknown> }> }
    ).schemas;
    expect(Object.keys(schemas.ConfigDocument?.properties ?? {})).toEqual(
      expect.arrayContaining(['server', 'auth', 'applications']),
    );
    expect(Object.keys(schemas.Application?.properties ?? {})).toEqual(
      expect.arrayContaining(['id', 'type', 'endpoints']),
    );
  });
});
