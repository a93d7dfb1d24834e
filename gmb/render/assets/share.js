/* Sharing and printing: the language, the chosen variable, arrow or loop, the story step and play mode
   live in the URL fragment (#lang=da&loop=…), so a link opens the page where it was left; before
   printing, the whole map is drawn into a picture the print stylesheet lays out with the legend. */
  var restoring = false, openedAt = location.hash;  // read before the page writes its own state
  function saveState() {
    if (restoring || !window.history || !history.replaceState) { return; }
    var state = new URLSearchParams();
    state.set("lang", lang);
    if (story.active) { state.set("story", String(story.step + 1)); }
    else if (playState.active) { state.set("play", playState.run || ""); state.set("t", String(playState.frame)); }
    else if (selection) { state.set({ variable: "var", link: "arrow", loop: "loop" }[selection.type], selection.id); }
    if (guideBox.hidden) { state.set("guide", "0"); }
    try { history.replaceState(null, "", "#" + state.toString()); } catch (e) { /* a page without history */ }
  }
  function restoreState() {
    var state = new URLSearchParams(openedAt.replace(/^#/, ""));
    restoring = true;
    try {
      if (state.get("lang") && DATA.languages.indexOf(state.get("lang")) >= 0) { setLanguage(state.get("lang")); }
      guideBox.hidden = state.get("guide") === "0";
      var step = parseInt(state.get("story"), 10);
      if (step >= 1) { openStory(step - 1); }
      else if (state.has("play") && DATA.play && DATA.play.runs[state.get("play")]) {
        playState.run = state.get("play");
        playState.frame = Math.max(0, Math.min(parseInt(state.get("t"), 10) || 0, DATA.play.times.length - 1));
        document.getElementById("play-choice").value = playState.run;
        openPlay();
      }
      else if (state.get("var") && DATA.variables[state.get("var")]) { select({ type: "variable", id: state.get("var") }); }
      else if (state.get("arrow") && linkById[state.get("arrow")]) { select({ type: "link", id: state.get("arrow") }); }
      else if (state.get("loop") && loopById[state.get("loop")]) { select({ type: "loop", id: state.get("loop") }); }
    } finally {
      restoring = false;
    }
    document.getElementById("show-guide").hidden = !guideBox.hidden;
    saveState();
  }
  function preparePrint() {
    var view = { position: network.getViewPosition(), scale: network.getScale() };
    network.fit({ animation: false });
    network.redraw();
    var canvas = container.querySelector("canvas"), picture = document.getElementById("print-map");
    picture.style.backgroundImage = "url(data:" + canvas.toDataURL("image/png").slice(5) + ")";  // a picture in the page
    picture.style.aspectRatio = canvas.width + " / " + canvas.height;
    network.moveTo({ position: view.position, scale: view.scale, animation: false });
  }
  window.addEventListener("beforeprint", preparePrint);
