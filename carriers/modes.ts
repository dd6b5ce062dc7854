/**
 * Every carrier's service → mode table (carriers/<id>/modes.ts), listed explicitly like
 * carriers/index.ts. The database seeds `service_modes` from these (src/emissions/seed.ts).
 */
import type { CarrierServiceModes } from '../src/carrier-kit/index.js';
import { dhlModes } from './dhl/modes.js';
import { dpdModes } from './dpd/modes.js';
import { dsvModes } from './dsv/modes.js';
import { glsModes } from './gls/modes.js';
import { royalMailModes } from './royal-mail/modes.js';
import { upsModes } from './ups/modes.js';

export const SERVICE_MODES: readonly CarrierServiceModes[] = Object.freeze([upsModes, dhlModes, glsModes, dsvModes, royalMailModes, dpdModes]);
