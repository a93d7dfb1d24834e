/* Play mode: push an action or a variable and watch the change travel along the arrows, frame by frame,
   from the runs gmb's numpy engine made when the page was built (DATA.play; no model runs here). */
  var playState = { active: false, run: null, frame: 0, timer: null };
  var playBox = document.getElementById("play");
  var playTime = document.getElementById("play-time");
  // a colour-blind-safe diverging scale: blue up, orange down, grey unchanged; the label says ▲ / ▼ too
  function moveColor(change, top) {
    var share = Math.min(1, Math.abs(change) / (top || 1));
    var end = change > 0 ? [33, 102, 172] : [179, 88, 6], grey = [236, 238, 240];
    var mix = grey.map(function (g, i) { return Math.round(g + (end[i] - g) * Math.sqrt(share)); });
    return "rgb(" + mix.join(",") + ")";
  }
  function playChoices() {
    var chooser = clear(document.getElementById("play-choice"));
    if (!DATA.play) { return; }
    Object.keys(DATA.play.runs).forEach(function (id) {
      var run = DATA.play.runs[id];
      var option = el("option", null, fill(t(run.kind === "action" ? "playAction" : "playPush"),
        { name: label(id), p: Math.round(DATA.play.push * 100) }));
      option.value = id;
      chooser.appendChild(option);
    });
    if (playState.run) { chooser.value = playState.run; }
  }
  function openPlay() {
    if (!DATA.play) { return; }
    closeSheets(playBox);
    if (story.active) { closeStory(true); }
    playState.active = true;
    playBox.hidden = false;
    document.getElementById("mode-play").setAttribute("aria-pressed", "true");
    playTime.max = String(DATA.play.times.length - 1);
    playState.run = playState.run || document.getElementById("play-choice").value;
    showFrame(playState.frame);
    playView();
  }
  // the whole map on a phone would shrink its labels to a few pixels: there, the outcome the change arrives at
  // (the chooser names the pushed variable, the list below says what moved most)
  function playView() {
    var outcome = DATA.outcome.filter(function (id) { return DATA.variables[id]; });
    if (!PHONE() || !outcome.length) { network.fit({ animation: false }); return; }
    fitVisible(outcome);
  }
  function closePlay() {
    stopPlay();
    playState.active = false;
    playBox.hidden = true;
    document.getElementById("mode-play").setAttribute("aria-pressed", "false");
    unhighlight();
    restyle(nodes, nodes.getIds().map(function (id) { return { id: id, label: label(id) }; }));
    saveState();
  }
  function stopPlay() { if (playState.timer) { clearInterval(playState.timer); playState.timer = null; } }
  function showFrame(frame) {
    var run = DATA.play.runs[playState.run];
    if (!run) { return; }
    playState.frame = frame;
    playTime.value = String(frame);
    var top = 0;
    Object.keys(run.changes).forEach(function (id) {
      if (id !== playState.run) { top = Math.max(top, Math.abs(run.changes[id][DATA.play.times.length - 1])); }
    });
    var moved = {};
    restyle(nodes, nodes.getIds().map(function (id) {
      var change = (run.changes[id] || [])[frame] || 0;
      var base = baseNode[id];
      if (!change) {
        return { id: id, gmb: "play0", label: label(id), color: { background: "#eceef0", border: "#c9ced6",
          highlight: DIM_NODE, hover: DIM_NODE }, borderWidth: base.borderWidth, font: { color: "#5c6773" } };
      }
      moved[id] = change;
      var color = id === playState.run ? "#1f2933" : moveColor(change, top);
      return { id: id, gmb: change > 0 ? "up" : "down", label: label(id) + (change > 0 ? " ▲" : " ▼"),
        color: { background: color, border: "#1f2933", highlight: { background: color, border: "#1f2933" },
          hover: { background: color, border: "#1f2933" } }, borderWidth: base.borderWidth, font: base.font };
    }));
    // an arrow carries the change once the variable it starts from has moved
    restyle(edges, DATA.links.map(function (link) {
      var on = !!moved[link.from];
      return on ? { id: link.id, gmb: "on", color: baseEdge[link.id].color, width: baseEdge[link.id].width + 1.5 }
        : { id: link.id, gmb: "dim", color: { color: DIM_EDGE, highlight: DIM_EDGE, hover: DIM_EDGE }, width: 1 };
    }));
    var time = DATA.play.times[frame];
    var clock = timeAxis(DATA.play.unit, [{ times: DATA.play.times }]);
    var when = frame ? fill(t("after"), { t: num(time * clock.k, time * clock.k >= 10 ? 3 : 2), unit: clock.name }) : t("month0");
    var outcome = DATA.outcome[0], change = outcome ? (run.changes[outcome] || [])[frame] || 0 : 0;
    var how = change > 0 ? t("up") + " " + num(change / 1000, 2) : change < 0 ? t("down") + " " + num(-change / 1000, 2) : t("unchanged");
    var sentence = outcome ? fill(t("playNow"), { when: when, outcome: label(outcome), change: how }) : when;
    document.getElementById("play-now").textContent = sentence.charAt(0).toUpperCase() + sentence.slice(1);
    var list = clear(document.getElementById("play-moved"));
    Object.keys(moved).filter(function (id) { return id !== playState.run; })
      .sort(function (a, b) { return Math.abs(moved[b]) - Math.abs(moved[a]); }).slice(0, 5).forEach(function (id) {
        list.appendChild(el("li", null, (moved[id] > 0 ? "▲ " : "▼ ") + label(id) + " " + num(moved[id] / 1000, 2, true)));
      });
    if (list.firstChild) { list.insertBefore(el("li", "muted", t("playMost")), list.firstChild); }
  }
  function playRun() {
    stopPlay();
    playState.run = document.getElementById("play-choice").value;
    var frame = 0;
    showFrame(frame);
    document.getElementById("play-go").textContent = t("playAgain");
    playState.timer = setInterval(function () {
      frame++;
      if (frame >= DATA.play.times.length) { stopPlay(); saveState(); return; }
      showFrame(frame);
    }, 260);
  }
  document.getElementById("play-go").addEventListener("click", playRun);
  document.getElementById("play-choice").addEventListener("change", function (event) {
    stopPlay();
    playState.run = event.target.value;
    showFrame(0);
    playView();
    saveState();
  });
  playTime.addEventListener("input", function () { stopPlay(); showFrame(+playTime.value); saveState(); });
  playBox.querySelector(".sheet-close").addEventListener("click", closePlay);
  document.getElementById("mode-play").addEventListener("click", function () {
    if (playState.active) { closePlay(); } else { if (PHONE()) { document.querySelector(".stage").scrollIntoView(); } openPlay(); }
  });
  document.getElementById("mode-play").hidden = !DATA.play;
