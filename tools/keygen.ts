/**
 * `npm run keygen -- <key-id> [application ...]`: makes a new gateway API key and prints the key (once,
 * for the client) and the config entry that holds only its SHA-256 digest.
 */
import { generateApiKey, sha256Hex } from '@aigw/config';

const [id = 'my-app', ...applications] = process.argv.slice(2);
const key = generateApiKey();
const apps = applications.length > 0 ? applications : ['*'];
process.stdout.write(
  [
    `API key (give it to the client; it is not stored anywhere): ${key}`,
    '',
    'Add to auth.keys in your gateway config:',
    `  - id: ${id}`,
    `    sha256: ${sha256Hex(key)}`,
    `    applications: [${apps.map((a) => `'${a}'`).join(', ')}]`,
    '',
  ].join('\n'),
);
