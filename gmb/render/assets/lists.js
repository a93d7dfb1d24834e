/* The list of every loop (filtered), the legend and the text version of the map. */
  // ---- loop list, legend, text version, charts --------------------------------------------
  var loopFilter = { kind: "", variable: "" };
  // named loops first, then loops through the outcome, then the short ones
  var loopOrder = DATA.loops.map(function (loop, i) {
    var through = loop.variables.some(function (v) { return DATA.outcome.indexOf(v) >= 0; });
    return { loop: loop, key: [loop.named ? 0 : 1, through ? 0 : 1, loop.variables.length, i] };
  }).sort(function (a, b) {
    for (var k = 0; k < 4; k++) { if (a.key[k] !== b.key[k]) { return a.key[k] - b.key[k]; } }
    return 0;
  }).map(function (x) { return x.loop; });
  function loopTitle(loop) {
    var number = storyNumber(loop.id);
    return (number ? number + " " : "") + (loop.name ? txt(loop.name) : txt(loop.chain));
  }
  var allLoops = document.getElementById("all-loops");
  allLoops.addEventListener("toggle", function () { if (allLoops.open) { renderLoops(); } });
  var collators = {};  // one per language: making a collator costs more than comparing with it
  function byLabel(a, b) {
    var collator = collators[lang] || (collators[lang] = new Intl.Collator(lang));
    return collator.compare(label(a), label(b));
  }
  function renderLoops() {
    var list = clear(document.getElementById("loop-list"));
    var counts = DATA.loopCount.by_polarity;  // the count every gmb command gives (gmb.analysis.loopset)
    var summary = DATA.loops.length ? fill(t("loopsSummary"), { count: txt(DATA.loopsStated), r: counts.R, b: counts.B })
      + (counts["?"] ? fill(t("loopsUnknown"), { q: counts["?"] }) : "") + "." : t("noLoops");
    if (!DATA.loopsComplete) { summary += " " + fill(t("loopsIncomplete"), { n: DATA.loops.length }); }
    document.getElementById("loops-summary").textContent = summary;
    if (!allLoops.open) { clear(list); return; }  // the list is made when "Vis alle løkker" opens
    renderFilters();
    var shown = loopOrder.filter(function (loop) {
      return (!loopFilter.kind || kindKey(loop.kind) === loopFilter.kind) &&
        (!loopFilter.variable || loop.variables.indexOf(loopFilter.variable) >= 0);
    });
    shown.forEach(function (loop) {
      var key = kindKey(loop.kind);
      var b = el("button");
      b.type = "button";
      b.setAttribute("data-loop", loop.id);
      b.setAttribute("aria-pressed", String(!!selection && selection.type === "loop" && selection.id === loop.id));
      b.appendChild(el("span", "badge " + key, key === "Q" ? "?" : key)).setAttribute("aria-hidden", "true");
      var words = el("span");
      words.appendChild(el("span", loop.name || storyNumber(loop.id) ? "name" : "chain", loopTitle(loop)));
      words.appendChild(el("span", "meta", fill(t("loopMeta"), { kind: t(key), n: loop.variables.length })));
      b.appendChild(words);
      b.addEventListener("click", function () {
        var same = selection && selection.type === "loop" && selection.id === loop.id;
        select(same ? null : { type: "loop", id: loop.id });
        if (!same) { reveal(); }
      });
      var li = el("li");
      li.appendChild(b);
      list.appendChild(li);
    });
  }
  function renderFilters() {
    var group = clear(document.getElementById("kind-filter"));
    group.setAttribute("aria-label", t("showAllLoops"));
    [["", t("allKinds")], ["R", t("R")], ["B", t("B")]].forEach(function (pair) {
      var b = el("button", "pill", pair[0] ? pair[0] + " · " + pair[1] : pair[1]);
      b.type = "button";
      b.setAttribute("aria-pressed", String(loopFilter.kind === pair[0]));
      b.addEventListener("click", function () { loopFilter.kind = pair[0]; renderLoops(); });
      group.appendChild(b);
    });
    var chooser = clear(document.getElementById("loop-variable"));
    var first = el("option", null, t("anyVariable"));
    first.value = "";
    chooser.appendChild(first);
    Object.keys(DATA.variables).sort(byLabel).forEach(function (id) {
      if (!DATA.loops.some(function (loop) { return loop.variables.indexOf(id) >= 0; })) { return; }
      var option = el("option", null, label(id));
      option.value = id;
      chooser.appendChild(option);
    });
    chooser.value = loopFilter.variable;
  }
  document.getElementById("loop-variable").addEventListener("change", function (event) {
    loopFilter.variable = event.target.value;
    renderLoops();
  });
  function svgEl(tag, attrs) {
    var node = document.createElementNS("http://www.w3.org/2000/svg", tag);
    Object.keys(attrs || {}).forEach(function (k) { node.setAttribute(k, String(attrs[k])); });
    return node;
  }
  function arrowIcon(color, dashed, width, sign) {
    var svg = svgEl("svg", { width: 46, height: 20, viewBox: "0 0 46 20", "aria-hidden": "true" });
    var line = svgEl("line", { x1: 1, y1: 10, x2: 37, y2: 10, stroke: color, "stroke-width": width || 2.5 });
    if (dashed) { line.setAttribute("stroke-dasharray", "5 3"); }
    svg.appendChild(line);
    svg.appendChild(svgEl("path", { d: "M36 5 L45 10 L36 15 Z", fill: color }));
    if (sign) { badgeIcon(svg, sign, 25, 10, 8); }
    return svg;
  }
  function shapeIcon(shape, bold) {
    var svg = svgEl("svg", { width: 34, height: 18, viewBox: "0 0 34 18", "aria-hidden": "true" });
    var style = { fill: "#c9ced6", stroke: bold ? "#1f2933" : "#8b929c", "stroke-width": bold ? 3 : 1.5 };
    svg.appendChild(shape === "diamond" ? svgEl("path", Object.assign({ d: "M17 1 L25 9 L17 17 L9 9 Z" }, style))
      : shape === "sizes" ? svgEl("circle", Object.assign({ cx: 7, cy: 9, r: 4 }, style))
      : svgEl("circle", Object.assign({ cx: 17, cy: 9, r: 7 }, style)));
    if (shape === "sizes") { svg.appendChild(svgEl("circle", Object.assign({ cx: 24, cy: 9, r: 8 }, style))); }
    return svg;
  }
  function legendItem(ul, icon, text) {
    var li = el("li");
    li.appendChild(icon);
    li.appendChild(el("span", null, text));
    ul.appendChild(li);
  }
  function renderLegend() {
    var box = clear(document.getElementById("legend"));
    var used = DATA.themes.filter(function (th) { return th.used; });
    if (used.length) {
      box.appendChild(el("h3", null, t("themes")));
      var ul = el("ul", "plain legend-list");
      used.forEach(function (th) {
        var sw = el("span", "swatch", themeMark(th.id));
        sw.style.background = th.color;
        sw.style.color = lightDot(th.color) ? "#1f2933" : "#ffffff";
        sw.setAttribute("aria-hidden", "true");
        legendItem(ul, sw, txt(th.label) + " (" + fill(t("themeMark"), { m: themeMark(th.id) }) + ")");
      });
      box.appendChild(ul);
    }
    box.appendChild(el("h3", null, t("arrows")));
    var arrows = el("ul", "plain legend-list");
    legendItem(arrows, arrowIcon(POLARITY["+"], false, 2.5, "+"), t("plus"));
    legendItem(arrows, arrowIcon(POLARITY["-"], false, 2.5, "-"), t("minus"));
    legendItem(arrows, arrowIcon(POLARITY["?"], false, 2.5, "?"), t("unknown"));
    legendItem(arrows, arrowIcon("#5c6773", true), t("delay"));
    legendItem(arrows, arrowIcon("#5c6773", false, 4.5), t("strength"));
    box.appendChild(arrows);
    box.appendChild(el("h3", null, t("shapes")));
    var shapes = el("ul", "plain legend-list");
    legendItem(shapes, shapeIcon("sizes"), (UI[lang] || UI.en).size[DATA.sizeBy] || UI.en.size[DATA.sizeBy]);
    if (DATA.outcome.length) { legendItem(shapes, shapeIcon("dot", true), t("outcome")); }
    if (Object.keys(DATA.variables).some(function (id) { return DATA.variables[id].kind === "action"; })) {
      legendItem(shapes, shapeIcon("diamond"), t("action"));
    }
    box.appendChild(shapes);
  }
  function renderTextVersion() {
    var body = clear(document.getElementById("text-body"));
    var ids = Object.keys(DATA.variables);
    body.appendChild(el("h3", null, t("variables") + " (" + ids.length + ")"));
    var groups = DATA.themes.map(function (th) { return { id: th.id, label: txt(th.label) }; });
    groups.push({ id: null, label: t("noTheme") });
    groups.forEach(function (group) {
      var members = ids.filter(function (id) { return DATA.variables[id].theme === group.id; });
      if (!members.length) { return; }
      body.appendChild(el("h4", null, t("theme") + ": " + group.label));
      var ul = el("ul");
      members.forEach(function (id) {
        var v = DATA.variables[id], extra = [];
        if (DATA.outcome.indexOf(id) >= 0) { extra.push(t("outcome")); }
        if (v.kind === "action") { extra.push(t("action")); }
        var text = label(id) + (extra.length ? " (" + extra.join(", ") + ")" : "") + (txt(v.notes) ? " — " + txt(v.notes) : "");
        ul.appendChild(el("li", null, text));
      });
      body.appendChild(ul);
    });
    body.appendChild(el("h3", null, t("links") + " (" + DATA.links.length + ")"));
    var links = el("ul");
    DATA.links.forEach(function (link) {
      var extra = [whoText(link), link.quote ? fill(t("said"), { q: link.quote }) : ""].filter(Boolean).join(" ");
      links.appendChild(el("li", null, linkShort(link) + (extra ? ". " + extra : "")));
    });
    body.appendChild(links);
    body.appendChild(el("h3", null, t("loops") + " (" + DATA.loops.length + ")"));
    var loops = el("ol");
    DATA.loops.forEach(function (loop) {
      loops.appendChild(el("li", null, (loop.name ? txt(loop.name) + ": " : "") + txt(loop.story)));
    });
    body.appendChild(loops);
  }
