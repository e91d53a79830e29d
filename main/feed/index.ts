export { FeedServer, FEED_PATHS, METRICS_PATH, type FeedServerOptions, type SessionClosedEvent } from './server.js';
export { FeedService, mergeConfig, type FeedServiceDeps, type FeedRuntimeOverride } from './service.js';
export { DEFAULT_FEED_LIMITS, type FeedLimits } from './limits.js';
export { ensureSelfSignedTls, loadCustomTls, fingerprint256, selfsignedGenerator, TlsSetupError, type CertGenerator, type TlsMaterial } from './tls.js';
export { signHs256, verifyHs256 } from './jwt.js';
export { JWT_SECRET_ACCOUNT, NATIVE_SUBPROTOCOL, TOKEN_PROTOCOL_PREFIX } from './auth.js';
export { NATIVE_PATH, NATIVE_PROTOCOL_VERSION, NativeClientMessage, FeedFilter } from './dialects/native.js';
export type { SetStatusAction } from './dialects/context.js';
