/**
 * The page's own script: reads the embedded `#report-data` JSON, fills the filters, and redraws
 * every chart and table from integer minor units whenever a filter changes. Plain ES2017 for any
 * browser; kept as a string because the project's TypeScript has no DOM types.
 *
 * Money rule (same as src/model/money.ts `formatMinor`, plus thousands separators): amounts are
 * summed as integers, then formatted digit by digit; floats are used only to place bars on an
 * axis. Different currencies are never added together: the charts show one currency at a time
 * (the currency cards switch it) and the tables label every amount with its currency.
 */
export const CLIENT_JS = String.raw`
(function () {
  'use strict';
  var DATA = JSON.parse(document.getElementById('report-data').textContent);
  var NAMES = {};
  DATA.carriers.forEach(function (c) { NAMES[c.id] = c.name; });
  var COLORS = { ups: '#8a5a2b', dhl: '#f2b705', gls: '#2355d8', dsv: '#0f8f83', 'royal-mail': '#d42a3c' };
  var SPARE = ['#7c3aed', '#db2777', '#0891b2', '#65a30d', '#ea580c', '#475569', '#9333ea'];
  var TOP_CODES = 12;
  var MAX_ROWS = 200;
  var charts = {};
  var state = { carrier: '', account: '', from: '', to: '', currency: '' };

  function colorOf(id) {
    if (COLORS[id]) return COLORS[id];
    var i = DATA.carriers.findIndex(function (c) { return c.id === id; });
    return SPARE[(i < 0 ? 0 : i) % SPARE.length];
  }
  function nameOf(id) { return NAMES[id] || id; }
  function digits(cur) { var d = DATA.currencies[cur]; return d === undefined ? 2 : d; }
  function group(intText) { return intText.replace(/\B(?=(\d{3})+(?!\d))/g, ','); }
  /** formatMinor from src/model/money.ts, with thousands separators. */
  function formatMinor(minor, cur) {
    var d = digits(cur);
    var sign = minor < 0 ? '-' : '';
    var abs = String(Math.abs(minor));
    while (abs.length < d + 1) abs = '0' + abs;
    if (d === 0) return sign + group(abs);
    return sign + group(abs.slice(0, -d)) + '.' + abs.slice(-d);
  }
  function money(minor, cur) { return formatMinor(minor, cur) + '\u00a0' + cur; }
  /** For placing bars only; labels always come from formatMinor. */
  function plotValue(minor, cur) { return minor / Math.pow(10, digits(cur)); }
  function tickLabel(value, cur) {
    return Number(value).toLocaleString('en-US', { maximumFractionDigits: digits(cur) });
  }
  /** Integer division rounded half away from zero (an average of minor units). */
  function divideRounded(n, d) {
    var q = Math.trunc(n / d);
    var r = n - q * d;
    if (Math.abs(r) * 2 >= Math.abs(d)) return q + Math.sign(n) * Math.sign(d);
    return q;
  }
  function accountKey(carrier, account) { return carrier + '\u0001' + account; }
  function nextMonth(m) {
    var y = Number(m.slice(0, 4));
    var mo = Number(m.slice(5, 7)) + 1;
    if (mo > 12) { mo = 1; y += 1; }
    return String(y).padStart(4, '0') + '-' + String(mo).padStart(2, '0');
  }
  function monthRange(a, b) {
    var out = [];
    for (var m = a; m <= b && out.length < 600; m = nextMonth(m)) out.push(m);
    return out;
  }
  function el(tag, attrs, text) {
    var e = document.createElement(tag);
    if (attrs) Object.keys(attrs).forEach(function (k) { e.setAttribute(k, attrs[k]); });
    if (text !== undefined && text !== null) e.textContent = String(text);
    return e;
  }

  function inScope(r) {
    if (state.carrier && r.carrier !== state.carrier) return false;
    if (state.account && accountKey(r.carrier, r.account) !== state.account) return false;
    if (state.from && r.month < state.from) return false;
    if (state.to && r.month > state.to) return false;
    return true;
  }
  /** Files are matched through their current invoices; a file without any (quarantined,
   *  superseded) by carrier and by the account it names, whatever the months. */
  function fileInScope(f) {
    if (state.carrier && f.carrier !== state.carrier) return false;
    if (f.invoices.length === 0) return !state.account || (f.account !== null && accountKey(f.carrier, f.account) === state.account);
    return f.invoices.some(function (i) { return inScope({ carrier: f.carrier, account: i.account, month: i.month }); });
  }
  function sumBy(rows, keyOf, fields) {
    var map = new Map();
    rows.forEach(function (r) {
      var k = keyOf(r);
      var acc = map.get(k);
      if (!acc) { acc = { row: r }; fields.forEach(function (f) { acc[f] = 0; }); map.set(k, acc); }
      fields.forEach(function (f) { acc[f] += r[f]; });
    });
    return map;
  }

  // ---- filters -------------------------------------------------------------------------------
  var fCarrier = document.getElementById('f-carrier');
  var fAccount = document.getElementById('f-account');
  var fFrom = document.getElementById('f-from');
  var fTo = document.getElementById('f-to');
  function option(select, value, label) { select.appendChild(el('option', { value: value }, label)); }
  option(fCarrier, '', 'All carriers');
  DATA.carriers.forEach(function (c) { option(fCarrier, c.id, c.name); });
  option(fFrom, '', 'First month');
  option(fTo, '', 'Last month');
  DATA.months.forEach(function (m) { option(fFrom, m, m); option(fTo, m, m); });
  function fillAccounts() {
    fAccount.textContent = '';
    option(fAccount, '', 'All accounts');
    DATA.accounts.forEach(function (a) {
      if (state.carrier && a.carrier !== state.carrier) return;
      option(fAccount, accountKey(a.carrier, a.account), (state.carrier ? '' : nameOf(a.carrier) + ' \u00b7 ') + a.account);
    });
    fAccount.value = state.account;
  }
  fCarrier.addEventListener('change', function () {
    state.carrier = fCarrier.value;
    if (state.account && state.carrier && state.account.split('\u0001')[0] !== state.carrier) state.account = '';
    fillAccounts();
    render();
  });
  fAccount.addEventListener('change', function () {
    state.account = fAccount.value;
    if (state.account) { state.carrier = state.account.split('\u0001')[0]; fCarrier.value = state.carrier; fillAccounts(); }
    render();
  });
  fFrom.addEventListener('change', function () {
    state.from = fFrom.value;
    if (state.from && state.to && state.to < state.from) { state.to = state.from; fTo.value = state.to; }
    render();
  });
  fTo.addEventListener('change', function () {
    state.to = fTo.value;
    if (state.from && state.to && state.from > state.to) { state.from = state.to; fFrom.value = state.from; }
    render();
  });
  document.getElementById('f-reset').addEventListener('click', function () {
    state.carrier = ''; state.account = ''; state.from = ''; state.to = '';
    fCarrier.value = ''; fFrom.value = ''; fTo.value = '';
    fillAccounts();
    render();
  });
  fillAccounts();

  // ---- charts --------------------------------------------------------------------------------
  Chart.defaults.font.family = getComputedStyle(document.body).fontFamily;
  Chart.defaults.font.size = 12;
  Chart.defaults.color = '#475569';
  Chart.defaults.animation = false;
  Chart.defaults.maintainAspectRatio = false;
  Chart.defaults.plugins.legend.labels.boxWidth = 12;

  function draw(id, config) {
    if (charts[id]) charts[id].destroy();
    charts[id] = new Chart(document.getElementById(id), config);
  }
  function carrierDataset(carrier, plot, minor, extra) {
    var d = { label: nameOf(carrier), carrier: carrier, data: plot, minor: minor, backgroundColor: colorOf(carrier), borderColor: '#ffffff', borderWidth: 1, borderRadius: 2, maxBarThickness: 90 };
    if (extra) Object.keys(extra).forEach(function (k) { d[k] = extra[k]; });
    return d;
  }
  function carriersIn(rows) {
    var seen = new Set(rows.map(function (r) { return r.carrier; }));
    return DATA.carriers.map(function (c) { return c.id; }).filter(function (id) { return seen.has(id); });
  }
  function note(id, text) { document.getElementById(id).textContent = text; }

  function drawSpend(rows, cur) {
    note('spend-title', 'Spend per carrier per month \u2014 ' + cur);
    var months = rows.length ? monthRange(rows[0].month, rows[rows.length - 1].month) : [];
    var byKey = sumBy(rows, function (r) { return r.carrier + '|' + r.month; }, ['spend_minor', 'invoices']);
    var total = 0;
    var datasets = carriersIn(rows).map(function (c) {
      var minor = months.map(function (m) { var a = byKey.get(c + '|' + m); return a ? a.spend_minor : 0; });
      minor.forEach(function (v) { total += v; });
      return carrierDataset(c, minor.map(function (v) { return plotValue(v, cur); }), minor);
    });
    note('spend-sub', money(total, cur) + ' over ' + months.length + ' month' + (months.length === 1 ? '' : 's') + ', by invoice date; each invoice\u2019s charges including VAT lines');
    draw('chart-spend', {
      type: 'bar',
      data: { labels: months, datasets: datasets },
      options: {
        interaction: { mode: 'index', intersect: false },
        scales: {
          x: { stacked: true, grid: { display: false }, title: { display: true, text: 'Invoice month' } },
          y: { stacked: true, beginAtZero: true, title: { display: true, text: 'Spend (' + cur + ')' }, ticks: { callback: function (v) { return tickLabel(v, cur); } } },
        },
        plugins: {
          legend: { position: 'bottom' },
          tooltip: {
            filter: function (item) { return item.dataset.minor[item.dataIndex] !== 0; },
            callbacks: {
              label: function (ctx) { return ctx.dataset.label + ': ' + money(ctx.dataset.minor[ctx.dataIndex], cur); },
              footer: function (items) {
                var i = items.length ? items[0].dataIndex : 0;
                var t = 0;
                datasets.forEach(function (d) { t += d.minor[i]; });
                return 'Total: ' + money(t, cur);
              },
            },
          },
        },
      },
    });
  }

  function drawShipments(rows, cur) {
    var bins = DATA.shipment_bins[cur];
    note('ship-title', 'Cost per shipment \u2014 ' + cur);
    if (!bins) { note('ship-sub', 'No shipments in ' + cur + '.'); draw('chart-shipments', { type: 'bar', data: { labels: [], datasets: [] } }); return; }
    var n = bins.count + (bins.overflow ? 1 : 0);
    var used = rows.map(function (r) { return r.bin; });
    var lo = used.length ? Math.min.apply(null, used) : 0;
    var hi = used.length ? Math.max.apply(null, used) : -1;
    var whole = Math.pow(10, digits(cur));
    var cut = bins.start_minor % whole === 0 && bins.width_minor % whole === 0;
    function edge(minor) { var s = formatMinor(minor, cur); return cut && s.indexOf('.') >= 0 ? s.slice(0, s.indexOf('.')) : s; }
    var idx = [];
    for (var i = lo; i <= hi && i < n; i++) idx.push(i);
    var labels = idx.map(function (b) {
      var from = bins.start_minor + b * bins.width_minor;
      return b === bins.count ? '\u2265 ' + edge(from) : edge(from) + '\u2013' + edge(from + bins.width_minor);
    });
    var byKey = sumBy(rows, function (r) { return r.carrier + '|' + r.bin; }, ['shipments']);
    var datasets = carriersIn(rows).map(function (c) {
      var counts = idx.map(function (b) { var a = byKey.get(c + '|' + b); return a ? a.shipments : 0; });
      return carrierDataset(c, counts, null, { counts: counts, borderRadius: 0 });
    });
    var count = 0;
    var total = 0;
    rows.forEach(function (r) { count += r.shipments; total += r.total_minor; });
    note('ship-sub', count ? count + ' shipment' + (count === 1 ? '' : 's') + ' \u00b7 average ' + money(divideRounded(total, count), cur) + ' \u00b7 total ' + money(total, cur) + ' \u00b7 bins of ' + money(bins.width_minor, cur) : 'No shipments in this selection.');
    draw('chart-shipments', {
      type: 'bar',
      data: { labels: labels, datasets: datasets },
      options: {
        interaction: { mode: 'index', intersect: false },
        scales: {
          x: { stacked: true, grid: { display: false }, title: { display: true, text: 'Shipment total (' + cur + ')' }, ticks: { maxRotation: 50, minRotation: 0, autoSkip: true } },
          y: { stacked: true, beginAtZero: true, title: { display: true, text: 'Shipments' }, ticks: { precision: 0 } },
        },
        datasets: { bar: { categoryPercentage: 1.0, barPercentage: 0.96 } },
        plugins: {
          legend: { position: 'bottom' },
          tooltip: {
            filter: function (item) { return item.raw !== 0; },
            callbacks: {
              title: function (items) { return items.length ? labels[items[0].dataIndex] + ' ' + cur : ''; },
              label: function (ctx) { return ctx.dataset.label + ': ' + ctx.raw + ' shipment' + (ctx.raw === 1 ? '' : 's'); },
            },
          },
        },
      },
    });
  }

  function drawSurcharges(rows, cur) {
    note('sur-title', 'Top surcharges by charge code \u2014 ' + cur);
    var byCode = sumBy(rows, function (r) { return r.code; }, ['amount_minor', 'lines']);
    var codes = Array.from(byCode.keys()).sort(function (a, b) {
      return byCode.get(b).amount_minor - byCode.get(a).amount_minor || (a < b ? -1 : 1);
    });
    var all = codes.length;
    codes = codes.slice(0, TOP_CODES);
    var byKey = sumBy(rows, function (r) { return r.carrier + '|' + r.code; }, ['amount_minor', 'lines']);
    var datasets = carriersIn(rows).map(function (c) {
      var minor = codes.map(function (code) { var a = byKey.get(c + '|' + code); return a ? a.amount_minor : 0; });
      var lines = codes.map(function (code) { var a = byKey.get(c + '|' + code); return a ? a.lines : 0; });
      return carrierDataset(c, minor.map(function (v) { return plotValue(v, cur); }), minor, { lines: lines });
    });
    note('sur-sub', (all > TOP_CODES ? 'The ' + TOP_CODES + ' largest of ' + all + ' codes' : all + ' charge code' + (all === 1 ? '' : 's')) + ' by amount; everything except ' + DATA.not_surcharges.join(', ') + '. Credits are negative.');
    draw('chart-surcharges', {
      type: 'bar',
      data: { labels: codes, datasets: datasets },
      options: {
        indexAxis: 'y',
        interaction: { mode: 'index', intersect: false, axis: 'y' },
        scales: {
          x: { stacked: true, title: { display: true, text: 'Amount (' + cur + ')' }, ticks: { callback: function (v) { return tickLabel(v, cur); } } },
          y: { stacked: true, grid: { display: false }, title: { display: true, text: 'Canonical charge code' } },
        },
        plugins: {
          legend: { position: 'bottom' },
          tooltip: {
            filter: function (item) { return item.dataset.lines[item.dataIndex] !== 0; },
            callbacks: {
              label: function (ctx) {
                var l = ctx.dataset.lines[ctx.dataIndex];
                return ctx.dataset.label + ': ' + money(ctx.dataset.minor[ctx.dataIndex], cur) + ' (' + l + ' line' + (l === 1 ? '' : 's') + ')';
              },
            },
          },
        },
      },
    });
  }

  // ---- tables --------------------------------------------------------------------------------
  function fillTable(id, columns, rows, empty) {
    var table = document.getElementById(id);
    table.textContent = '';
    var head = el('thead');
    var tr = el('tr');
    columns.forEach(function (c) { tr.appendChild(el('th', c.num ? { class: 'num' } : null, c.label)); });
    head.appendChild(tr);
    table.appendChild(head);
    var body = el('tbody');
    if (rows.length === 0) {
      var row = el('tr', { class: 'empty' });
      row.appendChild(el('td', { colspan: String(columns.length) }, empty));
      body.appendChild(row);
    }
    rows.slice(0, MAX_ROWS).forEach(function (r) {
      var row = el('tr');
      columns.forEach(function (c) {
        var cell = el('td', c.num ? { class: 'num' } : null);
        var v = c.value(r);
        if (v instanceof Node) cell.appendChild(v); else cell.textContent = v === null || v === undefined ? '' : String(v);
        if (c.cls) { var cls = c.cls(r); if (cls) cell.classList.add(cls); }
        row.appendChild(cell);
      });
      body.appendChild(row);
    });
    table.appendChild(body);
    var more = document.getElementById(id + '-more');
    if (more) more.textContent = rows.length > MAX_ROWS ? (rows.length - MAX_ROWS) + ' more rows not shown: narrow the filters.' : '';
  }
  function badge(text, kind) { return el('span', { class: 'badge ' + kind }, text); }
  function carrierCell(id) {
    var s = el('span', { class: 'carrier' });
    var dot = el('i', { class: 'dot' });
    dot.style.background = colorOf(id);
    s.appendChild(dot);
    s.appendChild(document.createTextNode(nameOf(id)));
    return s;
  }

  // ---- render --------------------------------------------------------------------------------
  function render() {
    var spend = DATA.spend.filter(inScope);
    var surcharges = DATA.surcharges.filter(inScope);
    var shipments = DATA.shipments.filter(inScope);
    var unmappedRows = DATA.unmapped.filter(inScope);
    var unreconciled = DATA.unreconciled.filter(inScope);
    var files = DATA.files.filter(fileInScope);

    // currencies in the selection: the one billed by the most carriers first (the best overview),
    // then by invoices
    var perCur = sumBy(spend, function (r) { return r.currency; }, ['spend_minor', 'invoices', 'shipments']);
    var carriersPer = new Map();
    spend.forEach(function (r) { carriersPer.set(r.currency, (carriersPer.get(r.currency) || new Set()).add(r.carrier)); });
    var curs = Array.from(perCur.keys()).sort(function (a, b) {
      return carriersPer.get(b).size - carriersPer.get(a).size || perCur.get(b).invoices - perCur.get(a).invoices || (a < b ? -1 : 1);
    });
    if (curs.indexOf(state.currency) < 0) state.currency = curs.length ? curs[0] : '';
    var cur = state.currency;

    var invoices = 0; var shipCount = 0;
    spend.forEach(function (r) { invoices += r.invoices; shipCount += r.shipments; });
    var unmappedLines = 0;
    unmappedRows.forEach(function (r) { unmappedLines += r.lines; });
    var badFiles = files.filter(function (f) { return f.errors > 0; }).length;
    note('k-invoices', invoices.toLocaleString('en-US'));
    note('k-shipments', shipCount.toLocaleString('en-US'));
    note('k-unreconciled', unreconciled.length.toLocaleString('en-US'));
    note('k-unmapped', unmappedLines.toLocaleString('en-US'));
    note('k-files', badFiles.toLocaleString('en-US'));
    document.getElementById('kc-unreconciled').classList.toggle('alert', unreconciled.length > 0);
    document.getElementById('kc-unmapped').classList.toggle('warn', unmappedLines > 0);
    document.getElementById('kc-files').classList.toggle('alert', badFiles > 0);

    var cards = document.getElementById('currency-cards');
    cards.textContent = '';
    curs.forEach(function (c) {
      var a = perCur.get(c);
      var b = el('button', { type: 'button', class: 'cur' + (c === cur ? ' active' : ''), 'data-currency': c, 'aria-pressed': c === cur ? 'true' : 'false' });
      b.appendChild(el('span', { class: 'cur-code' }, c));
      b.appendChild(el('span', { class: 'cur-amount', 'data-minor': String(a.spend_minor) }, formatMinor(a.spend_minor, c)));
      b.appendChild(el('span', { class: 'cur-meta' }, a.invoices + ' invoice' + (a.invoices === 1 ? '' : 's')));
      b.appendChild(el('span', { class: 'cur-meta' }, a.shipments + ' shipment' + (a.shipments === 1 ? '' : 's')));
      b.addEventListener('click', function () { state.currency = c; render(); });
      cards.appendChild(b);
    });
    if (curs.length === 0) cards.appendChild(el('p', { class: 'muted none' }, 'No invoices in this selection.'));

    var mine = function (r) { return r.currency === cur; };
    if (cur) {
      drawSpend(spend.filter(mine), cur);
      drawShipments(shipments.filter(mine), cur);
      drawSurcharges(surcharges.filter(mine), cur);
    } else {
      [['spend', 'chart-spend', 'Spend per carrier per month'], ['ship', 'chart-shipments', 'Cost per shipment'], ['sur', 'chart-surcharges', 'Top surcharges by charge code']].forEach(function (c) {
        note(c[0] + '-title', c[2]);
        note(c[0] + '-sub', 'No invoices in this selection.');
        draw(c[1], { type: 'bar', data: { labels: [], datasets: [] }, options: { scales: { x: { display: false }, y: { display: false } }, plugins: { legend: { display: false } } } });
      });
    }

    fillTable('t-unreconciled', [
      { label: 'Carrier', value: function (r) { return carrierCell(r.carrier); } },
      { label: 'Account', value: function (r) { return r.account; } },
      { label: 'Invoice', value: function (r) { return r.invoice; } },
      { label: 'Date', value: function (r) { return r.invoice_date; } },
      { label: 'Stated total', num: true, value: function (r) { return money(r.stated_minor, r.currency); } },
      { label: 'Sum of charges', num: true, value: function (r) { return money(r.net_minor, r.currency); } },
      { label: 'Difference', num: true, value: function (r) { return (r.difference_minor > 0 ? '+' : '') + money(r.difference_minor, r.currency); }, cls: function () { return 'bad'; } },
      { label: 'File', value: function (r) { return r.file; } },
    ], unreconciled, 'Every invoice in this selection adds up to its stated total.');

    var um = Array.from(sumBy(unmappedRows, function (r) { return JSON.stringify([r.carrier, r.description, r.currency]); }, ['lines', 'amount_minor']).values()).map(function (a) {
      var ex = unmappedRows.filter(function (r) { return r.carrier === a.row.carrier && r.description === a.row.description && r.currency === a.row.currency; })
        .sort(function (x, y) { return x.example_file < y.example_file ? -1 : x.example_file > y.example_file ? 1 : x.example_row - y.example_row; })[0];
      return { carrier: a.row.carrier, description: a.row.description, currency: a.row.currency, lines: a.lines, amount_minor: a.amount_minor, file: ex.example_file, row: ex.example_row, fix: ex.fix_command || '', suggestion: ex.suggestion || null };
    }).sort(function (a, b) { return b.lines - a.lines || (a.carrier < b.carrier ? -1 : a.carrier > b.carrier ? 1 : a.description < b.description ? -1 : 1); });
    fillTable('t-unmapped', [
      { label: 'Carrier', value: function (r) { return carrierCell(r.carrier); } },
      { label: 'Charge description', value: function (r) { return r.description; }, cls: function () { return 'mono'; } },
      { label: 'Lines', num: true, value: function (r) { return r.lines; } },
      { label: 'Amount', num: true, value: function (r) { return money(r.amount_minor, r.currency); } },
      { label: 'Example file', value: function (r) { return r.file; } },
      { label: 'Row', num: true, value: function (r) { return r.row; } },
      { label: 'Suggested code', value: function (r) { return r.suggestion ? r.suggestion.code : ''; }, cls: function () { return 'mono'; } },
      { label: 'Fix', value: function (r) { return r.fix ? el('code', { class: 'fix', title: r.suggestion ? 'suggestion: ' + r.suggestion.reason : 'fill in a canonical code' }, r.fix) : ''; } },
    ], um, 'Every charge description in this selection has a canonical code.');

    var ov = (DATA.overrides || []).filter(function (r) { return !state.carrier || r.carrier === state.carrier; });
    fillTable('t-overrides', [
      { label: 'Carrier', value: function (r) { return carrierCell(r.carrier); } },
      { label: 'Matches', value: function (r) { return r.match === 'code' ? 'carrier code' : 'label prefix'; } },
      { label: 'Pattern', value: function (r) { return r.pattern; }, cls: function () { return 'mono'; } },
      { label: 'Code', value: function (r) { return r.charge_code; }, cls: function () { return 'mono'; } },
      { label: 'Lines', num: true, value: function (r) { return r.lines; } },
      { label: 'Set by', value: function (r) { return r.source === 'config' ? 'config file' : (r.created_by || '') + (r.created_at ? ', ' + String(r.created_at).slice(0, 10) : ''); } },
    ], ov, 'No charge-map overrides: every code comes from the built-in charge maps.');

    fillTable('t-files', [
      { label: 'File', value: function (r) { return r.file; } },
      { label: 'Carrier', value: function (r) { return carrierCell(r.carrier); } },
      { label: 'Status', value: function (r) { return badge(r.status, r.status); } },
      { label: 'Errors', num: true, value: function (r) { return r.errors; }, cls: function (r) { return r.errors ? 'bad' : 'zero'; } },
      { label: 'Warnings', num: true, value: function (r) { return r.warnings; }, cls: function (r) { return r.warnings ? 'warnc' : 'zero'; } },
      { label: 'Notes', num: true, value: function (r) { return r.infos; }, cls: function (r) { return r.infos ? '' : 'zero'; } },
      { label: 'First message', value: function (r) { return r.first_message; }, cls: function () { return 'msg'; } },
    ], files, 'No data-quality issues in this selection.');

    var parts = [];
    if (state.carrier) parts.push(nameOf(state.carrier));
    if (state.account) parts.push('account ' + state.account.split('\u0001')[1]);
    if (state.from || state.to) parts.push((state.from || DATA.months[0] || '') + ' to ' + (state.to || DATA.months[DATA.months.length - 1] || ''));
    note('scope', parts.length ? 'Showing ' + parts.join(', ') : 'Showing everything');
    document.body.setAttribute('data-rendered', String(Number(document.body.getAttribute('data-rendered') || '0') + 1));
  }

  render();
})();
`;
