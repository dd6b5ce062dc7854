/**
 * Audit: money at stake by rule in the chart's currency (a bar per rule, stacked by carrier),
 * and the largest findings with their evidence (file and row of each charge line), filtered by
 * the page's filters and by rule.
 */
import { byId, carrierCell, carrierDataset, carriersIn, DATA, datasetOf, draw, drawEmpty, el, fillTable, inScope, money, note, plotValue, plural, sumBy, tickLabel } from '../page.js';

let auditRule = '';

/** The rule filter; a change calls `rerender`. */
export function setupAudit(rerender: () => void): void {
  const select = byId<HTMLSelectElement>('f-audit-rule');
  select.appendChild(el('option', { value: '' }, 'All rules'));
  for (const rule of [...new Set(DATA.audit_rules.map((r) => r.rule))].sort()) select.appendChild(el('option', { value: rule }, rule.replace(/_/g, ' ')));
  select.addEventListener('change', () => {
    auditRule = select.value;
    rerender();
  });
}

export function renderAudit(cur: string): void {
  const inRule = (r: { readonly rule: string }) => !auditRule || r.rule === auditRule;
  const rows = DATA.audit_rules.filter(inScope).filter(inRule);
  const findings = DATA.audit_findings.filter(inScope).filter(inRule);
  const all = rows.reduce((s, r) => s + r.findings, 0);
  const mine = rows.filter((r) => r.currency === cur);
  if (!cur || mine.length === 0) {
    note('audit-sub', all ? `${plural(all, 'finding')}, none in ${cur || 'this selection'}.` : 'No audit findings in this selection.');
    drawEmpty('chart-audit');
  } else {
    const byRule = sumBy(mine, (r) => r.rule, ['amount_minor', 'findings']);
    const rules = [...byRule.keys()].sort((a, b) => (byRule.get(b)?.amount_minor ?? 0) - (byRule.get(a)?.amount_minor ?? 0) || (a < b ? -1 : 1));
    const byKey = sumBy(mine, (r) => `${r.carrier}|${r.rule}`, ['amount_minor', 'findings']);
    const datasets = carriersIn(mine).map((c) => {
      const minor = rules.map((rule) => byKey.get(`${c}|${rule}`)?.amount_minor ?? 0);
      const lines = rules.map((rule) => byKey.get(`${c}|${rule}`)?.findings ?? 0);
      return carrierDataset(c, minor.map((v) => plotValue(v, cur)), minor, { lines });
    });
    const total = mine.reduce((s, r) => s + r.amount_minor, 0);
    note('audit-sub', `${money(total, cur)} at stake in ${plural(mine.reduce((s, r) => s + r.findings, 0), 'finding')} in ${cur}${all > 0 ? ` (${all} in all currencies)` : ''}. Signals (weight and address corrections) are what the carrier charged for them, to check; heuristics are marked.`);
    draw('chart-audit', {
      type: 'bar',
      data: { labels: rules.map((r) => r.replace(/_/g, ' ')), datasets },
      options: {
        indexAxis: 'y',
        interaction: { mode: 'index', intersect: false, axis: 'y' },
        scales: {
          x: { stacked: true, beginAtZero: true, title: { display: true, text: `At stake (${cur})` }, ticks: { callback: (v) => tickLabel(v, cur) } },
          y: { stacked: true, grid: { display: false }, title: { display: true, text: 'Rule' } },
        },
        plugins: {
          legend: { position: 'bottom' },
          tooltip: {
            filter: (item) => datasetOf(item.dataset).lines?.[item.dataIndex] !== 0,
            callbacks: {
              label: (ctx) => {
                const d = datasetOf(ctx.dataset);
                return `${d.label ?? ''}: ${money(d.minor?.[ctx.dataIndex] ?? 0, cur)} (${plural(d.lines?.[ctx.dataIndex] ?? 0, 'finding')})`;
              },
            },
          },
        },
      },
    });
  }
  fillTable(
    't-audit',
    [
      { label: 'Rule', value: (r) => r.rule.replace(/_/g, ' ') + (r.heuristic ? ' (heuristic)' : ''), cls: (r) => (r.severity === 'high' ? 'bad' : r.severity === 'medium' ? 'warnc' : '') },
      { label: 'Carrier', value: (r) => carrierCell(r.carrier) },
      { label: 'Account', value: (r) => r.account },
      { label: 'Invoice', value: (r) => r.invoice },
      { label: 'Tracking', value: (r) => r.tracking ?? '', cls: () => 'mono' },
      { label: 'At stake', num: true, value: (r) => money(r.amount_minor, r.currency) },
      { label: 'Why', value: (r) => r.explanation, cls: () => 'msg' },
      { label: 'Evidence', value: (r) => r.evidence.join('; '), cls: () => 'msg' },
    ],
    findings,
    'No audit findings in this selection.',
  );
}
