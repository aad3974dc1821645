/**
 * `waweb/dashboard`: a SessionManager's web dashboard (sessions live with their QR codes, pairing,
 * restart, logout, a JSON API) and its Prometheus metrics. The only entry that loads prom-client
 * and qrcode.
 *
 * @module waweb/dashboard
 */
export { startDashboard } from './dashboard';
export { createMetrics } from './metrics';
export { certificateFingerprints, selfSignedCertificate } from './cert';
export { removeTokenFile, writeTokenFile } from './token-file';
export { defaultAllowedHosts, isLoopback } from './hosts';
export type { CertificateFingerprints, DashboardTls } from './cert';
export type {
  Dashboard,
  DashboardOptions,
  DashboardManager,
  DashboardSession,
  Metrics,
  MetricsManager,
  MetricsOptions,
  SessionManagerListening,
} from './types';
