/**
 * Every carrier the engine knows, listed explicitly (no discovery by file name). To add a
 * carrier, copy carriers/_template, then add it here.
 */
import type { CarrierAdapter } from '../src/carrier-kit/index.js';
import { dhl } from './dhl/index.js';
import { dpd } from './dpd/index.js';
import { dsv } from './dsv/index.js';
import { gls } from './gls/index.js';
import { royalMail } from './royal-mail/index.js';
import { ups } from './ups/index.js';

export const CARRIERS: readonly CarrierAdapter[] = Object.freeze([ups, dhl, gls, dsv, royalMail, dpd]);

export function findCarrier(id: string): CarrierAdapter | undefined {
  return CARRIERS.find((c) => c.id === id);
}
