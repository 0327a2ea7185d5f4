import { defineAreaSuite } from './harness.js';

defineAreaSuite('enums');
