import 'reflect-metadata';
import type { Server } from 'node:http';
import { Logger } from '@nestjs/common';
import { loadVerifiedModels, MODEL_NAMES } from '@facenition/face';
import { appLogger, createApp } from './app.factory';
import { loadConfig } from './config';
import { exitOnSignalDuringStart, installGracefulShutdown } from './health/shutdown';
import { MetricsService, startMetricsServer } from './metrics/metrics.service';

const log = new Logger('Bootstrap');
let json = false;

async function bootstrap(): Promise<void> {
  const startSignals = exitOnSignalDuringStart();
  const config = loadConfig();
  // every line from here on, Nest's own included, in the configured format
  const logger = appLogger(config);
  Logger.overrideLogger(logger);
  json = config.logFormat === 'json';
  log.log(`Node.js ${process.version} (${process.platform}-${process.arch}, ${process.execPath})`);
  // refuse to start on missing or altered models, before anything listens
  loadVerifiedModels(config.modelsDir);
  log.log(`models verified in ${config.modelsDir} (${MODEL_NAMES.length} files, SHA-256 pinned)`);
  const { app, pool } = await createApp(config, { logger });
  await app.listen(config.port, config.host);
  log.log(`Facenition listening on ${config.tls ? 'https' : 'http'}://${config.host}:${config.port}${config.basePath}`);
  if (config.metricsPort) {
    // logs where it listens and whether a scrape must authenticate (never the token)
    const m = await startMetricsServer(app.get(MetricsService), config, log);
    (app.getHttpServer() as Server).once('close', () => m.server.close());
  }
  startSignals();
  installGracefulShutdown(app, { delayMs: config.shutdownDelaySeconds * 1000, timeoutMs: config.shutdownTimeoutSeconds * 1000 });
  const t = Date.now();
  await pool.start();
  log.log(`${config.workers} face worker(s) ready in ${Date.now() - t} ms`);
}

bootstrap().catch((err: unknown) => {
  // configuration and model problems carry operator-facing messages; an invalid configuration has no format yet: plain text
  const message = `Facenition failed to start: ${err instanceof Error ? err.message : String(err)}`;
  if (json) log.fatal(message);
  else console.error(message);
  process.exit(1);
});
