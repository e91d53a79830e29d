export { GvmSimulator } from './server.js';
export type { GvmFaults, GvmSimOptions, GvmSimTls, SimCommandLog } from './server.js';
export { makeTestPki } from './certs.js';
export type { Pem, TestPki } from './certs.js';
