/** The largest surcharges by canonical charge code, in one currency. */
import { carrierDataset, carriersIn, DATA, datasetOf, draw, drawEmpty, inScope, money, note, plotValue, plural, sumBy, tickLabel } from '../page.js';

const TOP_CODES = 12;

export function renderSurcharges(cur: string): void {
  if (!cur) {
    note('sur-title', 'Top surcharges by charge code');
    note('sur-sub', 'No invoices in this selection.');
    drawEmpty('chart-surcharges');
    return;
  }
  const rows = DATA.surcharges.filter(inScope).filter((r) => r.currency === cur);
  note('sur-title', `Top surcharges by charge code \u2014 ${cur}`);
  const byCode = sumBy(rows, (r) => r.code, ['amount_minor', 'lines']);
  const amountOf = (code: string) => byCode.get(code)?.amount_minor ?? 0;
  const all = [...byCode.keys()].sort((a, b) => amountOf(b) - amountOf(a) || (a < b ? -1 : 1));
  const codes = all.slice(0, TOP_CODES);
  const byKey = sumBy(rows, (r) => `${r.carrier}|${r.code}`, ['amount_minor', 'lines']);
  const datasets = carriersIn(rows).map((c) => {
    const minor = codes.map((code) => byKey.get(`${c}|${code}`)?.amount_minor ?? 0);
    const lines = codes.map((code) => byKey.get(`${c}|${code}`)?.lines ?? 0);
    return carrierDataset(c, minor.map((v) => plotValue(v, cur)), minor, { lines });
  });
  note('sur-sub', `${all.length > TOP_CODES ? `The ${TOP_CODES} largest of ${all.length} codes` : plural(all.length, 'charge code')} by amount; everything except ${DATA.not_surcharges.join(', ')}. Credits are negative.`);
  draw('chart-surcharges', {
    type: 'bar',
    data: { labels: codes, datasets },
    options: {
      indexAxis: 'y',
      interaction: { mode: 'index', intersect: false, axis: 'y' },
      scales: {
        x: { stacked: true, title: { display: true, text: `Amount (${cur})` }, ticks: { callback: (v) => tickLabel(v, cur) } },
        y: { stacked: true, grid: { display: false }, title: { display: true, text: 'Canonical charge code' } },
      },
      plugins: {
        legend: { position: 'bottom' },
        tooltip: {
          filter: (item) => datasetOf(item.dataset).lines?.[item.dataIndex] !== 0,
          callbacks: {
            label: (ctx) => {
              const d = datasetOf(ctx.dataset);
              return `${d.label ?? ''}: ${money(d.minor?.[ctx.dataIndex] ?? 0, cur)} (${plural(d.lines?.[ctx.dataIndex] ?? 0, 'line')})`;
            },
          },
        },
      },
    },
  });
}
