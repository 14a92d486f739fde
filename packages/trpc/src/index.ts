/**
 * @customer-panel/trpc — the panel's tRPC router over core and db: typed,
 * authenticated, limited, live.
 */

export {
  authenticateWithCredentials,
  type CredentialRequest,
  hashSecret,
  type IssuedCredential,
  issueCredential,
  revokeCredential,
} from "./auth.js";
export { type KeptListen, keepListening, type ReconnectOptions } from "./change-listener.js";
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
export {
  createDownloadLinks,
  DOWNLOAD_TOKEN,
  DOWNLOADS_PATH,
  type DownloadLinkOptions,
  hashDownloadToken,
} from "./download-links.js";
export {
  contentDisposition,
  type DownloadOutcome,
  type DownloadRouteOptions,
  downloadRoute,
} from "./download-route.js";
export {
  createDownloadSlots,
  type DownloadSlotOptions,
  type DownloadSlots,
} from "./download-slots.js";
export { formatPanelError, type PanelErrorData, TRPC_CODE_OF, toTRPCError } from "./errors.js";
export { type ExportWorker, type ExportWorkerOptions, startExportWorker } from "./export-worker.js";
export {
  type ClosableMailer,
  fileMailer,
  type MailerService,
  smtpMailer,
  stableMessageId,
} from "./mailers.js";
export { type AppRouter, appRouter, createCaller } from "./router.js";
export {
  type CallsReport,
  type ExtraRoute,
  type ObservedCall,
  type PanelServer,
  type PanelServerOptions,
  type ServerLimits,
  startPanelServer,
  TRPC_PATH,
} from "./server.js";
export { createPanelServices, type PanelServiceParts } from "./services.js";
export { accessEnding, createStreamAccess, type StreamAccessOptions } from "./stream-access.js";
