/**
 * The dashboard's browser script, the entry of a bundle (built by rolldown next to the library,
 * type-checked by its own tsconfig with the DOM lib) inlined into report.html as a module script at
 * render time. It draws every chart with Chart.js from the report model in the page's JSON block.
 * Animations are off so the page is complete as soon as it loads.
 */
import { Chart, empty, model } from './page.js';
import { intentsChart, ratingsChart } from './summary-charts.js';
import { timelineChart } from './timeline-chart.js';
import { latencyChart, successChart } from './tool-charts.js';

if (model.tools.length === 0) {
  empty('chart-success', 'No tool runs in this window yet.');
  empty('chart-latency', 'No tool runs in this window yet.');
} else {
  successChart(model.tools);
  latencyChart(model.tools);
}
timelineChart(model.timeline);
ratingsChart();
intentsChart();
document.documentElement.dataset.charts = String(Object.keys(Chart.instances).length);
