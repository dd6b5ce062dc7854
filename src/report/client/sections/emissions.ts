/**
 * Emissions (issue 14): estimated kg CO2e per carrier and mode in the page's filters (whole
 * grams added as BigInt), the reasons shipments have no estimate, and the emission factors with
 * their source, verification and use. Method and limits: docs/emissions.md.
 */
import { formatMinorDigits, groupThousands } from '../../../model/minor-units.js';
import { byId, carrierCell, DATA, fillTable, inScope } from '../page.js';

interface EmissionsTotal {
  readonly carrier: string;
  readonly mode: string;
  shipments: number;
  estimated: number;
  grams: bigint;
  tonneKm: number;
}

function kgText(grams: bigint): string {
  return groupThousands(formatMinorDigits(grams, 3));
}

export function renderEmissions(): void {
  const E = DATA.emissions;
  const byKey = new Map<string, EmissionsTotal>();
  const all: EmissionsTotal = { carrier: '', mode: '', shipments: 0, estimated: 0, grams: 0n, tonneKm: 0 };
  for (const r of E.rows.filter(inScope)) {
    const key = `${r.carrier}|${r.mode}`;
    const a = byKey.get(key) ?? { carrier: r.carrier, mode: r.mode, shipments: 0, estimated: 0, grams: 0n, tonneKm: 0 };
    for (const t of [a, all]) {
      t.shipments += r.shipments;
      t.estimated += r.estimated;
      t.grams += BigInt(r.grams);
      t.tonneKm += r.tonne_km;
    }
    byKey.set(key, a);
  }
  const rows = [...byKey.values()];
  if (rows.length > 0) rows.push(all);
  fillTable<EmissionsTotal>(
    't-emissions',
    [
      { label: 'Carrier', value: (r) => (r === all ? 'Total' : carrierCell(r.carrier)) },
      { label: 'Mode', value: (r) => r.mode },
      { label: 'Shipments', num: true, value: (r) => r.shipments },
      { label: 'Estimated', num: true, value: (r) => r.estimated },
      { label: 'Not computed', num: true, value: (r) => r.shipments - r.estimated },
      { label: 'Tonne-km', num: true, value: (r) => r.tonneKm.toFixed(1) },
      { label: 'kg CO2e', num: true, value: (r) => kgText(r.grams) },
    ],
    rows,
    'No shipments in this selection.',
  );
  const table = byId('t-emissions');
  const last = table.querySelector('tbody tr:last-child');
  if (last !== null && rows.length > 0) {
    last.setAttribute('id', 'emissions-total');
    last.setAttribute('data-grams', all.grams.toString());
    last.classList.add('total');
  }

  const reasons = new Map<string, number>();
  for (const r of E.reasons.filter(inScope)) reasons.set(r.reason, (reasons.get(r.reason) ?? 0) + r.shipments);
  fillTable<[string, number]>(
    't-emissions-reasons',
    [
      { label: 'Why not computed', value: (r) => r[0], cls: () => 'msg' },
      { label: 'Shipments', num: true, value: (r) => r[1] },
    ],
    [...reasons.entries()].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)),
    'Every shipment in this selection has an estimate.',
  );

  fillTable(
    't-emissions-factors',
    [
      { label: 'Class', value: (f) => f.vehicle_class },
      { label: 'Version', value: (f) => f.version },
      { label: 'kg CO2e / t\u00b7km', num: true, value: (f) => f.kg_co2e_per_tkm },
      { label: 'Basis', value: (f) => f.basis },
      { label: 'Estimates', num: true, value: (f) => f.shipments },
      { label: 'Source', value: (f) => f.source, cls: () => 'msg' },
      { label: 'Verified', value: (f) => f.verified, cls: (f) => (f.verified.startsWith('NOT') ? 'warnc' : 'msg') },
    ],
    E.factors,
    'No emission factors: import some with etl emissions factors import.',
  );
}
