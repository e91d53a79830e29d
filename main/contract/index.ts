export * from './alerts.js';
export * from './app.js';
export * from './channels.js';
export * from './errors.js';
export * from './events.js';
export * from './pipeline.js';
export * from './settings.js';
export * from './wire.js';
