import { initTelemetry } from '@aigw/observability';
import { exitOnStartupError, runStandalone } from '@aigw/messaging';
import { definition } from './cache.definition';

initTelemetry();
runStandalone(definition, process.env).catch(exitOnStartupError);
