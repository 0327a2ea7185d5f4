import { defineAreaSuite } from './harness.js';

defineAreaSuite('function');
