/**
 * The total in the reporting currency (issue 14), above the currency cards: the sum of what the
 * `spend_by_month` view converted (exact: BigInt minor units), the rates' source and dates, and
 * the currencies left out for want of a rate. Without a reporting currency it says so; the
 * per-currency cards stay either way.
 */
import { groupThousands, formatMinorDigits } from '../../../model/minor-units.js';
import { byId, DATA, el, inScope } from '../page.js';

export function renderReporting(): void {
  const R = DATA.reporting;
  const box = byId('reporting-total');
  box.textContent = '';
  if (R.currency === null) {
    box.appendChild(el('span', { class: 'note' }, 'No reporting currency set: amounts are never added across currencies. Set reporting_currency in etl.config.yaml and load rates with etl fx import to see one total.'));
    return;
  }
  let total = 0n;
  const converted = new Set<string>();
  const missing = new Set<string>();
  let first: string | null = null;
  let last: string | null = null;
  for (const r of R.rows.filter(inScope)) {
    if (r.reporting_minor === null) {
      missing.add(r.currency);
      continue;
    }
    total += BigInt(r.reporting_minor);
    converted.add(r.currency);
    if (r.rate_first !== null && (first === null || r.rate_first < first)) first = r.rate_first;
    if (r.rate_last !== null && (last === null || r.rate_last > last)) last = r.rate_last;
  }
  const list = [...converted].sort();
  box.appendChild(el('span', { class: 'note' }, `Total in ${R.currency} `));
  box.appendChild(el('span', { class: 'big', id: 'reporting-amount', 'data-minor': total.toString() }, `${groupThousands(formatMinorDigits(total, R.digits))}\u00a0${R.currency}`));
  const dates = first === null ? '' : ` at ECB-format reference rates of ${first}${last !== null && last !== first ? ` to ${last}` : ''}`;
  const sources = R.rate_sources.length > 0 ? `; rates from ${R.rate_sources.join(', ')} (loaded: ${R.rates_loaded.first ?? '?'} to ${R.rates_loaded.last ?? '?'})` : '';
  box.appendChild(
    el('span', { class: 'note', id: 'reporting-note' }, `${list.length} currenc${list.length === 1 ? 'y' : 'ies'} converted (${list.join(', ')})${dates}, each invoice at the rate of its date or the last published before it${sources}.`),
  );
  if (missing.size > 0) {
    box.appendChild(el('div', { class: 'warnc', id: 'reporting-missing' }, `Not in the total (no rate within 7 days of the invoice date): ${[...missing].sort().join(', ')}. See the per-currency totals below.`));
  }
}
