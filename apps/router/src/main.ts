import { startTelemetry } from '@aigw/observability';
// First: the Postgres and Redis instrumentations patch those modules as they are required.
startTelemetry('router', process.env);

import { exitOnStartupError, runStandalone } from '@aigw/messaging';
import { definition } from './router.definition';

runStandalone(definition, process.env).catch(exitOnStartupError);
