/** Histogram of shipment totals in one currency (bins chosen by the server, data.ts shipmentBins). */
import { divideRounded } from '../../../model/minor-units.js';
import { carrierDataset, carriersIn, DATA, digits, draw, drawEmpty, formatAmount, inScope, money, note, plural, sumBy } from '../page.js';

export function renderShipments(cur: string): void {
  const bins = cur ? DATA.shipment_bins[cur] : undefined;
  if (!cur || !bins) {
    note('ship-title', cur ? `Cost per shipment \u2014 ${cur}` : 'Cost per shipment');
    note('ship-sub', cur ? `No shipments in ${cur}.` : 'No invoices in this selection.');
    if (cur) draw('chart-shipments', { type: 'bar', data: { labels: [], datasets: [] } });
    else drawEmpty('chart-shipments');
    return;
  }
  const rows = DATA.shipments.filter(inScope).filter((r) => r.currency === cur);
  note('ship-title', `Cost per shipment \u2014 ${cur}`);
  const n = bins.count + (bins.overflow ? 1 : 0);
  const used = rows.map((r) => r.bin);
  const lo = used.length ? Math.min(...used) : 0;
  const hi = used.length ? Math.max(...used) : -1;
  const whole = 10 ** digits(cur);
  const cut = bins.start_minor % whole === 0 && bins.width_minor % whole === 0;
  const edge = (minor: number): string => {
    const s = formatAmount(minor, cur);
    return cut && s.includes('.') ? s.slice(0, s.indexOf('.')) : s;
  };
  const idx: number[] = [];
  for (let i = lo; i <= hi && i < n; i++) idx.push(i);
  const labels = idx.map((b) => {
    const from = bins.start_minor + b * bins.width_minor;
    return b === bins.count ? `\u2265 ${edge(from)}` : `${edge(from)}\u2013${edge(from + bins.width_minor)}`;
  });
  const byKey = sumBy(rows, (r) => `${r.carrier}|${r.bin}`, ['shipments']);
  const datasets = carriersIn(rows).map((c) => {
    const counts = idx.map((b) => byKey.get(`${c}|${b}`)?.shipments ?? 0);
    return carrierDataset(c, counts, null, { counts, borderRadius: 0 });
  });
  let count = 0;
  let total = 0;
  for (const r of rows) {
    count += r.shipments;
    total += r.total_minor;
  }
  note('ship-sub', count ? `${plural(count, 'shipment')} \u00b7 average ${money(divideRounded(total, count), cur)} \u00b7 total ${money(total, cur)} \u00b7 bins of ${money(bins.width_minor, cur)}` : 'No shipments in this selection.');
  draw('chart-shipments', {
    type: 'bar',
    data: { labels, datasets },
    options: {
      interaction: { mode: 'index', intersect: false },
      scales: {
        x: { stacked: true, grid: { display: false }, title: { display: true, text: `Shipment total (${cur})` }, ticks: { maxRotation: 50, minRotation: 0, autoSkip: true } },
        y: { stacked: true, beginAtZero: true, title: { display: true, text: 'Shipments' }, ticks: { precision: 0 } },
      },
      datasets: { bar: { categoryPercentage: 1.0, barPercentage: 0.96 } },
      plugins: {
        legend: { position: 'bottom' },
        tooltip: {
          filter: (item) => item.raw !== 0,
          callbacks: {
            title: (items) => (items[0] ? `${labels[items[0].dataIndex] ?? ''} ${cur}` : ''),
            label: (ctx) => `${ctx.dataset.label ?? ''}: ${plural(Number(ctx.raw), 'shipment')}`,
          },
        },
      },
    },
  });
}
