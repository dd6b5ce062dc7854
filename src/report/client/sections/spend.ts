/** Spend per carrier per month, in one currency (the `spend` rows: invoice totals). */
import { carrierDataset, carriersIn, DATA, draw, drawEmpty, inScope, money, monthRange, note, plotValue, sumBy, tickLabel, datasetOf } from '../page.js';

export function renderSpend(cur: string): void {
  if (!cur) {
    note('spend-title', 'Spend per carrier per month');
    note('spend-sub', 'No invoices in this selection.');
    drawEmpty('chart-spend');
    return;
  }
  const rows = DATA.spend.filter(inScope).filter((r) => r.currency === cur);
  note('spend-title', `Spend per carrier per month \u2014 ${cur}`);
  const first = rows[0];
  const last = rows[rows.length - 1];
  const months = first && last ? monthRange(first.month, last.month) : [];
  const byKey = sumBy(rows, (r) => `${r.carrier}|${r.month}`, ['spend_minor', 'invoices']);
  let total = 0;
  const datasets = carriersIn(rows).map((c) => {
    const minor = months.map((m) => byKey.get(`${c}|${m}`)?.spend_minor ?? 0);
    for (const v of minor) total += v;
    return carrierDataset(c, minor.map((v) => plotValue(v, cur)), minor);
  });
  note('spend-sub', `${money(total, cur)} over ${months.length} month${months.length === 1 ? '' : 's'}, by invoice date; each invoice\u2019s charges including VAT lines`);
  draw('chart-spend', {
    type: 'bar',
    data: { labels: months, datasets },
    options: {
      interaction: { mode: 'index', intersect: false },
      scales: {
        x: { stacked: true, grid: { display: false }, title: { display: true, text: 'Invoice month' } },
        y: { stacked: true, beginAtZero: true, title: { display: true, text: `Spend (${cur})` }, ticks: { callback: (v) => tickLabel(v, cur) } },
      },
      plugins: {
        legend: { position: 'bottom' },
        tooltip: {
          filter: (item) => datasetOf(item.dataset).minor?.[item.dataIndex] !== 0,
          callbacks: {
            label: (ctx) => `${ctx.dataset.label ?? ''}: ${money(datasetOf(ctx.dataset).minor?.[ctx.dataIndex] ?? 0, cur)}`,
            footer: (items) => {
              const i = items[0]?.dataIndex ?? 0;
              let t = 0;
              for (const d of datasets) t += d.minor?.[i] ?? 0;
              return `Total: ${money(t, cur)}`;
            },
          },
        },
      },
    },
  });
}
