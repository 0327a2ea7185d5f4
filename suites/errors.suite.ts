import { defineAreaSuite } from './harness.js';

defineAreaSuite('errors');
