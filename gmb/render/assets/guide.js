/* The first-visit guide: what the map is and where it came from, how to read an arrow (two arrows of the
   map itself), what R and B loops mean (the story's first loop), and "Start her". */
  var guideBox = document.getElementById("guide");
  function formatDate(iso) {
    var parts = /^(\d{4})-(\d{2})-(\d{2})$/.exec(iso || "");
    if (!parts) { return iso || ""; }
    var months = t("months");  // "3. december 2026" / "3 December 2026", without the cost of a date formatter
    return +parts[3] + (lang === "da" ? ". " : " ") + months[+parts[2] - 1] + " " + parts[1];
  }
  function rolesText(roles) {
    var names = t("roles");
    return Object.keys(roles).map(function (role) {
      return roles[role] + " " + (names[role] || role.replace(/_/g, " "));
    }).join(", ");
  }
  function exampleArrow(link) {
    var li = el("li", "example");
    li.appendChild(arrowIcon(POLARITY[link.polarity], link.delay, 2.5, link.polarity));
    li.appendChild(el("span", null, linkSentence(link)));
    return li;
  }
  function renderGuide() {
    var body = clear(document.getElementById("guide-body"));
    body.appendChild(el("p", "what", t("guideWhat")));
    var columns = el("div", "guide-columns");
    var examples = DATA.guide.examples.map(function (id) { return linkById[id]; }).filter(Boolean);
    if (examples.length) {
      var arrows = el("div");
      arrows.appendChild(el("h3", null, t("guideArrows")));
      var ul = el("ul", "plain examples");
      examples.forEach(function (link) { ul.appendChild(exampleArrow(link)); });
      arrows.appendChild(ul);
      columns.appendChild(arrows);
    }
    var first = story.ids.length && loopById[story.ids[0]];
    if (first) {
      var loops = el("div");
      loops.appendChild(el("h3", null, t("guideLoopsHeading")));
      loops.appendChild(el("p", null, t("guideLoops")));
      var example = el("p", "example-loop");
      example.appendChild(el("span", "badge " + kindKey(first.kind), storyNumber(first.id))).setAttribute("aria-hidden", "true");
      example.appendChild(el("span", null, txt(first.story)));
      loops.appendChild(example);
      loops.appendChild(el("p", "muted", t("guideStart")));
      columns.appendChild(loops);
    }
    body.appendChild(columns);
    var record = DATA.guide.record;
    if (record && record.sessions.length) {
      var more = el("details", "sessions-box");
      more.appendChild(el("summary", null, t("guideSessions")));
      var sessions = el("ul", "sessions");
      record.sessions.forEach(function (s) {
        var values = { title: s.title || s.id, date: formatDate(s.date), n: s.people, roles: rolesText(s.roles) };
        sessions.appendChild(el("li", null, fill(t(s.date ? "guideSession" : "guideSessionNoDate"), values)));
      });
      more.appendChild(sessions);
      if (record.note) { more.appendChild(el("p", "muted", record.note)); }
      body.appendChild(more);
    }
    document.getElementById("start-story").hidden = !first;
  }
  function showGuide(shown) {
    guideBox.hidden = !shown;
    saveState();
  }
  document.getElementById("hide-guide").addEventListener("click", function () { showGuide(false); });
