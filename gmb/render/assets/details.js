/* The card of a variable, a link or a loop; choosing what is shown (select). */
  // ---- details card: a variable, a link or a loop ----------------------------------------
  var details = document.getElementById("details");
  function closeButton() {
    var b = el("button", "close", t("showAll") + " ✕");
    b.type = "button";
    b.addEventListener("click", function () { select(null); if (story.active) { closeStory(); } });
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
  // who proposed a link, and the quote behind it: "Foreslået af gruppe A, workshop 1"
  function whoText(link) {
    var who = link.who || {};
    if (!who.workshop && !who.group) { return ""; }
    var w = sessionName(who.workshop);
    return who.group ? fill(t("proposed"), { g: who.group, w: w }) : fill(t("proposedW"), { w: w });
  }
  function sessionName(id) {
    var record = DATA.guide.record;
    var found = record && record.sessions.filter(function (s) { return s.id === id; })[0];
    return found && found.title ? found.title : id || "";
  }
  function linkItem(link, other) {
    var box = el("span", "link-item");
    box.appendChild(varButton(other, MARK[link.polarity]));
    var said = [linkSentence(link), whoText(link)].filter(Boolean).join(" ");
    box.appendChild(el("span", "voice", said));
    if (link.quote) { box.appendChild(el("span", "quote", fill(t("said"), { q: link.quote }))); }
    return box;
  }
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
    details.appendChild(listOf(incoming, function (l) { return linkItem(l, l.from); }));
    details.appendChild(el("h4", null, t("affects")));
    details.appendChild(listOf(outgoing, function (l) { return linkItem(l, l.to); }));
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
    if (whoText(link)) { details.appendChild(el("p", "muted", whoText(link))); }
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
    fitVisible(loop.variables);
  }
  function select(what) {
    selection = what;
    if (what && PHONE()) { closeSheets(details); }
    clear(details);
    details.hidden = !what;
    if (!what) {
      unhighlight();
      if (network.getSelectedNodes().length || network.getSelectedEdges().length) { network.unselectAll(); }
    }
    else if (what.type === "variable") { showVariable(what.id); }
    else if (what.type === "link") { showLink(what.id); }
    else { showLoop(what.id); }
    document.querySelectorAll("#loop-list button").forEach(function (b) {
      b.setAttribute("aria-pressed", String(!!what && what.type === "loop" && b.getAttribute("data-loop") === what.id));
    });
    saveState();
  }
  function PHONE() { return window.matchMedia("(max-width: 860px)").matches; }
  function reveal() {
    // after choosing from a list: show the drawing on a phone (the card is a sheet over its foot),
    // the card on a wide screen
    if (PHONE()) { document.querySelector(".stage").scrollIntoView(); }
    else if (!details.hidden) { details.scrollIntoView({ block: "nearest" }); }
  }
  // on a phone one card at a time is open, as a sheet at the foot of the screen
  function closeSheets(keep) {
    if (!PHONE()) { return; }
    document.querySelectorAll(".sheet").forEach(function (sheet) {
      if (sheet === keep) { return; }
      if (sheet.id === "details" && !sheet.hidden) { selection = null; clear(details); sheet.hidden = true; }
      if (sheet.id === "legend-box") { setLegend(false); }
      if (sheet.id === "story" && story.active) { closeStory(true); }
      if (sheet.id === "play" && !sheet.hidden) { closePlay(); }
    });
  }
  network.on("click", function (params) {
    // on a laptop the card is scrolled into view; on a phone it opens as a sheet where the eye is
    if (params.nodes.length) { select({ type: "variable", id: params.nodes[0] }); if (!PHONE()) { reveal(); } }
    else if (params.edges.length) { select({ type: "link", id: params.edges[0] }); if (!PHONE()) { reveal(); } }
    else if (selection && !story.active) { select(null); }
  });

