/* Search, the language switch, the legend's sheet and the start of the page. */
  var legendBox = document.getElementById("legend-box");
  function setLegend(open) {
    legendBox.classList.toggle("open", open);
    document.getElementById("legend-button").setAttribute("aria-expanded", String(open));
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
  // what lies below the map: the charts, the text version and the pages for print (when the page opens,
  // they and the list of loops are made just after the map is drawn)
  function renderBelow() { renderTextVersion(); renderCharts(); renderGapCharts(); renderPrintStories(); }
  function setLanguage(next, first) {
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
    // no hover tooltips on a touch screen
    if (!playState.active) { restyle(nodes, nodes.getIds().map(function (id) { return { id: id, label: label(id) }; })); }
    if (!TOUCH) {
      nodes.getIds().forEach(function (id) { tips["n:" + id].textContent = nodeTitle(id); });
      DATA.links.forEach(function (link) { tips["e:" + link.id].textContent = linkShort(link) + "\n" + linkSentence(link); });
    }
    document.getElementById("fullscreen").textContent = t(stage.classList.contains("fullscreen") ? "exitFullscreen" : "fullscreen");
    renderGuide();
    renderLegend();
    if (!first) { renderLoops(); renderBelow(); }
    renderResults();
    playChoices();
    if (story.active) { showStep(); }
    else if (playState.active) { showFrame(playState.frame); }
    else { select(selection); }
    saveState();
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

  document.querySelector(".skip").addEventListener("click", function () { document.getElementById("text-version").focus(); });
  document.getElementById("hide-guide").addEventListener("click", function () {
    document.getElementById("show-guide").hidden = false;
  });
  document.getElementById("show-guide").addEventListener("click", function () {
    showGuide(true);
    document.getElementById("show-guide").hidden = true;
    guideBox.scrollIntoView({ block: "start" });
  });
  document.querySelectorAll(".sheet-close").forEach(function (b) { b.type = "button"; });
  document.getElementById("legend-button").addEventListener("click", function () {
    var open = !legendBox.classList.contains("open");
    if (open) { closeSheets(legendBox); }
    setLegend(open);
    if (open && !PHONE()) { legendBox.scrollIntoView({ block: "nearest" }); }
  });
  legendBox.querySelector(".sheet-close").addEventListener("click", function () { setLegend(false); });

  setLanguage(lang, true);
  restoreState();
  if (!story.active && !(selection && selection.type === "loop")) { firstView(); }
  network.once("afterDrawing", function () {
    // the map is drawn: the time residents wait; the sections below it follow, then the page is ready
    window.gmbReadyAt = performance.now();
    setTimeout(function () { renderLoops(); renderBelow(); document.body.setAttribute("data-ready", "1"); }, 0);
  });
  network.redraw();
  window.gmb = { data: DATA, network: network, nodes: nodes, edges: edges, setLanguage: setLanguage, select: select,
                 openStory: openStory, openPlay: openPlay, showFrame: showFrame, preparePrint: preparePrint,
                 smallestLabelPx: smallestLabelPx, story: story, play: playState };
