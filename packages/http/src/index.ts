export { type AppOptions, createHttpApp, type ReadinessCheck, sendProblem } from './app';
export { PROBLEM_CONTENT_TYPE, problem, toProblem } from './problem';
export { canonicalPath, SIDECAR_PATHS } from './sidecar-guard';
export { listen, type ServeOptions, type ShutdownSettings, serve, shutdownSettings } from './listen';
export { escapeHtml } from './html';
