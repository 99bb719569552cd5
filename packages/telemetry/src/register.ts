// Import this first in a service's main.ts: `import '@dbcarts/telemetry/register'`.
import './source-maps';
import { startTelemetry } from './index';

startTelemetry(process.env.OTEL_SERVICE_NAME ?? process.env.APP_ID ?? 'dbcarts');
