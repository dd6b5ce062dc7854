/** The filter bar: carrier, account, month range, reset. Every change calls `render`. */
import { accountKey, byId, DATA, el, nameOf, note, state } from './page.js';

function option(select: HTMLSelectElement, value: string, label: string): void {
  select.appendChild(el('option', { value }, label));
}

export function setupFilters(render: () => void): void {
  const fCarrier = byId<HTMLSelectElement>('f-carrier');
  const fAccount = byId<HTMLSelectElement>('f-account');
  const fFrom = byId<HTMLSelectElement>('f-from');
  const fTo = byId<HTMLSelectElement>('f-to');
  option(fCarrier, '', 'All carriers');
  for (const c of DATA.carriers) option(fCarrier, c.id, c.name);
  option(fFrom, '', 'First month');
  option(fTo, '', 'Last month');
  for (const m of DATA.months) {
    option(fFrom, m, m);
    option(fTo, m, m);
  }
  const fillAccounts = (): void => {
    fAccount.textContent = '';
    option(fAccount, '', 'All accounts');
    for (const a of DATA.accounts) {
      if (state.carrier && a.carrier !== state.carrier) continue;
      option(fAccount, accountKey(a.carrier, a.account), (state.carrier ? '' : `${nameOf(a.carrier)} \u00b7 `) + a.account);
    }
    fAccount.value = state.account;
  };
  fCarrier.addEventListener('change', () => {
    state.carrier = fCarrier.value;
    if (state.account && state.carrier && state.account.split('\u0001')[0] !== state.carrier) state.account = '';
    fillAccounts();
    render();
  });
  fAccount.addEventListener('change', () => {
    state.account = fAccount.value;
    if (state.account) {
      state.carrier = state.account.split('\u0001')[0] ?? '';
      fCarrier.value = state.carrier;
      fillAccounts();
    }
    render();
  });
  fFrom.addEventListener('change', () => {
    state.from = fFrom.value;
    if (state.from && state.to && state.to < state.from) {
      state.to = state.from;
      fTo.value = state.to;
    }
    render();
  });
  fTo.addEventListener('change', () => {
    state.to = fTo.value;
    if (state.from && state.to && state.from > state.to) {
      state.from = state.to;
      fFrom.value = state.from;
    }
    render();
  });
  byId('f-reset').addEventListener('click', () => {
    state.carrier = '';
    state.account = '';
    state.from = '';
    state.to = '';
    fCarrier.value = '';
    fFrom.value = '';
    fTo.value = '';
    fillAccounts();
    render();
  });
  fillAccounts();
}

/** The "Showing …" line of the filter bar. */
export function showScope(): void {
  const parts: string[] = [];
  if (state.carrier) parts.push(nameOf(state.carrier));
  if (state.account) parts.push(`account ${state.account.split('\u0001')[1] ?? ''}`);
  if (state.from || state.to) parts.push(`${state.from || DATA.months[0] || ''} to ${state.to || DATA.months[DATA.months.length - 1] || ''}`);
  note('scope', parts.length ? `Showing ${parts.join(', ')}` : 'Showing everything');
}
