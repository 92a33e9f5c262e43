/**
 * Benchmark-only entry point: the built server (dist/, the same code as main.js) under an
 * enterprise licence signed by a key pair generated here and trusted by this process only, so a
 * long benchmark is not stopped by the developer edition's 1,000 calls a month. The product's
 * main.js trusts only the vendor key; nothing here changes it. Settings come from FACENITION_*.
 */
require('reflect-metadata');
const { writeFileSync } = require('node:fs');
const { join } = require('node:path');

const dist = join(__dirname, '../../dist');
const { generateVendorKeyPair, issueLicense } = require(join(dist, 'libs/license/src'));
const { createApp } = require(join(dist, 'apps/gateway/src/app.factory'));
const { loadConfig } = require(join(dist, 'apps/gateway/src/config'));

async function main() {
  const keys = generateVendorKeyPair();
  const now = Date.now();
  const file = join(process.env.FACENITION_DATA_DIR, 'benchmark-licence.json');
  writeFileSync(
    file,
    issueLicense(
      {
        license_id: 'benchmark',
        customer: 'Facenition benchmark',
        edition: 'enterprise',
        limits: {},
        features: [],
        not_before: new Date(now - 86_400_000).toISOString(),
        not_after: new Date(now + 86_400_000).toISOString(),
        issued_at: new Date(now).toISOString(),
      },
      keys.privateKey,
    ),
  );
  process.env.FACENITION_LICENSE_FILE = file;
  const config = loadConfig();
  const { app, pool } = await createApp(config, { licenseKeys: [keys.publicKey] });
  await app.listen(config.port, config.host);
  // as main.js does: graceful SIGTERM, and the Prometheus server when FACENITION_METRICS_PORT is set (bench:soak reads it)
  require(join(dist, 'apps/gateway/src/health/shutdown')).installGracefulShutdown(app, {
    delayMs: config.shutdownDelaySeconds * 1000,
    timeoutMs: config.shutdownTimeoutSeconds * 1000,
  });
  if (process.env.FACENITION_METRICS_PORT) {
    const metrics = require(join(dist, 'apps/gateway/src/metrics/metrics.service'));
    const m = await metrics.startMetricsServer(app.get(metrics.MetricsService), config, { log: () => undefined, warn: () => undefined });
    app.getHttpServer().once('close', () => m.server.close());
  }
  await pool.start();
}

main().catch((err) => {
  console.error(`benchmark server failed to start: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
