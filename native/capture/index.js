'use strict';
// The native part is built by node-gyp at install (binding.gyp); see src/capture.c for the API.
// eslint-disable-next-line @typescript-eslint/no-require-imports -- the addon's CommonJS entry
module.exports = require('./build/Release/sesame_capture.node');
