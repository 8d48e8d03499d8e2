import { startTelemetry } from '@aigw/observability';
// First: the Postgres and Redis instrumentations patch those modules as they are required.
startTelemetry('admin', process.env);

import { exitOnStartupError, runStandalone } from '@aigw/messaging';
import { definition } from './admin.definition';

runStandalone(definition, process.env).catch(exitOnStartupError);
