/* gmb map explorer, core: the data, small helpers and the network with its highlighting.
   User text is only ever put into the page with textContent (never innerHTML). */
  var DATA = JSON.parse(document.getElementById("gmb-data").textContent);
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
  var formats = {};
  function num(x, digits, signed) {
    var rounded = Number(x.toPrecision(digits));
    var options = { maximumSignificantDigits: digits, useGrouping: true };
    if (signed) { options.signDisplay = "exceptZero"; options.minimumSignificantDigits = digits; }  // +0,10 as in the table
    var key = lang + digits + !!signed;  // one formatter each: making one costs more than using it
    try {
      var format = formats[key] || (formats[key] = new Intl.NumberFormat(lang === "da" ? "da-DK" : "en-US", options));
      return format.format(rounded).replace("\u2212", "-");
    }
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
    baseEdge[e.id] = { color: e.color, width: e.width };
  });
  var container = document.getElementById("network");
  if (DATA.portrait && container.clientHeight > container.clientWidth * 1.15) {
    // a phone held upright: use the automatic layout made for a tall screen
    net.nodes.forEach(function (n) { n.x = DATA.portrait[n.id][0]; n.y = DATA.portrait[n.id][1]; });
  }
  // hover tooltips are elements whose text the language switch changes in place (no redraw of the map)
  var TOUCH = window.matchMedia("(hover: none), (pointer: coarse)").matches;
  var tips = {};
  function tip(key) { var box = tips[key] = el("div", "tip"); return box; }
  var nodes = new vis.DataSet(net.nodes.map(function (n) {
    return Object.assign({}, n, { gmb: "", font: baseNode[n.id].font, title: TOUCH ? undefined : tip("n:" + n.id) });
  }));
  var edges = new vis.DataSet(net.edges.map(function (e) {
    return Object.assign({}, e, { gmb: "", title: TOUCH ? undefined : tip("e:" + e.id) });
  }));
  // on a touch screen no hover tooltips, and the map stays still until full screen (see movable)
  net.options.interaction = Object.assign({}, net.options.interaction,
    { hover: !TOUCH && net.options.interaction.hover, dragView: !TOUCH, zoomView: !TOUCH, dragNodes: false });
  var network = new vis.Network(container, { nodes: nodes, edges: edges }, net.options);

  // what each variable and arrow shows now, field by field: an update sends only what changes
  // (each update of the network's data costs a pass over the whole map)
  var shown = { nodes: {}, edges: {} };
  function restyle(set, items) {
    var known = shown[set === nodes ? "nodes" : "edges"], changed = [];
    items.forEach(function (item) {
      var was = known[item.id] || (known[item.id] = {}), diff = null;
      Object.keys(item).forEach(function (key) {
        if (key === "id") { return; }
        var value = JSON.stringify(item[key]);
        if (was[key] !== value) { was[key] = value; (diff = diff || { id: item.id })[key] = item[key]; }
      });
      if (diff) { changed.push(diff); }
    });
    if (changed.length) { set.update(changed); }
  }
  function dimmed(set, id) { var was = shown[set][id]; return !!was && was.gmb === '"dim"'; }
  function known(set, fields) {  // what the network was made with
    set.forEach(function (item) {
      var was = shown[set === nodes ? "nodes" : "edges"][item.id] = {};
      fields.forEach(function (key) { was[key] = JSON.stringify(item[key]); });
    });
  }
  known(nodes, ["gmb", "color", "borderWidth", "font", "label"]);
  known(edges, ["gmb", "color", "width"]);

  function highlight(nodeIds, edgeIds) {
    var onNodes = new Set(nodeIds), onEdges = new Set(edgeIds);
    restyle(nodes, nodes.getIds().map(function (id) {
      var base = baseNode[id];
      if (onNodes.has(id)) { return { id: id, gmb: "on", color: base.color, borderWidth: base.borderWidth, font: base.font }; }
      return { id: id, gmb: "dim", color: { background: DIM_NODE.background, border: DIM_NODE.border,
        highlight: DIM_NODE, hover: DIM_NODE }, borderWidth: 1, font: { color: "#a9b0b8", bold: false } };
    }));
    restyle(edges, edges.getIds().map(function (id) {
      var base = baseEdge[id];
      if (onEdges.has(id)) {
        return { id: id, gmb: "on", color: base.color, width: base.width + 2.5 };
      }
      return { id: id, gmb: "dim", color: { color: DIM_EDGE, highlight: DIM_EDGE, hover: DIM_EDGE }, width: 1 };
    }));
  }
  function unhighlight() {
    restyle(nodes, nodes.getIds().map(function (id) {
      var base = baseNode[id];
      return { id: id, gmb: "", color: base.color, borderWidth: base.borderWidth, font: base.font };
    }));
    restyle(edges, edges.getIds().map(function (id) {
      var base = baseEdge[id];
      return { id: id, gmb: "", color: base.color, width: base.width };
    }));
  }

