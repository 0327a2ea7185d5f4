import { defineAreaSuite } from './harness.js';

defineAreaSuite('auth');
