import { defineAreaSuite } from './harness.js';

defineAreaSuite('etag');
