'use strict';
// The native part is built by node-gyp at install (binding.gyp); see src/capture.c for the API.
module.exports = require('./build/Release/sesame_capture.node');
