/* Story mode: the facilitator's named loops (or the most telling loops through the outcome) one step at
   a time, each highlighted on the map with its number (R1, B1) and told in words. */
  var story = { active: false, step: 0, ids: DATA.story.filter(function (id) { return loopById[id]; }) };
  var storyNumbers = {};
  (function () {
    var counts = {};
    story.ids.forEach(function (id) {
      var key = kindKey(loopById[id].kind);
      counts[key] = (counts[key] || 0) + 1;
      storyNumbers[id] = (key === "Q" ? "?" : key) + counts[key];
    });
  })();
  function storyNumber(id) { return storyNumbers[id] || ""; }
  var storyBox = document.getElementById("story");
  function openStory(step) {
    if (!story.ids.length) { return; }
    closeSheets(storyBox);
    if (playState.active) { closePlay(); }
    story.active = true;
    story.step = Math.max(0, Math.min(step || 0, story.ids.length - 1));
    storyBox.hidden = false;
    document.getElementById("mode-story").setAttribute("aria-pressed", "true");
    showStep();
  }
  function closeStory(quiet) {
    story.active = false;
    storyBox.hidden = true;
    loopLabel = null;
    document.getElementById("mode-story").setAttribute("aria-pressed", "false");
    if (!quiet) { select(null); }
    saveState();
  }
  function showStep() {
    var loop = loopById[story.ids[story.step]];
    var key = kindKey(loop.kind);
    document.getElementById("story-count").textContent = fill(t("storyCount"), { i: story.step + 1, n: story.ids.length })
      + (story.step || DATA.loops.some(function (l) { return l.named; }) ? "" : ". " + fill(t("storyBuilt"), {
        outcome: DATA.outcome.length ? lower(label(DATA.outcome[0])) : "" }));
    document.getElementById("story-title").textContent = storyNumber(loop.id) + " " + (loop.name ? txt(loop.name) : txt(loop.chain));
    document.getElementById("story-kind").textContent = t(key);
    document.getElementById("story-text").textContent = txt(loop.story);
    document.getElementById("story-prev").disabled = story.step === 0;
    document.getElementById("story-next").disabled = story.step === story.ids.length - 1;
    loopLabel = { variables: loop.variables, text: storyNumber(loop.id), kind: key };
    selection = { type: "loop", id: loop.id };
    clear(details);
    details.hidden = true;
    highlight(loop.variables, loop.links);
    fitVisible(loop.variables);
    document.querySelectorAll("#loop-list button").forEach(function (b) {
      b.setAttribute("aria-pressed", String(b.getAttribute("data-loop") === loop.id));
    });
    saveState();
  }
  document.getElementById("story-prev").addEventListener("click", function () { story.step--; showStep(); });
  document.getElementById("story-next").addEventListener("click", function () { story.step++; showStep(); });
  storyBox.querySelector(".sheet-close").addEventListener("click", function () { closeStory(); });
  document.getElementById("mode-story").addEventListener("click", function () {
    if (story.active) { closeStory(); } else { revealStory(); openStory(0); }
  });
  document.getElementById("start-story").addEventListener("click", function () { revealStory(); openStory(0); });
  function revealStory() {
    if (PHONE()) { document.querySelector(".stage").scrollIntoView({ block: "start" }); }
    else { document.querySelector(".layout").scrollIntoView({ block: "start" }); }
  }
  // a print of the story: every step's loop with its words
  function renderPrintStories() {
    var box = clear(document.getElementById("print-stories"));
    box.appendChild(el("h2", null, t("printStories")));
    var ol = el("ol", "plain");
    story.ids.forEach(function (id) {
      var loop = loopById[id], li = el("li");
      li.appendChild(el("strong", null, storyNumber(id) + " " + (loop.name ? txt(loop.name) : t(kindKey(loop.kind))) + ": "));
      li.appendChild(el("span", null, txt(loop.story)));
      ol.appendChild(li);
    });
    box.appendChild(ol);
  }
