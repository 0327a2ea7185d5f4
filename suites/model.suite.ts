import { defineAreaSuite } from './harness.js';

defineAreaSuite('model');
