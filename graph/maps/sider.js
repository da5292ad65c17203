// The minutes' text with a quote highlighted: #char=start,end (RFC 5147: characters of the normalised text) is marked
// and scrolled to. The text is on the page as text; this only wraps a stretch of it in <mark>.
(function () {
  "use strict";
  function units(text, codepoints) {  // code points (as the graph counts them) -> UTF-16 units (as the DOM counts them)
    let i = 0;
    for (let n = 0; n < codepoints && i < text.length; n++) {
      const c = text.charCodeAt(i);
      i += (c >= 0xD800 && c < 0xDC00 && i + 1 < text.length) ? 2 : 1;
    }
    return i;
  }
  function highlight() {
    const box = document.getElementById("referat");
    const info = document.getElementById("citat-info");
    if (!box) return;
    const old = box.querySelector("mark");
    if (old) old.replaceWith(...old.childNodes);
    box.normalize();  // the parser splits long texts into several nodes: one node again
    const m = /^#char=(\d+),(\d+)$/.exec(location.hash);
    if (!m) return;
    const node = box.firstChild;
    if (!node || node.nodeType !== Node.TEXT_NODE) return;
    const start = units(node.data, Number(m[1])), end = units(node.data, Number(m[2]));
    if (!(start < end) || end > node.data.length) {
      if (info) info.textContent = "Citatet (tegn " + m[1] + "–" + m[2] + ") findes ikke i denne tekst.";
      return;
    }
    const range = document.createRange();
    range.setStart(node, start);
    range.setEnd(node, end);
    const mark = document.createElement("mark");
    mark.id = "citat";
    range.surroundContents(mark);
    mark.scrollIntoView({ block: "center" });
    if (info) info.textContent = "Citatet (tegn " + m[1] + "–" + m[2] + ") er markeret med gult.";
  }
  window.addEventListener("hashchange", highlight);
  highlight();
  window.pageReady = true;
})();
