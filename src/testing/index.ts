/**
 * `waweb/testing`: what authors of stores (and later of strategies) test their code with.
 *
 * @module waweb/testing
 */
export { describeStoreConformance, freshSessionId, HOSTILE_SESSION_IDS } from './conformance';
export type { ConformanceFixture, ConformanceOptions, TestRunner } from './conformance';
export { describeStoreDriverConformance } from './driver';
export type { DriverConformanceFixture } from './driver';
export { describeFencingConformance } from './fencing';
export { describeMarksConformance } from './marks';
export type { MarksConformanceFixture, MarksConformanceOptions } from './marks';
