/**
 * The page's issue-14 parts (the reporting-currency total and the Emissions section), as their
 * own script beside client.ts: it reads the same embedded data and follows the same filter
 * controls (it listens to them after client.ts has updated them), so client.ts is unchanged.
 * Sums are exact: money in BigInt minor units, emissions in whole grams.
 */

/** Inside the "Spend by currency" section. */
export const REPORTING_TOTAL_HTML = `<div id="reporting-total" class="reporting"></div>`;

/** A card of its own in the tables section. */
export const EMISSIONS_CARD_HTML = `<div class="card" id="emissions"><h2>Emissions</h2><p class="sub">Estimated transport emissions (kg CO2e): weight &times; great-circle distance between country centroids &times; distance adjustment &times; emission factor per tonne-km for the service's mode. Estimates, not measurements: see docs/emissions.md for the method and its limits. Shipments without an estimate are counted with the reason.</p>
      <div class="scroll"><table id="t-emissions"></table></div>
      <h3 class="minor">Not computed, why</h3><div class="scroll"><table id="t-emissions-reasons"></table></div>
      <h3 class="minor">Emission factors (shipments = estimates using each)</h3><div class="scroll"><table id="t-emissions-factors"></table></div></div>`;

export const EMISSIONS_CURRENCY_CSS = `
.reporting { margin: 0 0 10px; padding: 10px 14px; background: var(--card); border: 1px solid var(--line); border-radius: 10px; }
.reporting .big { font-size: 22px; font-weight: 650; font-variant-numeric: tabular-nums; margin-right: 10px; }
.reporting .note { color: var(--muted); font-size: 12.5px; }
.reporting .warnc { color: var(--warn); font-weight: 600; }
h3.minor { font-size: 12.5px; margin: 14px 0 4px; color: var(--muted); text-transform: uppercase; letter-spacing: 0.04em; }
`;

