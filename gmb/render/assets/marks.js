/* What is drawn over the network: each arrow's polarity as a solid badge near its arrowhead (never on
   a label), each theme's symbol in its dots (colour is never the only cue), and R1/B1 story labels. */
  var THEME_MARKS = ["●", "▲", "■", "◆", "★", "⬢", "▼", "⬟", "✖", "◐"];
  var themeIndex = {};
  DATA.themes.forEach(function (th, i) { themeIndex[th.id] = i; });
  // a light dot (Okabe-Ito orange, sky blue) gets a dark symbol: whichever contrasts more with the dot
  function lightDot(color) {
    var hex = (color && color.background) || color, m = /^#([0-9a-f]{6})$/i.exec(hex || "");
    if (!m) { return false; }
    var lum = [0, 2, 4].map(function (i) {
      var c = parseInt(m[1].substr(i, 2), 16) / 255;
      return c <= 0.04045 ? c / 12.92 : Math.pow((c + 0.055) / 1.055, 2.4);
    });
    return 0.2126 * lum[0] + 0.7152 * lum[1] + 0.0722 * lum[2] > 0.22;
  }
  function themeMark(themeId) { return themeId in themeIndex ? THEME_MARKS[themeIndex[themeId] % THEME_MARKS.length] : ""; }
  var BADGE = { "+": { fill: "#2f6db5", text: "#ffffff" }, "-": { fill: "#b34a1f", text: "#ffffff" },
                "?": { fill: "#ffffff", text: "#4a525c", ring: "#6b7280" } };
  var BADGE_R = 10;  // canvas units, and never under 8 CSS px (16 px across) however far the map is zoomed out
  function badgeRadius() { return Math.max(BADGE_R, 8 / network.getScale()); }

  // the same badge in an SVG (legend, guide)
  function badgeIcon(svg, sign, cx, cy, r) {
    var style = BADGE[sign];
    svg.appendChild(svgEl("circle", { cx: cx, cy: cy, r: r, fill: style.fill, stroke: style.ring || "#ffffff", "stroke-width": 1.5 }));
    var mark = svgEl("text", { x: cx, y: cy + r * 0.42, "text-anchor": "middle", "font-size": r * 1.35,
      "font-weight": 700, fill: style.text });
    mark.textContent = sign === "-" ? "−" : sign;
    svg.appendChild(mark);
  }
  function inBox(box, p, pad) {
    return p.x > box.left - pad && p.x < box.right + pad && p.y > box.top - pad && p.y < box.bottom + pad;
  }
  // where an arrow's badge goes: the last point before its head that is clear of every dot and label
  var badgeSpots = {};
  function badgeSpot(edge, r, boxes) {
    var fallback = null;
    for (var step = 0.9; step >= 0.3; step -= 0.03) {
      var p = edge.edgeType.getPoint(step);
      fallback = fallback || p;
      if (!boxes.some(function (box) { return inBox(box, p, r + 2); })) { return p; }
    }
    return edge.edgeType.getPoint(0.5) || fallback;
  }
  network.on("beforeDrawing", function () { badgeSpots = {}; });
  network.on("afterDrawing", function (ctx) {
    var r = badgeRadius(), boxes = [];
    Object.keys(network.body.nodes).forEach(function (id) {
      var node = network.body.nodes[id];
      if (node.shape && node.shape.boundingBox) { boxes.push(node.shape.boundingBox); }
    });
    DATA.links.forEach(function (link) {
      var edge = network.body.edges[link.id];
      if (!edge || !edge.connected || edge.options.hidden || !link.polarity) { return; }
      var p = badgeSpots[link.id] || (badgeSpots[link.id] = badgeSpot(edge, r, boxes));
      var style = BADGE[link.polarity];
      ctx.globalAlpha = dimmed("edges", link.id) ? 0.25 : 1;
      ctx.beginPath();
      ctx.arc(p.x, p.y, r, 0, 2 * Math.PI);
      ctx.fillStyle = style.fill;
      ctx.fill();
      ctx.lineWidth = r / 5;
      ctx.strokeStyle = style.ring || "#ffffff";
      ctx.stroke();
      ctx.fillStyle = style.text;
      ctx.font = "700 " + Math.round(r * 1.5) + "px system-ui, sans-serif";
      ctx.textAlign = "center";
      ctx.textBaseline = "middle";
      ctx.fillText(link.polarity === "-" ? "−" : link.polarity, p.x, p.y + r / 10);
    });
    ctx.globalAlpha = 1;
    Object.keys(network.body.nodes).forEach(function (id) {  // the theme's symbol in the dot
      var node = network.body.nodes[id], v = DATA.variables[id];
      var mark = v && themeMark(v.theme);
      if (!mark || !node.shape) { return; }
      var dim = dimmed("nodes", id), dark = lightDot(baseNode[id].color);
      ctx.font = Math.max(10, node.options.size * 0.9) + "px system-ui, sans-serif";
      ctx.textAlign = "center";
      ctx.textBaseline = "middle";
      ctx.fillStyle = dark ? (dim ? "rgba(31,41,51,0.4)" : "#1f2933") : (dim ? "rgba(255,255,255,0.5)" : "#ffffff");
      ctx.fillText(mark, node.x, node.y + 1);
    });
    drawLoopLabel(ctx);
  });
  // the story's loop number (R1, B2) inside the loop, at the middle of its variables
  var loopLabel = null;
  function drawLoopLabel(ctx) {
    if (!loopLabel) { return; }
    var xs = 0, ys = 0, n = 0;
    loopLabel.variables.forEach(function (id) { var node = network.body.nodes[id]; if (node) { xs += node.x; ys += node.y; n++; } });
    if (!n) { return; }
    var x = xs / n, y = ys / n, text = loopLabel.text;
    ctx.font = "700 22px system-ui, sans-serif";
    var w = ctx.measureText(text).width + 22;
    ctx.fillStyle = loopLabel.kind === "R" ? "#8a3b12" : "#1f5e47";
    ctx.beginPath();
    ctx.ellipse(x, y, w / 2, 18, 0, 0, 2 * Math.PI);
    ctx.fill();
    ctx.fillStyle = "#ffffff";
    ctx.textAlign = "center";
    ctx.textBaseline = "middle";
    ctx.fillText(text, x, y + 1);
  }
