import { defineAreaSuite } from './harness.js';

defineAreaSuite('validation');
