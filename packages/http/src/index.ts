export { type AppOptions, createHttpApp, type ReadinessCheck, sendProblem } from './app';
export { escapeHtml } from './html';
export { listen, type ServeOptions, type ShutdownSettings, serve, shutdownSettings } from './listen';
export { PROBLEM_CONTENT_TYPE, problem, refusalProblem, toProblem } from './problem';
export { requestHash } from './request-hash';
export { canonicalPath, SIDECAR_PATHS } from './sidecar-guard';
