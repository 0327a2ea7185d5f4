import { defineAreaSuite } from './harness.js';

defineAreaSuite('odata');
