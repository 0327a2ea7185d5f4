import { defineAreaSuite } from './harness.js';

defineAreaSuite('runs');
