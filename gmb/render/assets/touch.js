/* The map on a phone: it opens on the outcome and its neighbours with labels of at least 12 CSS px, a
   one-finger swipe scrolls the page (the map only moves in full-screen mode or with + / −), and no
   variable can be dragged away. */
  var MIN_LABEL_PX = 12;
  var LABEL_FONT = net.options.nodes.font.size;  // canvas units; the outcome's is larger
  var stage = document.querySelector(".stage");
  var free = !TOUCH;  // as the network was made (explorer.js)
  function movable(on) {
    // on a touch screen the map is still unless in full screen; with a mouse it always pans and zooms
    if (free !== (on || !TOUCH)) {
      free = on || !TOUCH;
      network.setOptions({ interaction: { dragView: free, zoomView: free, dragNodes: false } });
    }
    stage.classList.toggle("locked", !free);
  }
  stage.classList.toggle("locked", !free);
  function firstView() {
    var outcome = DATA.outcome.filter(function (id) { return DATA.variables[id]; });
    if (!PHONE() || !outcome.length) { return; }  // the whole map, as the network fitted it when made
    var near = outcome.slice();
    DATA.links.forEach(function (l) {
      if (outcome.indexOf(l.to) >= 0 && near.indexOf(l.from) < 0) { near.push(l.from); }
      if (outcome.indexOf(l.from) >= 0 && near.indexOf(l.to) < 0) { near.push(l.to); }
    });
    network.fit({ nodes: near, animation: false });
    var least = MIN_LABEL_PX / LABEL_FONT;
    if (network.getScale() < least) {
      var at = network.getPositions([outcome[0]])[outcome[0]];
      network.moveTo({ position: at, scale: least, animation: false });
    }
  }
  // fit these variables into the part of the map a sheet at the foot of a phone's screen leaves free
  function fitVisible(ids) {
    network.fit({ nodes: ids, maxZoomLevel: 1, animation: false });
    var open = Array.prototype.filter.call(document.querySelectorAll(".sheet"), function (s) {
      return !s.hidden && getComputedStyle(s).position === "fixed" && getComputedStyle(s).display !== "none";
    })[0];
    if (!PHONE() || !open) { return; }
    var rect = container.getBoundingClientRect(), top = Math.max(rect.top, 0);
    var bottom = Math.min(rect.bottom, open.getBoundingClientRect().top, window.innerHeight);
    if (bottom - top < 80) { return; }
    var centre = network.getViewPosition();
    var scale = Math.max(MIN_LABEL_PX / LABEL_FONT, Math.min(1, network.getScale() * (bottom - top) / rect.height));
    var shift = (top + bottom) / 2 - (rect.top + rect.bottom) / 2;
    network.moveTo({ position: { x: centre.x, y: centre.y - shift / scale }, scale: scale, animation: false });
  }
  function smallestLabelPx() {
    return Math.min.apply(null, nodes.get().map(function (n) {
      return ((n.font && n.font.size) || LABEL_FONT) * network.getScale();
    }));
  }
  function setFullscreen(on) {
    stage.classList.toggle("fullscreen", on);
    document.body.classList.toggle("map-fullscreen", on);
    var button = document.getElementById("fullscreen");
    button.setAttribute("aria-pressed", String(on));
    button.textContent = t(on ? "exitFullscreen" : "fullscreen");
    movable(on);
    network.redraw();
    if (!on) { stage.scrollIntoView({ block: "start" }); }
  }
  document.getElementById("fullscreen").addEventListener("click", function () {
    setFullscreen(!stage.classList.contains("fullscreen"));
  });
  document.addEventListener("keydown", function (event) {
    if (event.key === "Escape" && stage.classList.contains("fullscreen")) { setFullscreen(false); }
  });
  document.getElementById("fit").addEventListener("click", function () { network.fit({ animation: { duration: 300 } }); });
  document.getElementById("zoom-in").addEventListener("click", function () { network.moveTo({ scale: network.getScale() * 1.3 }); });
  document.getElementById("zoom-out").addEventListener("click", function () { network.moveTo({ scale: network.getScale() / 1.3 }); });
