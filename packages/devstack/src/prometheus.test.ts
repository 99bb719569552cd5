import { describe, expect, it } from 'vitest';
import { renderPrometheusConfig } from './prometheus';

describe('renderPrometheusConfig', () => {
  it('puts every app on the dbcarts job (/metrics) and every sidecar on the daprd job (/), placement and scheduler on dapr-control-plane (/), labelled by app', () => {
    const config = JSON.parse(
      renderPrometheusConfig(
        [
          { job: 'dbcarts', app: 'gateway', address: '127.0.0.1:4001' },
          { job: 'daprd', app: 'gateway', address: '127.0.0.1:4002' },
          { job: 'dbcarts', app: 'orders#1', address: '127.0.0.1:4003' },
          { job: 'dapr-control-plane', app: 'placement', address: '127.0.0.1:4004' },
        ],
        2,
      ),
    );
    expect(config.global).toEqual({ scrape_interval: '2s', scrape_timeout: '2s' });
    expect(config.scrape_configs).toEqual([
      {
        job_name: 'dbcarts',
        metrics_path: '/metrics',
        static_configs: [
          { targets: ['127.0.0.1:4001'], labels: { app: 'gateway' } },
          { targets: ['127.0.0.1:4003'], labels: { app: 'orders#1' } },
        ],
      },
      {
        job_name: 'daprd',
        metrics_path: '/',
        static_configs: [{ targets: ['127.0.0.1:4002'], labels: { app: 'gateway' } }],
      },
      {
        job_name: 'dapr-control-plane',
        metrics_path: '/',
        static_configs: [{ targets: ['127.0.0.1:4004'], labels: { app: 'placement' } }],
      },
    ]);
  });
});
