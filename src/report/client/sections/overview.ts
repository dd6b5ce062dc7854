/**
 * Key figures and the currency cards. Returns the currency the charts show: the selected one if
 * the selection has it, else the one billed by the most carriers (the best overview), then by
 * invoices.
 */
import { byId, DATA, el, fileInScope, formatAmount, inScope, note, plural, state, sumBy } from '../page.js';

/** `rerender`: what a click on a currency card calls. */
export function renderOverview(rerender: () => void): string {
  const spend = DATA.spend.filter(inScope);
  const perCur = sumBy(spend, (r) => r.currency, ['spend_minor', 'invoices', 'shipments']);
  const carriersPer = new Map<string, Set<string>>();
  for (const r of spend) carriersPer.set(r.currency, (carriersPer.get(r.currency) ?? new Set<string>()).add(r.carrier));
  const size = (c: string) => carriersPer.get(c)?.size ?? 0;
  const invoicesOf = (c: string) => perCur.get(c)?.invoices ?? 0;
  const curs = [...perCur.keys()].sort((a, b) => size(b) - size(a) || invoicesOf(b) - invoicesOf(a) || (a < b ? -1 : 1));
  if (!curs.includes(state.currency)) state.currency = curs[0] ?? '';
  const cur = state.currency;

  let invoices = 0;
  let shipments = 0;
  for (const r of spend) {
    invoices += r.invoices;
    shipments += r.shipments;
  }
  const unreconciled = DATA.unreconciled.filter(inScope).length;
  const unmappedLines = DATA.unmapped.filter(inScope).reduce((s, r) => s + r.lines, 0);
  const badFiles = DATA.files.filter(fileInScope).filter((f) => f.errors > 0).length;
  note('k-invoices', invoices.toLocaleString('en-US'));
  note('k-shipments', shipments.toLocaleString('en-US'));
  note('k-unreconciled', unreconciled.toLocaleString('en-US'));
  note('k-unmapped', unmappedLines.toLocaleString('en-US'));
  note('k-files', badFiles.toLocaleString('en-US'));
  byId('kc-unreconciled').classList.toggle('alert', unreconciled > 0);
  byId('kc-unmapped').classList.toggle('warn', unmappedLines > 0);
  byId('kc-files').classList.toggle('alert', badFiles > 0);

  const cards = byId('currency-cards');
  cards.textContent = '';
  for (const c of curs) {
    const a = perCur.get(c);
    if (!a) continue;
    const b = el('button', { type: 'button', class: `cur${c === cur ? ' active' : ''}`, 'data-currency': c, 'aria-pressed': c === cur ? 'true' : 'false' });
    b.appendChild(el('span', { class: 'cur-code' }, c));
    b.appendChild(el('span', { class: 'cur-amount', 'data-minor': String(a.spend_minor) }, formatAmount(a.spend_minor, c)));
    b.appendChild(el('span', { class: 'cur-meta' }, plural(a.invoices, 'invoice')));
    b.appendChild(el('span', { class: 'cur-meta' }, plural(a.shipments, 'shipment')));
    b.addEventListener('click', () => {
      state.currency = c;
      rerender();
    });
    cards.appendChild(b);
  }
  if (curs.length === 0) cards.appendChild(el('p', { class: 'muted none' }, 'No invoices in this selection.'));
  return cur;
}