export const EMISSIONS_CURRENCY_JS = String.raw`
(function () {
  var DATA = JSON.parse(document.getElementById('report-data').textContent);
  var R = DATA.reporting, E = DATA.emissions;
  if (!R || !E) return;
  var fC = document.getElementById('f-carrier'), fA = document.getElementById('f-account');
  var fF = document.getElementById('f-from'), fT = document.getElementById('f-to');
  var NAMES = {};
  DATA.carriers.forEach(function (c) { NAMES[c.id] = c.name; });
  function el(tag, attrs, text) {
    var e = document.createElement(tag);
    if (attrs) Object.keys(attrs).forEach(function (k) { e.setAttribute(k, attrs[k]); });
    if (text !== undefined && text !== null) e.textContent = String(text);
    return e;
  }
  function inScope(r) {
    if (fC.value && r.carrier !== fC.value) return false;
    if (fA.value && r.carrier + '\u0001' + r.account !== fA.value) return false;
    if (fF.value && r.month < fF.value) return false;
    if (fT.value && r.month > fT.value) return false;
    return true;
  }
  function group(t) { return t.replace(/\B(?=(\d{3})+(?!\d))/g, ','); }
  function formatBig(v, digits) {
    var neg = v < 0n; var s = (neg ? -v : v).toString();
    if (digits > 0) { while (s.length <= digits) s = '0' + s; s = group(s.slice(0, -digits)) + '.' + s.slice(-digits); } else s = group(s);
    return (neg ? '-' : '') + s;
  }
  function kg(grams) { return formatBig(BigInt(grams), 3); }
  function row(table, cells, cls) {
    var tr = el('tr');
    cells.forEach(function (c, i) { tr.appendChild(el('td', cls && cls[i] ? { class: cls[i] } : null, c)); });
    table.appendChild(tr);
  }
  function head(table, names, num) {
    var tr = el('tr');
    names.forEach(function (n, i) { tr.appendChild(el('th', num && num[i] ? { class: 'num' } : null, n)); });
    table.appendChild(tr);
  }

  function renderReporting() {
    var box = document.getElementById('reporting-total');
    box.textContent = '';
    if (!R.currency) {
      box.appendChild(el('span', { class: 'note' }, 'No reporting currency set: amounts are never added across currencies. Set reporting_currency in etl.config.yaml and load rates with etl fx import to see one total.'));
      return;
    }
    var total = 0n, currencies = new Set(), missing = new Set(), first = null, last = null;
    R.rows.filter(inScope).forEach(function (r) {
      if (r.reporting_minor === null) { missing.add(r.currency); return; }
      total += BigInt(r.reporting_minor);
      currencies.add(r.currency);
      if (r.rate_first && (first === null || r.rate_first < first)) first = r.rate_first;
      if (r.rate_last && (last === null || r.rate_last > last)) last = r.rate_last;
    });
    box.appendChild(el('span', { class: 'note' }, 'Total in ' + R.currency + ' '));
    box.appendChild(el('span', { class: 'big', id: 'reporting-amount', 'data-minor': total.toString() }, formatBig(total, R.digits) + '\u00a0' + R.currency));
    var list = Array.from(currencies).sort();
    box.appendChild(el('span', { class: 'note', id: 'reporting-note' },
      list.length + ' currenc' + (list.length === 1 ? 'y' : 'ies') + ' converted (' + list.join(', ') + ')' +
      (first ? ' at ECB-format reference rates of ' + first + (last && last !== first ? ' to ' + last : '') : '') +
      ', each invoice at the rate of its date or the last published before it' +
      (R.rate_sources.length ? '; rates from ' + R.rate_sources.join(', ') + ' (loaded: ' + R.rates_loaded.first + ' to ' + R.rates_loaded.last + ')' : '') + '.'));
    if (missing.size > 0) box.appendChild(el('div', { class: 'warnc', id: 'reporting-missing' }, 'Not in the total (no rate within 7 days of the invoice date): ' + Array.from(missing).sort().join(', ') + '. See the per-currency totals below.'));
  }

  function renderEmissions() {
    var rows = E.rows.filter(inScope);
    var t = document.getElementById('t-emissions'); t.textContent = '';
    head(t, ['Carrier', 'Mode', 'Shipments', 'Estimated', 'Not computed', 'Tonne-km', 'kg CO2e'], [0, 0, 1, 1, 1, 1, 1]);
    var by = new Map(), tot = { s: 0, e: 0, g: 0n, tk: 0 };
    rows.forEach(function (r) {
      var k = r.carrier + '|' + r.mode, a = by.get(k);
      if (!a) { a = { carrier: r.carrier, mode: r.mode, s: 0, e: 0, g: 0n, tk: 0 }; by.set(k, a); }
      a.s += r.shipments; a.e += r.estimated; a.g += BigInt(r.grams); a.tk += r.tonne_km;
      tot.s += r.shipments; tot.e += r.estimated; tot.g += BigInt(r.grams); tot.tk += r.tonne_km;
    });
    var num = [null, null, 'num', 'num', 'num', 'num', 'num'];
    Array.from(by.values()).forEach(function (a) {
      row(t, [NAMES[a.carrier] || a.carrier, a.mode, a.s, a.e, a.s - a.e, a.tk.toFixed(1), formatBig(a.g, 3)], num);
    });
    var tr = el('tr', { id: 'emissions-total' });
    ['Total', '', tot.s, tot.e, tot.s - tot.e, tot.tk.toFixed(1), formatBig(tot.g, 3)].forEach(function (c, i) {
      var td = el('td', num[i] ? { class: 'num' } : null, c); td.style.fontWeight = '650'; tr.appendChild(td);
    });
    tr.setAttribute('data-grams', tot.g.toString());
    t.appendChild(tr);

    var rt = document.getElementById('t-emissions-reasons'); rt.textContent = '';
    head(rt, ['Reason', 'Shipments'], [0, 1]);
    var reasons = new Map();
    E.reasons.filter(inScope).forEach(function (r) { reasons.set(r.reason, (reasons.get(r.reason) || 0) + r.shipments); });
    var sorted = Array.from(reasons.entries()).sort(function (a, b) { return b[1] - a[1] || (a[0] < b[0] ? -1 : 1); });
    if (sorted.length === 0) { var e = el('tr', { class: 'empty' }); e.appendChild(el('td', { colspan: '2' }, 'Every shipment in scope has an estimate.')); rt.appendChild(e); }
    sorted.forEach(function (x) { row(rt, [x[0], x[1]], [null, 'num']); });

    var ft = document.getElementById('t-emissions-factors'); ft.textContent = '';
    head(ft, ['Class', 'Version', 'kg CO2e / t\u00b7km', 'Basis', 'Shipments', 'Source', 'Verified'], [0, 0, 1, 0, 1, 0, 0]);
    E.factors.forEach(function (f) { row(ft, [f.vehicle_class, f.version, f.kg_co2e_per_tkm, f.basis, f.shipments, f.source, f.verified], [null, null, 'num', null, 'num', 'msg', 'msg']); });
  }

  function render() { renderReporting(); renderEmissions(); }
  [fC, fA, fF, fT].forEach(function (s) { s.addEventListener('change', render); });
  document.getElementById('f-reset').addEventListener('click', render);
  render();
}());
`;
