// The archive's offline search: classic scripts only, nothing but the index under search/.
// The page's CSP allows this script by its hash, and 'strict-dynamic' lets it (and nothing
// else) add the index's <script src> elements; each registers itself with
// archiverIndex.add(id, data). A query loads the manifest, one term bucket per word and the
// doc chunks of the results it shows: what it costs grows with the answer, not the archive.
// Words are split and folded as the archive's full-text index does (archiver/render/terms.py).
(function () {
  "use strict";
  var PAGE = 50;
  var KEY_CHARS = 3;
  var SLOTS = 64;
  var DATED = 16777216;
  var EPOCH = Date.UTC(2000, 0, 1) / 1000;
  var form = document.getElementById("search");
  var query = document.getElementById("q");
  var source = document.getElementById("source");
  var from = document.getElementById("from");
  var to = document.getElementById("to");
  var shown = document.getElementById("shown");
  var results = document.getElementById("results");
  var hits = document.getElementById("hits");
  var more = document.getElementById("more");
  var browse = document.getElementById("browse");
  var loaded = {};
  var waiting = {};
  var generation = 0;
  var current = null;

  window.archiverIndex = {
    add: function (id, data) {
      loaded[id] = data;
      (waiting[id] || []).forEach(function (done) { done(data); });
      delete waiting[id];
    }
  };

  function need(id, done) {
    if (Object.prototype.hasOwnProperty.call(loaded, id)) {
      done(loaded[id]);
      return;
    }
    if (!waiting[id]) {
      waiting[id] = [];
      var script = document.createElement("script");
      script.src = "search/" + id + ".js";
      document.head.appendChild(script);
    }
    waiting[id].push(done);
  }

  function needAll(ids, done) {
    var left = ids.length;
    if (!left) {
      done();
      return;
    }
    ids.forEach(function (id) {
      need(id, function () {
        left -= 1;
        if (!left) {
          done();
        }
      });
    });
  }

  var WORD = /[\p{L}\p{N}\p{Co}]/u;

  function words(text) {
    var out = [];
    var word = "";
    for (var ch of text) {
      var code = ch.codePointAt(0);
      if (code >= 0x300 && code <= 0x36f) {
        continue;
      }
      if (!WORD.test(ch)) {
        if (word) {
          out.push(word);
        }
        word = "";
        continue;
      }
      var low = ch.toLowerCase();
      if ((code >= 0xc0 && code <= 0x24f) || (code >= 0x1e00 && code <= 0x1eff)) {
        low = low.normalize("NFD").replace(/[\u0300-\u036f]/g, "");
      }
      word += low;
    }
    if (word) {
      out.push(word);
    }
    return out;
  }

  // The terms of a query: [term, prefix?]. The last word, while typed, matches as a prefix.
  function terms(text) {
    var out = [];
    var typing = text.length && !/\s$/.test(text);
    text = text.replace(/\uff20/g, "@").replace(/\uff03/g, "#").replace(/\uff04/g, "$");
    text.split(/\s+/).filter(Boolean).forEach(function (token) {
      var sigil = "@#$".indexOf(token.charAt(0)) >= 0 ? token.charAt(0) : "";
      if (sigil) {
        var name = words(token.slice(1)).join("");
        if (name) {
          out.push([sigil + name, false]);
        }
      } else {
        words(token).forEach(function (word) { out.push([word, false]); });
      }
    });
    if (typing && out.length && Array.from(out[out.length - 1][0]).length >= KEY_CHARS) {
      out[out.length - 1][1] = true;
    }
    return out;
  }

  function bucket(term, buckets) {
    var key = Array.from(term).slice(0, KEY_CHARS).join("");
    var hash = 0x811c9dc5;
    for (var i = 0; i < key.length; i += 1) {
      hash ^= key.charCodeAt(i);
      hash = Math.imul(hash, 0x01000193) >>> 0;
    }
    return hash % buckets;
  }

  function decode(text) {
    var docs = [];
    var doc = 0;
    text.split(",").forEach(function (gap, i) {
      doc = i ? doc - parseInt(gap, 16) : parseInt(gap, 16);
      docs.push(doc);
    });
    return docs;
  }

  // Both lists are highest first (postings: hexadecimal, the first whole, then gaps down).
  function intersect(a, b) {
    var out = [];
    var i = 0;
    var j = 0;
    while (i < a.length && j < b.length) {
      if (a[i] === b[j]) {
        out.push(a[i]);
        i += 1;
        j += 1;
      } else if (a[i] > b[j]) {
        i += 1;
      } else {
        j += 1;
      }
    }
    return out;
  }

  function union(lists) {
    if (lists.length === 1) {
      return lists[0];
    }
    var all = [].concat.apply([], lists).sort(function (x, y) { return y - x; });
    return all.filter(function (doc, i) { return i === 0 || all[i - 1] !== doc; });
  }

  function postings(manifest, term, prefix) {
    var data = loaded["t/" + bucket(term, manifest.buckets)];
    if (!prefix) {
      return data[term] ? decode(data[term]) : [];
    }
    var lists = [];
    Object.keys(data).forEach(function (key) {
      if (key.lastIndexOf(term, 0) === 0) {
        lists.push(decode(data[key]));
      }
    });
    return lists.length ? union(lists) : [];
  }

  function dayDoc(value, after) {
    var parts = value.split("-");
    var seconds = Date.UTC(+parts[0], +parts[1] - 1, +parts[2] + (after ? 1 : 0)) / 1000;
    return (seconds - EPOCH + DATED) * SLOTS;
  }

  function state() {
    return {
      q: query.value,
      a: source.value,
      from: from.value,
      to: to.value
    };
  }

  function search() {
    var ask = state();
    var mine = ++generation;
    var started = performance.now();
    writeHash(ask);
    var list = terms(ask.q);
    if (ask.a) {
      list.push(["^" + ask.a, false]);
    }
    if (!list.length && !ask.from && !ask.to) {
      results.hidden = true;
      browse.hidden = false;
      shown.textContent = "";
      document.body.setAttribute("data-search-ms", "0");
      return;
    }
    need("manifest", function (manifest) {
      var low = ask.from ? dayDoc(ask.from, false) : 0;
      var high = ask.to ? dayDoc(ask.to, true) : Infinity;
      var ids = list.map(function (t) { return "t/" + bucket(t[0], manifest.buckets); });
      needAll(ids, function () {
        if (mine !== generation) {
          return;
        }
        if (!list.length) {
          byDate(manifest, low, high, mine, started);
          return;
        }
        var lists = list.map(function (t) { return postings(manifest, t[0], t[1]); });
        lists.sort(function (x, y) { return x.length - y.length; });
        var docs = lists.reduce(intersect);
        if (ask.from || ask.to) {
          docs = docs.filter(function (doc) { return doc >= low && doc < high; });
        }
        show(manifest, docs, mine, started);
      });
    });
  }

  // Only a date range: the docs of the chunks it covers, newest first, a chunk at a time.
  function byDate(manifest, low, high, mine, started) {
    var chunks = manifest.chunks.filter(function (c) {
      return (c[0] + 1) * manifest.span > low && c[0] * manifest.span < high;
    });
    var docs = [];
    var i = 0;
    (function next() {
      if (mine !== generation) {
        return;
      }
      if (i >= chunks.length) {
        show(manifest, docs, mine, started);
        return;
      }
      need("d/" + chunks[i][0], function (rows) {
        rows.forEach(function (row) {
          if (row[0] >= low && row[0] < high) {
            docs.push(row[0]);
          }
        });
        i += 1;
        next();
      });
    })();
  }

  function show(manifest, docs, mine, started) {
    current = { manifest: manifest, docs: docs, shown: 0, mine: mine };
    while (hits.firstChild) {
      hits.removeChild(hits.firstChild);
    }
    results.hidden = false;
    browse.hidden = true;
    shown.textContent = docs.length + (docs.length === 1 ? " post" : " posts");
    page(started);
  }

  function page(started) {
    var view = current;
    var docs = view.docs.slice(view.shown, view.shown + PAGE);
    var chunks = docs.map(function (doc) { return "d/" + Math.floor(doc / view.manifest.span); });
    needAll(chunks.filter(function (c, i) { return chunks.indexOf(c) === i; }), function () {
      if (view !== current) {
        return;
      }
      docs.forEach(function (doc) {
        var rows = loaded["d/" + Math.floor(doc / view.manifest.span)];
        for (var i = 0; i < rows.length; i += 1) {
          if (rows[i][0] === doc) {
            hits.appendChild(hit(rows[i]));
            break;
          }
        }
      });
      view.shown += docs.length;
      more.hidden = view.shown >= view.docs.length;
      if (started !== undefined) {
        document.body.setAttribute("data-search-ms", String(performance.now() - started));
      }
    });
  }

  function element(tag, className, text) {
    var node = document.createElement(tag);
    if (className) {
      node.className = className;
    }
    if (text) {
      node.textContent = text;
    }
    return node;
  }

  // [doc, key, author, handle, day, card page, PNG or "", text]
  function hit(row) {
    var item = element("li");
    var card = element("article", "hit");
    card.id = "h-" + row[1];
    var link = element("a", "hit-link");
    link.href = row[5];
    var head = element("p", "hit-head");
    var avatar = element("span", "hit-avatar c" + (row[3].length % 8), Array.from(row[2] || row[3] || "?")[0].toUpperCase());
    avatar.setAttribute("aria-hidden", "true");
    head.appendChild(avatar);
    var name = element("bdi", "name", row[2] || (row[3] ? "@" + row[3] : "Unknown author"));
    head.appendChild(name);
    if (row[3]) {
      head.appendChild(element("bdi", "handle", "@" + row[3]));
    }
    if (row[4]) {
      head.appendChild(element("time", "day", row[4]));
    }
    link.appendChild(head);
    var text = element("p", "hit-text", row[7] || "Text not captured");
    text.setAttribute("dir", "auto");
    link.appendChild(text);
    card.appendChild(link);
    if (row[6]) {
      var image = element("img", "hit-png");
      image.src = row[6];
      image.alt = "";
      image.loading = "lazy";
      card.appendChild(image);
    }
    item.appendChild(card);
    return item;
  }

  function writeHash(ask) {
    var parts = [];
    Object.keys(ask).forEach(function (name) {
      if (ask[name]) {
        parts.push(name + "=" + encodeURIComponent(ask[name]));
      }
    });
    var hash = parts.length ? "#" + parts.join("&") : "";
    if (location.hash !== hash) {
      history.replaceState(null, "", hash || location.pathname);
    }
  }

  function readHash() {
    var ask = {};
    location.hash.replace(/^#/, "").split("&").forEach(function (part) {
      var at = part.indexOf("=");
      if (at > 0) {
        ask[part.slice(0, at)] = decodeURIComponent(part.slice(at + 1));
      }
    });
    return ask;
  }

  var articlesAsked = false;

  function articles(done) {
    if (articlesAsked) {
      need("articles", done);
      return;
    }
    articlesAsked = true;
    need("articles", function (list) {
      list.forEach(function (article) {
        var option = element("option", "", article[1]);
        option.value = article[0];
        source.appendChild(option);
      });
      done(list);
    });
  }

  form.addEventListener("input", search);
  form.addEventListener("submit", function (event) { event.preventDefault(); });
  source.addEventListener("focus", function () { articles(function () {}); });
  source.addEventListener("pointerdown", function () { articles(function () {}); });
  more.addEventListener("click", function () { page(); });
  form.hidden = false;

  var asked = readHash();
  query.value = asked.q || "";
  from.value = asked.from || "";
  to.value = asked.to || "";
  if (asked.a) {
    articles(function () {
      source.value = asked.a;
      search();
    });
  } else if (asked.q || asked.from || asked.to) {
    search();
  }
})();
