import { parseDocument } from 'yaml';
import { ConfigError } from './config-error';

/**
 * The raw document of a YAML (or JSON) configuration text, before validation: what the admin service
 * stores and versions. Syntax errors are reported all at once, as `parseConfigText` does.
 */
export function parseConfigYaml(text: string, source = 'config'): unknown {
  const doc = parseDocument(text, { prettyErrors: true });
  if (doc.errors.length > 0)
    throw new ConfigError(
      source,
      doc.errors.map((e) => `YAML syntax: ${e.message.split('\n')[0]}`),
    );
  return doc.toJS() as unknown;
}
