/**
 * The page's entry: sets up the charts and filters, then draws every section; a filter change
 * draws them all again. A section is one module under sections/ (its data comes from one
 * function of src/report/data.ts and its card from src/report/html.ts).
 */
import { setupFilters, showScope } from './filters.js';
import { setupCharts } from './page.js';
import { renderAudit, setupAudit } from './sections/audit.js';
import { renderEmissions } from './sections/emissions.js';
import { renderOverview } from './sections/overview.js';
import { renderReporting } from './sections/reporting.js';
import { renderShipments } from './sections/shipments.js';
import { renderSpend } from './sections/spend.js';
import { renderSurcharges } from './sections/surcharges.js';
import { renderFiles, renderOverrides, renderUnmapped, renderUnreconciled } from './sections/tables.js';

function render(): void {
  const cur = renderOverview(render);
  renderReporting();
  renderSpend(cur);
  renderShipments(cur);
  renderSurcharges(cur);
  renderAudit(cur);
  renderUnreconciled();
  renderUnmapped();
  renderOverrides();
  renderEmissions();
  renderFiles();
  showScope();
  document.body.setAttribute('data-rendered', String(Number(document.body.getAttribute('data-rendered') ?? '0') + 1));
}

setupCharts();
setupFilters(render);
setupAudit(render);
render();
