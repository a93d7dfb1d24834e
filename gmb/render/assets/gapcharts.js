/* On a map with segments: the outcome for each group of children under a chosen scenario (a line per
   group, solid for the scenario, dashed as now), and for every scenario the gap at the end in words. */
  // Okabe-Ito vermillion and blue, then green and purple: told apart with colour-blindness, and each line
  // is labelled at its end too
  var SEGMENT_COLORS = ["#d55e00", "#0072b2", "#009e73", "#cc79a7"];
  var gapChoice = {};
  function scenarioName(series) { return series.label ? txt(series.label) : series.scenario === "baseline" ? t("baseline") : series.scenario; }
  function renderGapCharts() {
    var box = clear(document.getElementById("gap-charts"));
    box.hidden = !DATA.segmentCharts.length;
    DATA.segmentCharts.forEach(function (chart) {
      var fig = el("figure", "chart gap-chart");
      fig.setAttribute("data-variable", chart.variable);
      fig.appendChild(el("h3", null, fill(t("segmentsHeading"), { label: txt(chart.label) })));
      fig.appendChild(el("p", "muted", t("segmentsIntro")));
      var picker = el("select");
      var pickId = "gap-" + chart.variable;
      picker.id = pickId;
      var pickLabel = el("label", "pick", t("chooseScenario") + " ");
      pickLabel.setAttribute("for", pickId);
      chart.scenarios.forEach(function (s, i) {
        if (s.scenario === "baseline") { return; }
        var option = el("option", null, scenarioName(s));
        option.value = String(i);
        picker.appendChild(option);
      });
      var chosen = gapChoice[chart.variable] || (chart.scenarios.length > 1 ? 1 : 0);
      picker.value = String(chosen);
      picker.addEventListener("change", function () { gapChoice[chart.variable] = +picker.value; renderGapCharts(); });
      fig.appendChild(pickLabel);
      fig.appendChild(picker);
      fig.appendChild(segmentSvg(chart, chart.scenarios[chosen], chart.scenarios[0]));
      var key = el("ul", "plain key");
      chart.segments.forEach(function (seg, i) {
        var li = el("li"), swatch = el("span", "line");
        swatch.style.background = SEGMENT_COLORS[i % SEGMENT_COLORS.length];
        li.appendChild(swatch);
        li.appendChild(el("span", "name", txt(seg.label)));
        var values = chart.scenarios[chosen].lines[seg.id];
        li.appendChild(el("span", "value", num(values[values.length - 1], 3)));
        key.appendChild(li);
      });
      fig.appendChild(key);
      var s = chart.scenarios[chosen];
      fig.appendChild(el("p", "gap-now", fill(t("gapNow"), { gap: num(s.gap, 2), base: num(chart.scenarios[0].gap, 2) })));
      var sentences = el("ul", "plain gap-list");
      chart.scenarios.forEach(function (series) {
        if (series.scenario === "baseline") { return; }
        var li = el("li", "gap-" + series.verdict);
        li.appendChild(el("span", "mark", series.verdict === "narrows" ? "▼" : series.verdict === "widens" ? "▲" : "="))
          .setAttribute("aria-hidden", "true");
        li.appendChild(el("strong", null, scenarioName(series) + ": "));
        li.appendChild(el("span", "sentence", txt(series.sentence) + "."));
        sentences.appendChild(li);
      });
      fig.appendChild(sentences);
      fig.appendChild(el("p", "caveat", t("caveat")));
      box.appendChild(fig);
    });
  }
  function segmentSvg(chart, series, baseline) {
    var W = 360, H = 200, L = 44, R = 92, T = 10, B = 28;
    var clock = timeAxis(chart.unit, [series]);
    var lo = chart.min, hi = chart.max > chart.min ? chart.max : chart.min + 1;
    var sx = function (x) { return L + (W - L - R) * (x * clock.k - clock.x0) / ((clock.x1 - clock.x0) || 1); };
    var sy = function (y) { return T + (H - T - B) * (hi - y) / (hi - lo); };
    var svg = svgEl("svg", { viewBox: "0 0 " + W + " " + H, role: "img" });
    svg.setAttribute("aria-label", fill(t("segmentsHeading"), { label: txt(chart.label) }) + ": " + scenarioName(series));
    [lo, (lo + hi) / 2, hi].forEach(function (v) {
      svg.appendChild(svgEl("line", { x1: L, x2: W - R, y1: sy(v), y2: sy(v), stroke: "#e2dfd8" }));
      var tick = svgEl("text", { x: L - 6, y: sy(v) + 4, "text-anchor": "end", "font-size": 11, fill: "#5c6773" });
      tick.textContent = num(v, 3);
      svg.appendChild(tick);
    });
    axisTicks(svg, clock, W, H, L, R, sy, lo, hi);
    var ends = [];
    chart.segments.forEach(function (seg, i) {
      var color = SEGMENT_COLORS[i % SEGMENT_COLORS.length];
      [[baseline, "4 4"], [series, null]].forEach(function (pair) {
        var values = pair[0].lines[seg.id];
        var points = values.map(function (y, j) { return sx(pair[0].times[j]).toFixed(1) + "," + sy(y).toFixed(1); });
        var line = svgEl("polyline", { points: points.join(" "), fill: "none", stroke: color, "stroke-width": pair[1] ? 1.6 : 2.4,
          "class": "segment-line", "data-segment": seg.id });
        if (pair[1]) { line.setAttribute("stroke-dasharray", pair[1]); }
        svg.appendChild(line);
      });
      var last = series.lines[seg.id][series.lines[seg.id].length - 1];
      ends.push({ y: sy(last), text: txt(seg.label), color: color });
    });
    // direct labels at the ends of the lines, kept 13 px apart
    ends.sort(function (a, b) { return a.y - b.y; });
    ends.forEach(function (end, i) {
      if (i && end.y < ends[i - 1].y + 13) { end.y = ends[i - 1].y + 13; }
      var text = svgEl("text", { x: W - R + 4, y: end.y + 4, "font-size": 10.5, fill: darkerText(end.color) });
      text.textContent = end.text.length > 18 ? end.text.slice(0, 17) + "…" : end.text;
      svg.appendChild(text);
    });
    return svg;
  }
  function darkerText(color) { return color === "#0072b2" ? "#005a8c" : color === "#d55e00" ? "#a64500" : "#1f2933"; }
