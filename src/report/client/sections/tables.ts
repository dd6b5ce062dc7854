/** The tables: unreconciled invoices, unmapped charge descriptions, overrides in use, data-quality issues by file. */
import { badge, carrierCell, DATA, el, fileInScope, fillTable, inScope, money, state, sumBy } from '../page.js';

export function renderUnreconciled(): void {
  fillTable(
    't-unreconciled',
    [
      { label: 'Carrier', value: (r) => carrierCell(r.carrier) },
      { label: 'Account', value: (r) => r.account },
      { label: 'Invoice', value: (r) => r.invoice },
      { label: 'Date', value: (r) => r.invoice_date },
      { label: 'Stated total', num: true, value: (r) => money(r.stated_minor, r.currency) },
      { label: 'Sum of charges', num: true, value: (r) => money(r.net_minor, r.currency) },
      { label: 'Difference', num: true, value: (r) => (r.difference_minor > 0 ? '+' : '') + money(r.difference_minor, r.currency), cls: () => 'bad' },
      { label: 'File', value: (r) => r.file },
    ],
    DATA.unreconciled.filter(inScope),
    'Every invoice in this selection adds up to its stated total.',
  );
}

/** One row per carrier, description and currency over the selection; the example is its first file and line. */
export function renderUnmapped(): void {
  const rows = DATA.unmapped.filter(inScope);
  const groups = [...sumBy(rows, (r) => JSON.stringify([r.carrier, r.description, r.currency]), ['lines', 'amount_minor']).values()].map((a) => {
    const ex = rows
      .filter((r) => r.carrier === a.row.carrier && r.description === a.row.description && r.currency === a.row.currency)
      .sort((x, y) => (x.example_file < y.example_file ? -1 : x.example_file > y.example_file ? 1 : x.example_row - y.example_row))[0] ?? a.row;
    return { carrier: a.row.carrier, description: a.row.description, currency: a.row.currency, lines: a.lines, amount_minor: a.amount_minor, file: ex.example_file, row: ex.example_row, fix: ex.fix_command || '', suggestion: ex.suggestion };
  });
  groups.sort((a, b) => b.lines - a.lines || (a.carrier < b.carrier ? -1 : a.carrier > b.carrier ? 1 : a.description < b.description ? -1 : 1));
  fillTable(
    't-unmapped',
    [
      { label: 'Carrier', value: (r) => carrierCell(r.carrier) },
      { label: 'Charge description', value: (r) => r.description, cls: () => 'mono' },
      { label: 'Lines', num: true, value: (r) => r.lines },
      { label: 'Amount', num: true, value: (r) => money(r.amount_minor, r.currency) },
      { label: 'Example file', value: (r) => r.file },
      { label: 'Row', num: true, value: (r) => r.row },
      { label: 'Suggested code', value: (r) => (r.suggestion ? r.suggestion.code : ''), cls: () => 'mono' },
      { label: 'Fix', value: (r) => (r.fix ? el('code', { class: 'fix', title: r.suggestion ? `suggestion: ${r.suggestion.reason}` : 'fill in a canonical code' }, r.fix) : '') },
    ],
    groups,
    'Every charge description in this selection has a canonical code.',
  );
}

export function renderOverrides(): void {
  fillTable(
    't-overrides',
    [
      { label: 'Carrier', value: (r) => carrierCell(r.carrier) },
      { label: 'Matches', value: (r) => (r.match === 'code' ? 'carrier code' : 'label prefix') },
      { label: 'Pattern', value: (r) => r.pattern, cls: () => 'mono' },
      { label: 'Code', value: (r) => r.charge_code, cls: () => 'mono' },
      { label: 'Lines', num: true, value: (r) => r.lines },
      { label: 'Set by', value: (r) => (r.source === 'config' ? 'config file' : (r.created_by ?? '') + (r.created_at ? `, ${String(r.created_at).slice(0, 10)}` : '')) },
    ],
    DATA.overrides.filter((r) => !state.carrier || r.carrier === state.carrier),
    'No charge-map overrides: every code comes from the built-in charge maps.',
  );
}

export function renderFiles(): void {
  fillTable(
    't-files',
    [
      { label: 'File', value: (r) => r.file },
      { label: 'Carrier', value: (r) => carrierCell(r.carrier) },
      { label: 'Status', value: (r) => badge(r.status, r.status) },
      { label: 'Errors', num: true, value: (r) => r.errors, cls: (r) => (r.errors ? 'bad' : 'zero') },
      { label: 'Warnings', num: true, value: (r) => r.warnings, cls: (r) => (r.warnings ? 'warnc' : 'zero') },
      { label: 'Notes', num: true, value: (r) => r.infos, cls: (r) => (r.infos ? '' : 'zero') },
      { label: 'First message', value: (r) => r.first_message, cls: () => 'msg' },
    ],
    DATA.files.filter(fileInScope),
    'No data-quality issues in this selection.',
  );
}
