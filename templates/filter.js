// The index's filter: offline, no dependencies. Words match the author, handle and text;
// @handle, #hashtag and $cashtag match the author and the linked entities by prefix; the
// article and the date range narrow further. Every condition must hold. What it searches is
// read from the cards themselves, so the page carries no second copy of the text.
(function () {
  "use strict";
  var form = document.getElementById("filter");
  var query = document.getElementById("q");
  var source = document.getElementById("source");
  var from = document.getElementById("from");
  var to = document.getElementById("to");
  var shown = document.getElementById("shown");
  var none = document.getElementById("none");

  function fold(text) {
    return text.normalize("NFC").toLowerCase().replace(/\uff03/g, "#").replace(/\uff20/g, "@");
  }

  function texts(card, selector) {
    return Array.prototype.map.call(card.querySelectorAll(selector), function (element) {
      return fold(element.textContent);
    });
  }

  var cards = Array.prototype.map.call(document.querySelectorAll("[data-card]"), function (card) {
    return {
      item: card.parentElement,
      text: texts(card, ".name, .handle, .tweet-text").join(" "),
      tokens: texts(card, ".handle, .tweet-text .mention, .tweet-text .hashtag, " +
        ".tweet-text .cashtag"),
      sources: card.getAttribute("data-sources").split(" "),
      date: card.getAttribute("data-date")
    };
  });

  function matches(card, word) {
    if (word.length > 1 && "@#$".indexOf(word.charAt(0)) >= 0) {
      return card.tokens.some(function (token) { return token.indexOf(word) === 0; });
    }
    return card.text.indexOf(word) >= 0;
  }

  function apply() {
    var words = fold(query.value).split(/\s+/).filter(Boolean);
    var count = 0;
    cards.forEach(function (card) {
      var ok = words.every(function (word) { return matches(card, word); }) &&
        (!source.value || card.sources.indexOf(source.value) >= 0) &&
        (!from.value || (card.date !== "" && card.date >= from.value)) &&
        (!to.value || (card.date !== "" && card.date <= to.value));
      card.item.hidden = !ok;
      if (ok) {
        count += 1;
      }
    });
    shown.textContent = count + " of " + cards.length + " shown";
    none.hidden = count > 0;
  }

  form.addEventListener("input", apply);
  form.addEventListener("submit", function (event) { event.preventDefault(); });
  form.hidden = false;
  apply();
})();
