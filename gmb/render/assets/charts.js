/* Charts of the outcome under each scenario, for residents: "1 = i dag", years when the horizon is
   years, numbers in the reader's language, and the caveat that this is no forecast. */
  // the time axis: months told in years when the horizon is two years or more
  function timeAxis(unit, series) {
    var times = [].concat.apply([], series.map(function (s) { return s.times; }));
    var k = 1, shown = unit;
    if (unit === "month" && Math.max.apply(null, times) >= 24) { k = 1 / 12; shown = "year"; }
    var x0 = Math.min.apply(null, times) * k, x1 = Math.max.apply(null, times) * k;
    var name = shown ? t("units")[shown] || shown : "";
    var end = num(x1, 4);
    return { k: k, x0: x0, x1: x1, unit: shown, name: name,
      when: shown ? fill(t("after"), { t: end, unit: name }) : fill(t("time"), { t: end }) };
  }
  function axisTicks(svg, clock, W, H, L, R, sy, lo, hi) {
    var step = clock.x1 - clock.x0 > 6 ? Math.ceil((clock.x1 - clock.x0) / 5) : 0;
    var ticks = step ? [] : [clock.x0, clock.x1];
    for (var x = clock.x0; step && x <= clock.x1 + 1e-9; x += step) { ticks.push(x); }
    ticks.forEach(function (x, i) {
      var px = L + (W - L - R) * (x - clock.x0) / ((clock.x1 - clock.x0) || 1);
      var last = i === ticks.length - 1;
      var tick = svgEl("text", { x: px, y: H - 8, "text-anchor": i === 0 ? "start" : last ? "end" : "middle",
        "font-size": 11, fill: "#5c6773" });
      tick.textContent = num(x, 4) + (last && clock.name ? " " + clock.name : "");
      svg.appendChild(tick);
    });
    var note = svgEl("text", { x: L + 4, y: 22, "font-size": 11, fill: "#5c6773", "class": "y-note" });
    note.textContent = lo <= 1 && hi >= 1 ? t("yAxis") : "";
    svg.appendChild(note);
    if (lo <= 1 && hi >= 1) {
      svg.appendChild(svgEl("line", { x1: L, x2: W - R, y1: sy(1), y2: sy(1), stroke: "#b9b4aa", "stroke-dasharray": "1 3" }));
    }
  }
  function renderCharts() {
    var section = document.getElementById("charts");
    var box = clear(document.getElementById("chart-list"));
    section.hidden = !DATA.charts.length;
    DATA.charts.forEach(function (chart) {
      var fig = el("figure", "chart");
      fig.appendChild(el("h3", null, txt(chart.label)));
      var W = 360, H = 190, L = 44, R = 10, T = 10, B = 28;
      var clock = timeAxis(chart.unit, chart.series);
      var x0 = clock.x0, x1 = clock.x1;
      var lo = chart.min, hi = chart.max > chart.min ? chart.max : chart.min + 1;
      var sx = function (x) { return L + (W - L - R) * (x * clock.k - x0) / ((x1 - x0) || 1); };
      var sy = function (y) { return T + (H - T - B) * (hi - y) / (hi - lo); };
      var svg = svgEl("svg", { viewBox: "0 0 " + W + " " + H, role: "img" });
      svg.setAttribute("aria-label", txt(chart.label));
      [lo, (lo + hi) / 2, hi].forEach(function (v) {
        svg.appendChild(svgEl("line", { x1: L, x2: W - R, y1: sy(v), y2: sy(v), stroke: "#e2dfd8" }));
        var tick = svgEl("text", { x: L - 6, y: sy(v) + 4, "text-anchor": "end", "font-size": 11, fill: "#5c6773" });
        tick.textContent = num(v, 3);
        svg.appendChild(tick);
      });
      axisTicks(svg, clock, W, H, L, R, sy, lo, hi);
      var ends = [], colors = 0;
      var bands = svgEl("g", { "class": "bands" });  // under every line
      svg.appendChild(bands);
      chart.series.forEach(function (series) {
        var baseline = series.scenario === "baseline";
        var color = baseline ? "#8b929c" : SCENARIO_COLORS[colors++ % SCENARIO_COLORS.length];
        var name = series.label ? txt(series.label) : baseline ? t("baseline") : series.scenario;
        var band = series.band;
        if (band) {  // the 5–95 % band: along the top edge, back along the bottom one
          var edge = function (values, j) { return sx(band.times[j]).toFixed(1) + "," + sy(values[j]).toFixed(1); };
          var outline = band.high.map(function (_, j) { return edge(band.high, j); })
            .concat(band.low.map(function (_, j) { return edge(band.low, j); }).reverse());
          var shade = svgEl("polygon", { points: outline.join(" "), fill: color, "fill-opacity": 0.13,
            stroke: color, "stroke-opacity": 0.45, "stroke-width": 0.6, "stroke-dasharray": "2 2", "class": "band" });
          var title = svgEl("title", {});
          title.textContent = fill(t("bandOf"), { name: name, n: chart.draws });
          shade.appendChild(title);
          bands.appendChild(shade);
        }
        var points = series.values.map(function (y, j) { return sx(series.times[j]).toFixed(1) + "," + sy(y).toFixed(1); });
        var line = svgEl("polyline", { points: points.join(" "), fill: "none", stroke: color, "stroke-width": 2.2,
          "stroke-linejoin": "round" });
        if (baseline) { line.setAttribute("stroke-dasharray", "5 4"); }
        svg.appendChild(line);
        ends.push({ name: name, color: color, baseline: baseline, value: series.values[series.values.length - 1],
          band: band && [band.low[band.low.length - 1], band.high[band.high.length - 1]] });
      });
      fig.appendChild(svg);
      if (chart.draws) { fig.appendChild(el("p", "band-note", fill(t("band"), { n: chart.draws }))); }
      fig.appendChild(el("figcaption", "muted", fill(t("atEnd"), { t: clock.when })));
      // the key in the order the lines end, top to bottom, with the value each reaches
      var key = el("ul", "plain key");
      var base = ends.filter(function (row) { return row.baseline; })[0];
      ends.slice().sort(function (a, b) { return b.value - a.value; }).forEach(function (row) {
        var li = el("li"), swatch = el("span", row.baseline ? "line dashed" : "line");
        if (!row.baseline) { swatch.style.background = row.color; }
        li.appendChild(swatch);
        li.appendChild(el("span", "name", row.name));
        li.appendChild(el("span", "value", num(row.value, 3)));
        if (base && !row.baseline) {  // the effect, as people read it: two significant figures
          var change = el("span", "change", "(" + num(row.value - base.value, 2, true) + ")");
          change.title = fill(t("changeTitle"), { b: base.name });
          li.appendChild(change);
        }
        if (row.band && !row.baseline) {
          li.appendChild(el("span", "range", fill(t("range"), { lo: num(row.band[0], 3), hi: num(row.band[1], 3) })));
        }
        key.appendChild(li);
      });
      fig.appendChild(key);
      fig.appendChild(el("p", "caveat", t("caveat")));
      box.appendChild(fig);
    });
  }

