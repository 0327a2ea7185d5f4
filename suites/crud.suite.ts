import { defineAreaSuite } from './harness.js';

defineAreaSuite('crud');
