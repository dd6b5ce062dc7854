/**
 * DPD charge names (the amount columns' header texts, README.md) → canonical codes, in Dutch,
 * German and English. Matched by prefix, case-insensitively, longest first.
 */
import type { ChargeMap } from '../../src/carrier-kit/index.js';

export const DPD_CHARGES = {
  labels: [
    ['Vracht', 'freight'],
    ['Fracht', 'freight'],
    ['Freight', 'freight'],
    ['Dieseltoeslag', 'fuel'],
    ['Dieselzuschlag', 'fuel'],
    ['Brandstoftoeslag', 'fuel'],
    ['Fuel Surcharge', 'fuel'],
    ['Tol', 'toll'],
    ['Maut', 'toll'],
    ['Toll', 'toll'],
    ['Eilandtoeslag', 'remote_area'],
    ['Inselzuschlag', 'remote_area'],
    ['Island Surcharge', 'remote_area'],
    ['Particuliere bezorging', 'residential'],
    ['Privatzustellung', 'residential'],
    ['Residential Delivery', 'residential'],
  ],
} as const satisfies ChargeMap;
