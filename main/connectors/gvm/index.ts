/**
 * Greenbone / OpenVAS over GMP (XML over TLS or gvmd's unix socket). The library level of the
 * GVM connector: a queued, reconnecting client with a streaming report import. Facts:
 * reference/connectors.md §3 and the recorded gvmd exchanges (shared/targets/fixtures/gvm).
 */
export { GmpClient } from './client.js';
export type { GmpAuthInfo, GmpInvalidResult, GmpResultsSummary, GmpTestOutcome, ResultsOptions, WaitForTaskOptions } from './client.js';
export { ALIVE_TESTS, CreateTargetSchema, CreateTaskSchema, ResultsFilterSchema } from './commands.js';
export type { CreateTargetInput, CreateTaskInput, ResultsFilterInput } from './commands.js';
export { GmpClientConfigSchema, normalizeFingerprint } from './config.js';
export type { GmpClientConfig, GmpClientConfigInput, GmpCredentialSource, GmpCredentials, GmpLogger, GmpTarget } from './config.js';
export * from './errors.js';
export { GmpResultSchema, TASK_STATUSES, taskState } from './model.js';
export type { GmpLevelCounts, GmpPortList, GmpResult, GmpScanConfig, GmpScanner, GmpTask, GmpTaskReportRef, GmpTaskState } from './model.js';
export { consoleSeverity, severityBucket } from './severity.js';
export type { GmpSeverityBucket } from './severity.js';
export { gmpResultToFinding } from './finding.js';
