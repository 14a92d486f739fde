/**
 * @customer-panel/trpc — the panel's tRPC router over core and db: typed,
 * authenticated, limited, live.
 */

/** Path prefix of the tRPC handler; clients read it from `@customer-panel/core/contract`. */
export { TRPC_PATH } from "@customer-panel/core/contract";
export {
  authenticateWithCredentials,
  type CredentialRequest,
  type IssuedCredential,
  issueCredential,
  revokeCredential,
} from "./auth.js";
export {
  type ChangeStreamOptions,
  type ClosableChangeStream,
  createChangeStream,
} from "./change-stream.js";
export {
  type Authenticate,
  type AuthRequest,
  type ChangeStream,
  type ChangeSubscription,
  createContextInner,
  type DownloadLink,
  type DownloadLinks,
  type DownloadRequest,
  type PanelContext,
  type PanelServices,
  type StreamAccess,
  type StreamGrant,
  type TrackedChange,
} from "./context.js";
export { DOWNLOADS_PATH, type DownloadLinkOptions } from "./download-links.js";
export {
  type DownloadOutcome,
  type DownloadRouteOptions,
  downloadRoute,
} from "./download-route.js";
export { failureOf, GENERIC_ERROR_MESSAGE, type PanelErrorData, TRPC_CODE_OF } from "./errors.js";
export { type ExportWorker, type ExportWorkerOptions, startExportWorker } from "./export-worker.js";
export {
  attachmentBytes,
  type ClosableMailer,
  fileMailer,
  type MailerService,
  smtpMailer,
} from "./mailers.js";
export { type AppRouter, appRouter, createCaller } from "./router.js";
export { type PanelPorts, type PanelRuntime, runUseCase } from "./runtime.js";
export {
  type CallsReport,
  type ExtraRoute,
  type ObservedCall,
  type PanelServer,
  type PanelServerOptions,
  type ServerLimits,
  startPanelServer,
} from "./server.js";
export { createPanelServices, type PanelServiceParts } from "./services.js";
export { createStreamAccess, type StreamAccessOptions } from "./stream-access.js";
export { type ZipWorkbookOptions, zipWorkbook } from "./xlsx-zip.js";
