/**
 * The dashboard's browser script, as text inlined into the page. It reads the report model from
 * the page's JSON block and draws every chart with Chart.js (inlined too). Plain ES2017 so any
 * current browser runs it; animations are off so the page is complete as soon as it loads.
 */
export const REPORT_CLIENT_SCRIPT = String.raw`
(function () {
  'use strict';
  var model = JSON.parse(document.getElementById('report-data').textContent);
  var css = getComputedStyle(document.documentElement);
  var color = function (name) { return css.getPropertyValue(name).trim(); };
  var C = {
    ink: color('--ink'), muted: color('--muted'), grid: color('--grid'),
    good: color('--good'), bad: color('--bad'), warn: color('--warn'),
    accent: color('--accent'), ai: color('--ai'), p95: color('--p95')
  };
  Chart.defaults.font.family = css.getPropertyValue('font-family');
  Chart.defaults.font.size = 12;
  Chart.defaults.color = C.muted;
  Chart.defaults.borderColor = C.grid;
  Chart.defaults.animation = false;
  Chart.defaults.maintainAspectRatio = false;
  Chart.defaults.plugins.legend.labels.boxWidth = 12;
  Chart.defaults.plugins.legend.labels.usePointStyle = true;

  var pct = function (v) { return (100 * v).toFixed(1) + '%'; };
  var ms = function (v) {
    if (v === null || v === undefined) return 'n/a';
    return v >= 1000 ? (v / 1000).toFixed(2) + ' s' : Math.round(v) + ' ms';
  };
  var alpha = function (hex, a) {
    var n = parseInt(hex.replace('#', ''), 16);
    return 'rgba(' + ((n >> 16) & 255) + ',' + ((n >> 8) & 255) + ',' + (n & 255) + ',' + a + ')';
  };
  var rateColor = function (row) {
    if (row.generated) return C.ai;
    if (row.interval[1] < 0.6) return C.bad;
    if (row.successRate < 0.85) return C.warn;
    return C.good;
  };
  var sizeFor = function (id, rows) {
    var box = document.getElementById(id).parentElement;
    box.style.height = Math.max(220, 26 * rows + 70) + 'px';
  };
  var empty = function (id, text) {
    var canvas = document.getElementById(id);
    var note = document.createElement('p');
    note.className = 'empty';
    note.textContent = text;
    canvas.parentElement.replaceWith(note);
  };

  var tools = model.tools;
  if (tools.length === 0) {
    empty('chart-success', 'No tool runs in this window yet.');
    empty('chart-latency', 'No tool runs in this window yet.');
  } else {
    sizeFor('chart-success', tools.length);
    new Chart(document.getElementById('chart-success'), {
      type: 'bar',
      data: {
        labels: tools.map(function (t) { return t.generated ? t.toolName + ' ✦' : t.toolName; }),
        datasets: [
          {
            type: 'line', label: 'success rate', indexAxis: 'y', showLine: false,
            data: tools.map(function (t) { return t.successRate; }),
            pointRadius: 5, pointHoverRadius: 7, pointStyle: 'rectRot',
            backgroundColor: C.ink, borderColor: C.ink,
            pointBackgroundColor: tools.map(rateColor), pointBorderColor: C.ink, pointBorderWidth: 1
          },
          {
            label: Math.round(model.window.confidence * 100) + '% interval',
            data: tools.map(function (t) { return t.interval; }),
            backgroundColor: tools.map(function (t) { return alpha(rateColor(t), 0.35); }),
            borderColor: tools.map(rateColor), borderWidth: 1, borderSkipped: false,
            borderRadius: 3, barPercentage: 0.7, categoryPercentage: 0.9
          }
        ]
      },
      options: {
        indexAxis: 'y',
        scales: {
          x: { min: 0, max: 1, ticks: { callback: function (v) { return Math.round(v * 100) + '%'; } } },
          y: { grid: { display: false }, ticks: { color: C.ink, autoSkip: false } }
        },
        plugins: {
          legend: { position: 'top', align: 'end' },
          tooltip: {
            callbacks: {
              label: function (ctx) {
                var t = tools[ctx.dataIndex];
                return ctx.datasetIndex === 0
                  ? pct(t.successRate) + ' of ' + t.total + ' runs'
                  : 'interval ' + pct(t.interval[0]) + ' – ' + pct(t.interval[1]);
              }
            }
          }
        }
      }
    });

    var byLatency = tools.slice().sort(function (a, b) { return (b.p95Ms || 0) - (a.p95Ms || 0); });
    sizeFor('chart-latency', byLatency.length);
    new Chart(document.getElementById('chart-latency'), {
      type: 'bar',
      data: {
        labels: byLatency.map(function (t) { return t.toolName; }),
        datasets: [
          { label: 'p50', data: byLatency.map(function (t) { return t.p50Ms; }),
            backgroundColor: C.accent, borderRadius: 2, barPercentage: 0.8, categoryPercentage: 0.85 },
          { label: 'p95', data: byLatency.map(function (t) { return t.p95Ms; }),
            backgroundColor: alpha(C.p95, 0.75), borderRadius: 2, barPercentage: 0.8, categoryPercentage: 0.85 }
        ]
      },
      options: {
        indexAxis: 'y',
        scales: {
          x: { type: 'logarithmic', ticks: { maxRotation: 0, callback: function (v) {
            var m = v / Math.pow(10, Math.floor(Math.log10(v)));
            return Math.abs(m - 1) < 1e-6 || Math.abs(m - 3) < 1e-6 ? ms(v) : ''; } } },
          y: { grid: { display: false }, ticks: { color: C.ink, autoSkip: false } }
        },
        plugins: {
          legend: { position: 'top', align: 'end' },
          tooltip: { callbacks: { label: function (ctx) { return ctx.dataset.label + ': ' + ms(ctx.raw); } } }
        }
      }
    });
  }

  var timeline = model.timeline;
  var hourly = model.window.bucket === 'hour';
  var label = function (iso) {
    var d = new Date(iso);
    return hourly
      ? d.toISOString().slice(5, 13).replace('T', ' ') + 'h'
      : d.toLocaleDateString('en', { month: 'short', day: 'numeric', timeZone: 'UTC' });
  };
  new Chart(document.getElementById('chart-timeline'), {
    type: 'bar',
    data: {
      labels: timeline.map(function (p) { return label(p.bucket); }),
      datasets: [
        { label: 'succeeded', data: timeline.map(function (p) { return p.executions - p.failures; }),
          backgroundColor: alpha(C.good, 0.8), stack: 'runs', borderRadius: 2 },
        { label: 'failed', data: timeline.map(function (p) { return p.failures; }),
          backgroundColor: alpha(C.bad, 0.85), stack: 'runs', borderRadius: 2 },
        { type: 'line', label: 'failure rate', yAxisID: 'rate',
          data: timeline.map(function (p) { return p.executions === 0 ? null : p.failures / p.executions; }),
          borderColor: C.ink, backgroundColor: C.ink, borderWidth: 1.5, pointRadius: 0, tension: 0.3, spanGaps: true }
      ]
    },
    options: {
      interaction: { mode: 'index', intersect: false },
      scales: {
        x: { stacked: true, grid: { display: false }, ticks: { maxRotation: 0, autoSkipPadding: 12 } },
        y: { stacked: true, beginAtZero: true, ticks: { precision: 0 }, title: { display: true, text: 'goal executions' } },
        rate: { position: 'right', min: 0, max: 1, grid: { display: false },
          ticks: { callback: function (v) { return Math.round(v * 100) + '%'; } } }
      },
      plugins: {
        legend: { position: 'top', align: 'end' },
        tooltip: { callbacks: { label: function (ctx) {
          return ctx.dataset.yAxisID === 'rate' ? 'failure rate ' + pct(ctx.raw) : ctx.dataset.label + ': ' + ctx.raw;
        } } }
      }
    }
  });

  var ratings = model.ratings;
  var ratingColors = [C.bad, alpha(C.bad, 0.6), C.warn, alpha(C.good, 0.6), C.good];
  new Chart(document.getElementById('chart-ratings'), {
    type: 'bar',
    data: {
      labels: ratings.map(function (r) { return '★'.repeat(r.rating); }),
      datasets: [{ label: 'ratings', data: ratings.map(function (r) { return r.count; }),
        backgroundColor: ratings.map(function (r) { return ratingColors[r.rating - 1]; }), borderRadius: 4 }]
    },
    options: {
      scales: { x: { grid: { display: false }, ticks: { color: C.warn } }, y: { beginAtZero: true, ticks: { precision: 0 } } },
      plugins: { legend: { display: false } }
    }
  });

  var intents = model.intents.filter(function (i) { return i.successRate !== null; });
  new Chart(document.getElementById('chart-intents'), {
    type: 'bar',
    data: {
      labels: intents.map(function (i) { return i.intent === null ? '(none)' : i.intent; }),
      datasets: [{ label: 'success rate', data: intents.map(function (i) { return i.successRate; }),
        backgroundColor: intents.map(function (i) { return i.successRate < 0.8 ? C.warn : C.accent; }), borderRadius: 4 }]
    },
    options: {
      scales: {
        x: { grid: { display: false } },
        y: { min: 0, max: 1, ticks: { callback: function (v) { return Math.round(v * 100) + '%'; } } }
      },
      plugins: {
        legend: { display: false },
        tooltip: { callbacks: { label: function (ctx) {
          return pct(ctx.raw) + ' of ' + intents[ctx.dataIndex].executions + ' goals'; } } }
      }
    }
  });
  document.documentElement.dataset.charts = String(Object.keys(Chart.instances).length);
})();
`;
