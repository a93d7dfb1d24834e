/* gmb map explorer: reads the map from the JSON block and builds the page.
   User text is only ever put into the page with textContent (never innerHTML). */
(function () {
  "use strict";

  var DATA = JSON.parse(document.getElementById("gmb-data").textContent);
  var UI = {
    da: {
      skip: "Spring til kortet som tekst", about: "Om kortet", diagram: "Årsagsdiagram",
      zoomIn: "Zoom ind", zoomOut: "Zoom ud", fit: "Vis hele kortet",
      hint: "Tryk på en variabel eller en pil for at læse mere. Træk for at flytte, knib eller rul for at zoome.",
      search: "Søg efter en variabel", noMatch: "Ingen variabel passer", loops: "Feedback-løkker",
      legend: "Sådan læses kortet", charts: "Simulerede scenarier",
      chartsIntro: "Hvordan udfaldet udvikler sig i hvert scenarie (1 = niveauet i dag).",
      textVersion: "Kortet som tekst", variables: "Variabler", links: "Pile", noTheme: "Uden tema",
      canvas: "Årsagsdiagram med {v} variabler og {l} pile. Hele kortet findes som tekst længere nede på siden.",
      loopsSummary: "{count}: {r} forstærkende, {b} balancerende",
      loopsUnknown: ", {q} med et uafklaret fortegn",
      loopsIncomplete: "Listen viser de {n} vigtigste.", noLoops: "Kortet har ingen feedback-løkker.",
      R: "Forstærkende løkke", B: "Balancerende løkke", Q: "Løkke med uafklaret fortegn",
      loopMeta: "{kind} · {n} variabler", inLoop: "Variabler i løkken", showAll: "Luk",
      affectedBy: "Påvirkes af", affects: "Påvirker", partOf: "Indgår i løkkerne", none: "ingen",
      outcome: "Det kortet handler om", action: "Tiltag (idé fra workshop)", constant: "Holdes fast",
      plus: "Samme retning (+): når den ene stiger, stiger den anden",
      minus: "Modsat retning (−): når den ene stiger, falder den anden",
      unknown: "Ikke afklaret (?): gruppen var ikke enig", delay: "Stiplet pil med || : virker først efter et stykke tid",
      strength: "Tykkere pil: stærkere virkning",
      size: { loops: "Større prik: indgår i flere feedback-løkker", degree: "Større prik: flere pile ind og ud",
              betweenness: "Større prik: ligger på flere veje gennem kortet", closeness: "Større prik: tættere på resten af kortet",
              reach: "Større prik: påvirker flere andre variabler", in_degree: "Større prik: flere pile ind",
              out_degree: "Større prik: flere pile ud" },
      arrows: "Pile", shapes: "Former", themes: "Temaer",
      same: "Når {a} stiger, stiger {b}.", opposite: "Når {a} stiger, falder {b}.",
      undecided: "Gruppen er ikke enig om, hvordan {a} påvirker {b}.", later: "Det sker først efter et stykke tid.",
      said: "Sagt i workshoppen: “{q}”",
      linkText: "{a} → {b}: {how}", sameShort: "samme retning (+)", oppositeShort: "modsat retning (−)",
      unknownShort: "fortegn ikke afklaret (?)", laterShort: "efter et stykke tid", theme: "Tema",
      atEnd: "Ved slutningen ({t}), højeste først:", baseline: "Som nu (ingen nye tiltag)", time: "tid {t}",
      units: { month: "måneder", year: "år", week: "uger", day: "dage" }, after: "efter {t} {unit}",
      caveat: "Sammenligning mellem scenarier i et tegnet kort — ikke en prognose",
      changeTitle: "Ændring mod “{b}” ved slutningen",
      band: "Skraveret: 5–95 % af {n} udgaver af kortet", bandOf: "{name}: 5–95 % af {n} udgaver af kortet",
      range: "5–95 %: {lo} … {hi}"
    },
    en: {
      skip: "Skip to the map as text", about: "About this map", diagram: "Causal loop diagram",
      zoomIn: "Zoom in", zoomOut: "Zoom out", fit: "Show the whole map",
      hint: "Tap a variable or an arrow to read more. Drag to move, pinch or scroll to zoom.",
      search: "Search for a variable", noMatch: "No variable matches", loops: "Feedback loops",
      legend: "How to read the map", charts: "Simulated scenarios",
      chartsIntro: "How the outcome develops under each scenario (1 = today's level).",
      textVersion: "The map as text", variables: "Variables", links: "Arrows", noTheme: "No theme",
      canvas: "Causal loop diagram with {v} variables and {l} arrows. The whole map is given as text further down the page.",
      loopsSummary: "{count}: {r} reinforcing, {b} balancing",
      loopsUnknown: ", {q} with an undecided sign",
      loopsIncomplete: "The list shows the {n} most relevant.", noLoops: "The map has no feedback loops.",
      R: "Reinforcing loop", B: "Balancing loop", Q: "Loop with an undecided sign",
      loopMeta: "{kind} · {n} variables", inLoop: "Variables in the loop", showAll: "Close",
      affectedBy: "Affected by", affects: "Affects", partOf: "Part of the loops", none: "none",
      outcome: "What the map is about", action: "Action (idea from a workshop)", constant: "Held constant",
      plus: "Same direction (+): when one goes up, the other goes up",
      minus: "Opposite direction (−): when one goes up, the other goes down",
      unknown: "Not agreed (?): the group did not agree", delay: "Dashed arrow with || : works only after a while",
      strength: "Thicker arrow: stronger effect",
      size: { loops: "Bigger dot: part of more feedback loops", degree: "Bigger dot: more arrows in and out",
              betweenness: "Bigger dot: on more paths through the map", closeness: "Bigger dot: closer to the rest of the map",
              reach: "Bigger dot: affects more other variables", in_degree: "Bigger dot: more arrows in",
              out_degree: "Bigger dot: more arrows out" },
      arrows: "Arrows", shapes: "Shapes", themes: "Themes",
      same: "When {a} goes up, {b} goes up.", opposite: "When {a} goes up, {b} goes down.",
      undecided: "The group did not agree how {a} affects {b}.", later: "This happens only after a while.",
      said: "Said in the workshop: “{q}”",
      linkText: "{a} → {b}: {how}", sameShort: "same direction (+)", oppositeShort: "opposite direction (−)",
      unknownShort: "sign not agreed (?)", laterShort: "after a while", theme: "Theme",
      atEnd: "At the end ({t}), highest first:", baseline: "As now (no new actions)", time: "time {t}",
      units: { month: "months", year: "years", week: "weeks", day: "days" }, after: "after {t} {unit}",
      caveat: "A comparison between scenarios of a hand-drawn map — not a forecast",
      changeTitle: "Change against “{b}” at the end",
      band: "Shaded: 5–95% of {n} versions of the map", bandOf: "{name}: 5–95% of {n} versions of the map",
      range: "5–95%: {lo} … {hi}"
    }
  };
  var LANGUAGE_NAMES = { da: "Dansk", en: "English", de: "Deutsch", sv: "Svenska", nb: "Norsk" };
  var POLARITY = { "+": "#2f6db5", "-": "#c8562b", "?": "#8b929c" };
  var DIM_NODE = { background: "#eceef0", border: "#dadde1" };
  var DIM_EDGE = "#e4e7eb";
  // Okabe-Ito colours (told apart with colour-blindness), then purple and near-black; the baseline is grey
  var SCENARIO_COLORS = ["#0072b2", "#d55e00", "#009e73", "#cc79a7", "#e69f00", "#56b4e9", "#7b5ea7", "#1f2933"];

  var lang = DATA.language;
  var selection = null; // {type: "loop"|"variable"|"link", id}
  var byId = function (list) { var m = {}; list.forEach(function (x) { m[x.id] = x; }); return m; };
  var linkById = byId(DATA.links);
  var loopById = byId(DATA.loops);
  var themeById = byId(DATA.themes);
  var baseNode = {}, baseEdge = {};

  // ---- small helpers --------------------------------------------------------------------
  function t(key) { var table = UI[lang] || UI.en; return key in table ? table[key] : UI.en[key]; }
  function fill(text, values) { return text.replace(/\{(\w+)\}/g, function (_, k) { return String(values[k]); }); }
  function txt(obj) {
    if (obj === null || obj === undefined) { return ""; }
    if (typeof obj === "string") { return obj; }
    if (obj[lang]) { return obj[lang]; }
    for (var i = 0; i < DATA.languages.length; i++) { if (obj[DATA.languages[i]]) { return obj[DATA.languages[i]]; } }
    return "";
  }
  function label(id) { return txt(DATA.variables[id].label) || id; }
  // a number with `digits` significant figures in the page's language (Danish: 0,047 and 1.500); `signed`: +0,20
  function num(x, digits, signed) {
    var rounded = Number(x.toPrecision(digits));
    var options = { maximumSignificantDigits: digits, useGrouping: true };
    if (signed) { options.signDisplay = "exceptZero"; options.minimumSignificantDigits = digits; }  // +0,10 as in the table
    try { return rounded.toLocaleString(lang === "da" ? "da-DK" : "en-US", options).replace("\u2212", "-"); }
    catch (e) { var s = (signed && rounded > 0 ? "+" : "") + rounded; return lang === "da" ? s.replace(".", ",") : s; }
  }
  function lower(text) {
    var first = text.split(/[ -]/)[0];
    return first.length > 1 && first === first.toUpperCase() && first !== first.toLowerCase() ? text
      : text.charAt(0).toLowerCase() + text.slice(1);
  }
  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) { node.className = className; }
    if (text !== undefined && text !== null) { node.textContent = text; }
    return node;
  }
  function clear(node) { while (node.firstChild) { node.removeChild(node.firstChild); } return node; }
  function kindKey(kind) { return kind === "R" || kind === "B" ? kind : "Q"; }
  function fold(text) { return text.normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase(); }
  function linkSentence(link) {
    var values = { a: lower(label(link.from)), b: lower(label(link.to)) };
    var key = link.polarity === "+" ? "same" : link.polarity === "-" ? "opposite" : "undecided";
    return fill(t(key), values) + (link.delay ? " " + t("later") : "");
  }
  function linkShort(link) {
    var how = t(link.polarity === "+" ? "sameShort" : link.polarity === "-" ? "oppositeShort" : "unknownShort");
    return fill(t("linkText"), { a: label(link.from), b: label(link.to),
      how: how + (link.delay ? ", " + t("laterShort") : "") });
  }

  // ---- the network --------------------------------------------------------------------
  var net = DATA.network;
  net.nodes.forEach(function (n) {
    baseNode[n.id] = { color: n.color, borderWidth: n.borderWidth, font: Object.assign({ color: "#1f2933" }, n.font) };
  });
  net.edges.forEach(function (e) {
    baseEdge[e.id] = { color: e.color, width: e.width, font: Object.assign({ strokeWidth: 5 }, e.font) };
  });
  var container = document.getElementById("network");
  if (DATA.portrait && container.clientHeight > container.clientWidth * 1.15) {
    // a phone held upright: use the automatic layout made for a tall screen
    net.nodes.forEach(function (n) { n.x = DATA.portrait[n.id][0]; n.y = DATA.portrait[n.id][1]; });
  }
  var nodes = new vis.DataSet(net.nodes.map(function (n) { return Object.assign({}, n, { gmb: "" }); }));
  var edges = new vis.DataSet(net.edges.map(function (e) { return Object.assign({}, e, { gmb: "" }); }));
  var network = new vis.Network(container, { nodes: nodes, edges: edges }, net.options);
  network.once("afterDrawing", function () {
    window.gmbReadyAt = performance.now();
    document.body.setAttribute("data-ready", "1");
  });
  network.fit({ animation: false });

  function highlight(nodeIds, edgeIds) {
    var onNodes = new Set(nodeIds), onEdges = new Set(edgeIds);
    nodes.update(nodes.getIds().map(function (id) {
      var base = baseNode[id];
      if (onNodes.has(id)) { return { id: id, gmb: "on", color: base.color, borderWidth: base.borderWidth, font: base.font }; }
      return { id: id, gmb: "dim", color: { background: DIM_NODE.background, border: DIM_NODE.border,
        highlight: DIM_NODE, hover: DIM_NODE }, borderWidth: 1, font: { color: "#a9b0b8", bold: false } };
    }));
    edges.update(edges.getIds().map(function (id) {
      var base = baseEdge[id];
      if (onEdges.has(id)) {
        return { id: id, gmb: "on", color: base.color, width: base.width + 2.5, font: base.font };
      }
      return { id: id, gmb: "dim", color: { color: DIM_EDGE, highlight: DIM_EDGE, hover: DIM_EDGE },
        width: 1, font: { color: "#cfd4da", strokeWidth: 3 } };
    }));
  }
  function unhighlight() {
    nodes.update(nodes.getIds().map(function (id) {
      var base = baseNode[id];
      return { id: id, gmb: "", color: base.color, borderWidth: base.borderWidth, font: base.font };
    }));
    edges.update(edges.getIds().map(function (id) {
      var base = baseEdge[id];
      return { id: id, gmb: "", color: base.color, width: base.width, font: base.font };
    }));
  }

  // ---- details card: a variable, a link or a loop ----------------------------------------
  var details = document.getElementById("details");
  function closeButton() {
    var b = el("button", "close", t("showAll") + " ✕");
    b.type = "button";
    b.addEventListener("click", function () { select(null); });
    return b;
  }
  function varButton(id, extra) {
    var b = el("button", "linklike", label(id) + (extra || ""));
    b.type = "button";
    b.addEventListener("click", function () { select({ type: "variable", id: id }); });
    return b;
  }
  function loopButton(loop) {
    var b = el("button", "linklike", (loop.name ? txt(loop.name) : txt(loop.chain)));
    b.type = "button";
    b.addEventListener("click", function () { select({ type: "loop", id: loop.id }); });
    return b;
  }
  function listOf(items, make) {
    var ul = el("ul");
    if (!items.length) { ul.appendChild(el("li", null, t("none"))); }
    items.forEach(function (item) { var li = el("li"); li.appendChild(make(item)); ul.appendChild(li); });
    return ul;
  }
  var MARK = { "+": " (+)", "-": " (−)", "?": " (?)" };
  function showVariable(id) {
    var v = DATA.variables[id];
    details.appendChild(closeButton());
    details.appendChild(el("h3", null, label(id)));
    var chips = el("p");
    if (v.theme && themeById[v.theme]) { chips.appendChild(el("span", "chip", txt(themeById[v.theme].label))); }
    if (DATA.outcome.indexOf(id) >= 0) { chips.appendChild(el("span", "chip", t("outcome"))); }
    if (v.kind === "action") { chips.appendChild(el("span", "chip", t("action"))); }
    if (v.kind === "constant") { chips.appendChild(el("span", "chip", t("constant"))); }
    if (chips.firstChild) { details.appendChild(chips); }
    if (txt(v.notes)) { details.appendChild(el("p", null, txt(v.notes))); }
    var incoming = DATA.links.filter(function (l) { return l.to === id; });
    var outgoing = DATA.links.filter(function (l) { return l.from === id; });
    details.appendChild(el("h4", null, t("affectedBy")));
    details.appendChild(listOf(incoming, function (l) { return varButton(l.from, MARK[l.polarity]); }));
    details.appendChild(el("h4", null, t("affects")));
    details.appendChild(listOf(outgoing, function (l) { return varButton(l.to, MARK[l.polarity]); }));
    var loops = DATA.loops.filter(function (loop) { return loop.variables.indexOf(id) >= 0; });
    if (loops.length) {
      details.appendChild(el("h4", null, t("partOf")));
      details.appendChild(listOf(loops.slice(0, 12), loopButton));
    }
    highlight([id].concat(incoming.map(function (l) { return l.from; }), outgoing.map(function (l) { return l.to; })),
      incoming.concat(outgoing).map(function (l) { return l.id; }));
  }
  function showLink(id) {
    var link = linkById[id];
    details.appendChild(closeButton());
    details.appendChild(el("h3", null, label(link.from) + " → " + label(link.to)));
    details.appendChild(el("p", "story", linkSentence(link)));
    if (txt(link.notes)) { details.appendChild(el("p", null, txt(link.notes))); }
    if (link.quote) { details.appendChild(el("p", "quote", fill(t("said"), { q: link.quote }))); }
    highlight([link.from, link.to], [id]);
  }
  function showLoop(id) {
    var loop = loopById[id];
    details.appendChild(closeButton());
    var heading = el("h3");
    heading.appendChild(el("span", "badge " + kindKey(loop.kind), kindKey(loop.kind) === "Q" ? "?" : loop.kind));
    heading.appendChild(document.createTextNode(" " + (loop.name ? txt(loop.name) : t(kindKey(loop.kind)))));
    details.appendChild(heading);
    if (loop.name) { details.appendChild(el("p", "muted kind", t(kindKey(loop.kind)))); }
    details.appendChild(el("p", "story", txt(loop.story)));
    details.appendChild(el("h4", null, t("inLoop")));
    var ol = el("ol");
    loop.variables.forEach(function (v) { var li = el("li"); li.appendChild(varButton(v)); ol.appendChild(li); });
    details.appendChild(ol);
    highlight(loop.variables, loop.links);
    network.fit({ nodes: loop.variables, maxZoomLevel: 1, animation: { duration: 350, easingFunction: "easeInOutQuad" } });
  }
  function select(what) {
    selection = what;
    clear(details);
    details.hidden = !what;
    if (!what) { unhighlight(); network.unselectAll(); }
    else if (what.type === "variable") { showVariable(what.id); }
    else if (what.type === "link") { showLink(what.id); }
    else { showLoop(what.id); }
    document.querySelectorAll("#loop-list button").forEach(function (b) {
      b.setAttribute("aria-pressed", String(!!what && what.type === "loop" && b.getAttribute("data-loop") === what.id));
    });
  }
  function reveal() {
    // after choosing from a list: show the drawing on a phone, the story card on a wide screen
    if (window.matchMedia("(max-width: 860px)").matches) { document.querySelector(".stage").scrollIntoView(); }
    else if (!details.hidden) { details.scrollIntoView({ block: "nearest" }); }
  }
  network.on("click", function (params) {
    if (params.nodes.length) { select({ type: "variable", id: params.nodes[0] }); }
    else if (params.edges.length) { select({ type: "link", id: params.edges[0] }); }
    else if (selection) { select(null); }
  });

  // ---- loop list, legend, text version, charts --------------------------------------------
  function renderLoops() {
    var list = clear(document.getElementById("loop-list"));
    var counts = DATA.loopCount.by_polarity;  // the count every gmb command gives (gmb.analysis.loopset)
    var summary = DATA.loops.length ? fill(t("loopsSummary"), { count: txt(DATA.loopsStated), r: counts.R, b: counts.B })
      + (counts["?"] ? fill(t("loopsUnknown"), { q: counts["?"] }) : "") + "." : t("noLoops");
    if (!DATA.loopsComplete) { summary += " " + fill(t("loopsIncomplete"), { n: DATA.loops.length }); }
    document.getElementById("loops-summary").textContent = summary;
    DATA.loops.forEach(function (loop) {
      var key = kindKey(loop.kind);
      var b = el("button");
      b.type = "button";
      b.setAttribute("data-loop", loop.id);
      b.setAttribute("aria-pressed", "false");
      b.appendChild(el("span", "badge " + key, key === "Q" ? "?" : key)).setAttribute("aria-hidden", "true");
      var words = el("span");
      words.appendChild(el("span", loop.name ? "name" : "chain", loop.name ? txt(loop.name) : txt(loop.chain)));
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
  function svgEl(tag, attrs) {
    var node = document.createElementNS("http://www.w3.org/2000/svg", tag);
    Object.keys(attrs || {}).forEach(function (k) { node.setAttribute(k, String(attrs[k])); });
    return node;
  }
  function arrowIcon(color, dashed, width) {
    var svg = svgEl("svg", { width: 34, height: 14, viewBox: "0 0 34 14", "aria-hidden": "true" });
    var line = svgEl("line", { x1: 1, y1: 7, x2: 25, y2: 7, stroke: color, "stroke-width": width || 2.5 });
    if (dashed) { line.setAttribute("stroke-dasharray", "5 3"); }
    svg.appendChild(line);
    svg.appendChild(svgEl("path", { d: "M24 2 L33 7 L24 12 Z", fill: color }));
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
        var sw = el("span", "swatch");
        sw.style.background = th.color;
        legendItem(ul, sw, txt(th.label));
      });
      box.appendChild(ul);
    }
    box.appendChild(el("h3", null, t("arrows")));
    var arrows = el("ul", "plain legend-list");
    legendItem(arrows, arrowIcon(POLARITY["+"]), t("plus"));
    legendItem(arrows, arrowIcon(POLARITY["-"]), t("minus"));
    legendItem(arrows, arrowIcon(POLARITY["?"]), t("unknown"));
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
    DATA.links.forEach(function (link) { links.appendChild(el("li", null, linkShort(link))); });
    body.appendChild(links);
    body.appendChild(el("h3", null, t("loops") + " (" + DATA.loops.length + ")"));
    var loops = el("ol");
    DATA.loops.forEach(function (loop) {
      loops.appendChild(el("li", null, (loop.name ? txt(loop.name) + ": " : "") + txt(loop.story)));
    });
    body.appendChild(loops);
  }
  function renderCharts() {
    var section = document.getElementById("charts");
    var box = clear(document.getElementById("chart-list"));
    section.hidden = !DATA.charts.length;
    DATA.charts.forEach(function (chart) {
      var fig = el("figure", "chart");
      fig.appendChild(el("h3", null, txt(chart.label)));
      var W = 360, H = 190, L = 44, R = 10, T = 10, B = 28;
      var times = [].concat.apply([], chart.series.map(function (s) { return s.times; }));
      var x0 = Math.min.apply(null, times), x1 = Math.max.apply(null, times);
      var lo = chart.min, hi = chart.max > chart.min ? chart.max : chart.min + 1;
      var sx = function (x) { return L + (W - L - R) * (x - x0) / ((x1 - x0) || 1); };
      var sy = function (y) { return T + (H - T - B) * (hi - y) / (hi - lo); };
      var svg = svgEl("svg", { viewBox: "0 0 " + W + " " + H, role: "img" });
      svg.setAttribute("aria-label", txt(chart.label));
      [lo, (lo + hi) / 2, hi].forEach(function (v) {
        svg.appendChild(svgEl("line", { x1: L, x2: W - R, y1: sy(v), y2: sy(v), stroke: "#e2dfd8" }));
        var tick = svgEl("text", { x: L - 6, y: sy(v) + 4, "text-anchor": "end", "font-size": 11, fill: "#5c6773" });
        tick.textContent = num(v, 3);
        svg.appendChild(tick);
      });
      [x0, x1].forEach(function (x, i) {
        var tick = svgEl("text", { x: sx(x), y: H - 8, "text-anchor": i ? "end" : "start", "font-size": 11, fill: "#5c6773" });
        tick.textContent = num(x, 4) + (i && chart.unit ? " " + (t("units")[chart.unit] || chart.unit) : "");
        svg.appendChild(tick);
      });
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
      var end = num(x1, 4);
      var when = chart.unit ? fill(t("after"), { t: end, unit: t("units")[chart.unit] || chart.unit }) : fill(t("time"), { t: end });
      fig.appendChild(el("figcaption", "muted", fill(t("atEnd"), { t: when })));
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

  // ---- search -------------------------------------------------------------------------------
  var search = document.getElementById("search");
  var results = document.getElementById("search-results");
  function matches(query) {
    var q = fold(query.trim());
    if (!q) { return []; }
    return Object.keys(DATA.variables).filter(function (id) {
      var labels = DATA.variables[id].label;
      return Object.keys(labels).some(function (k) { return fold(labels[k]).indexOf(q) >= 0; }) || fold(id).indexOf(q) >= 0;
    });
  }
  function choose(id) {
    select({ type: "variable", id: id });
    network.selectNodes([id], false);
    network.focus(id, { scale: Math.max(network.getScale(), 1), animation: false });
  }
  function renderResults() {
    clear(results);
    if (!search.value.trim()) { return; }
    var found = matches(search.value);
    if (!found.length) { results.appendChild(el("li", "none", t("noMatch"))); }
    found.slice(0, 8).forEach(function (id) {
      var b = el("button", null, label(id));
      b.type = "button";
      b.addEventListener("click", function () { choose(id); reveal(); });
      var li = el("li");
      li.appendChild(b);
      results.appendChild(li);
    });
  }
  search.addEventListener("input", renderResults);
  search.addEventListener("keydown", function (event) {
    if (event.key === "Enter") { var found = matches(search.value); if (found.length) { choose(found[0]); } }
    if (event.key === "Escape") { search.value = ""; renderResults(); }
  });

  // ---- language ------------------------------------------------------------------------------
  function nodeTitle(id) {
    var v = DATA.variables[id], lines = [label(id)];
    if (v.theme && themeById[v.theme]) { lines.push(t("theme") + ": " + txt(themeById[v.theme].label)); }
    if (txt(v.notes)) { lines.push(txt(v.notes)); }
    return lines.join("\n");
  }
  function setLanguage(next) {
    lang = next;
    document.documentElement.lang = lang;
    document.title = txt(DATA.title);
    document.getElementById("title").textContent = txt(DATA.title);
    var description = txt(DATA.description);
    document.getElementById("about").hidden = !description;
    document.getElementById("description").textContent = description;
    document.querySelectorAll("[data-t]").forEach(function (node) { node.textContent = t(node.getAttribute("data-t")); });
    document.querySelectorAll("[data-t-label]").forEach(function (node) {
      node.setAttribute("aria-label", t(node.getAttribute("data-t-label")));
      node.setAttribute("title", t(node.getAttribute("data-t-label")));
    });
    container.setAttribute("aria-label", fill(t("canvas"), { v: Object.keys(DATA.variables).length, l: DATA.links.length }));
    document.querySelectorAll("#languages button").forEach(function (b) {
      b.setAttribute("aria-pressed", String(b.getAttribute("data-lang") === lang));
    });
    nodes.update(nodes.getIds().map(function (id) { return { id: id, label: label(id), title: nodeTitle(id) }; }));
    edges.update(DATA.links.map(function (link) { return { id: link.id, title: linkShort(link) + "\n" + linkSentence(link) }; }));
    renderLoops();
    renderLegend();
    renderTextVersion();
    renderCharts();
    renderResults();
    select(selection);
  }
  var switcher = document.getElementById("languages");
  switcher.setAttribute("aria-label", "Sprog / Language");
  DATA.languages.forEach(function (code) {
    var b = el("button", null, LANGUAGE_NAMES[code] || code.toUpperCase());
    b.type = "button";
    b.setAttribute("data-lang", code);
    b.setAttribute("lang", code);
    b.addEventListener("click", function () { setLanguage(code); });
    switcher.appendChild(b);
  });
  switcher.hidden = DATA.languages.length < 2;

  document.getElementById("fit").addEventListener("click", function () { network.fit({ animation: { duration: 300 } }); });
  document.getElementById("zoom-in").addEventListener("click", function () { network.moveTo({ scale: network.getScale() * 1.3 }); });
  document.getElementById("zoom-out").addEventListener("click", function () { network.moveTo({ scale: network.getScale() / 1.3 }); });
  document.querySelector(".skip").addEventListener("click", function () { document.getElementById("text-version").focus(); });

  setLanguage(lang);
  window.gmb = { data: DATA, network: network, nodes: nodes, edges: edges, setLanguage: setLanguage, select: select };
})();
