// 校刊 search page: finds every article whose title or text contains what the reader typed.
// The build publishes the articles' text, one file per issue, and a directory of which issues use
// which characters (xiaokan/web/search.py): a search loads only the issues that hold every character
// of the query and matches it as a substring, so a Chinese word is found however it would be split.
(function () {
  "use strict";
  var form = document.querySelector(".search-form");
  var input = document.getElementById("search-input");
  var status = document.getElementById("search-status");
  var list = document.getElementById("search-results");
  var moreButton = document.getElementById("search-more");
  // Where the site is served from, so that a site in a sub-folder (https://host/pingjian/) works too.
  var siteRoot = new URL(form.dataset.root, location.href);
  var dataRoot = new URL("search/data/", siteRoot);
  // What the host wants on the index's addresses (the preview of a site with trust_html, whose pages are
  // of no origin: its token), and the index's file of that name.
  var dataQuery = (document.querySelector('meta[name="xiaokan-search-query"]') || { content: "" }).content;
  function dataURL(name, fresh) {
    var address = new URL(name, dataRoot);
    address.search = [dataQuery, fresh ? "fresh=" + fresh : ""].filter(Boolean).join("&");
    return address;
  }
  var PER_PAGE = 30;

  // Text as matched, the same folding as web/search.py's fold(): lower case, full-width Latin
  // (typed in Chinese input mode) as half-width; blanks are left out of matching altogether, so that
  // 「OBE 理念」 and 「OBE理念」 find each other.
  function foldChar(c) {
    var code = c.charCodeAt(0);
    if (code >= 0xff01 && code <= 0xff5e) { return String.fromCharCode(code - 0xfee0).toLowerCase(); }
    return code === 0x3000 ? " " : c.toLowerCase();
  }
  // Characters a reader does not see that Word and web pages leave in text (a soft hyphen, zero-width
  // spaces and joiners): left out of matching like blanks, so that 教育部 finds 教\u200b育部.
  var INVISIBLE = /^[\u00ad\u200b-\u200d\u2060]$/;
  // text -> {s: its folded characters without blanks, at: the index in text of each of them}
  function squeezed(text) {
    var s = "", at = [];
    for (var i = 0; i < text.length; i++) {
      var c = text[i];
      var code = c.charCodeAt(0);
      if (code >= 0xd800 && code <= 0xdbff && i + 1 < text.length) { c += text[++i]; }   // (a character beyond the BMP)
      var f = foldChar(c);
      if (code <= 0x20 || (code >= 0x7f && (/^\s+$/.test(f) || INVISIBLE.test(c)))) { continue; }
      // (each unit of the folded form points into its character: a pair's second unit at its second half)
      for (var k = 0; k < f.length; k++) { s += f[k]; at.push(i - c.length + 1 + Math.min(k, c.length - 1)); }
    }
    return { s: s, at: at };
  }
  // squeezed(text).s, thirty times faster (what a shard's text is matched as): the whole text lower-cased
  // at once folds as one character at a time does but for a word's last Σ (ς), which is made σ first.
  function foldedText(text) {
    return text.replace(/[\x00-\x20\s\u00ad\u200b-\u200d\u2060]+/g, "").replace(/[\uff01-\uff5e]/g, function (c) {
      return String.fromCharCode(c.charCodeAt(0) - 0xfee0);
    }).replace(/\u03a3/g, "\u03c3").toLowerCase();
  }
  function terms(query) {
    var seen = {};
    return query.trim().split(/\s+/).map(function (t) { return squeezed(t).s; }).filter(function (t) {
      if (!t || seen[t]) { return false; }
      seen[t] = true;
      return true;
    });
  }

  var directory = null, directoryTime = 0;
  var DIRECTORY_AGE = 5 * 60 * 1000;   // (as long as a host lets it be cached: objectheaders.py's PAGE)
  // fresh: past the browser's cache and a CDN's (a directory cached before a deploy names shards it
  // deleted; a CDN that ignores no-cache keeps it for minutes, but not under an address it never saw). A
  // page left open longer than the directory may be cached asks again, to find what was published since.
  function loadDirectory(fresh) {
    if (directory && !fresh && Date.now() - directoryTime > DIRECTORY_AGE) { fresh = true; }
    if (!directory || fresh) {
      directoryTime = Date.now();
      directory = fetch(dataURL("directory.json", fresh && directoryTime), fresh ? { cache: "reload" } : {}).then(function (response) {
        if (!response.ok) { throw new Error(response.status); }
        return response.json();
      }).then(function (data) {
        var masks = {};
        Object.keys(data.characters).forEach(function (mask) {
          for (var c of data.characters[mask]) { masks[c] = mask; }
        });
        return { issues: data.issues, masks: masks };
      });
      directory.catch(function () { directory = null; });   // (tried again by the next search)
    }
    return directory;
  }
  // Whether issue number i (newest first) uses a character whose mask (hex, over the issues) is given.
  function has(mask, i) {
    var digit = mask.length - 1 - (i >> 2);
    return digit >= 0 && ((parseInt(mask[digit], 16) >> (i & 3)) & 1) === 1;
  }
  var shards = {};
  function loadShard(issue) {
    if (!shards[issue.file]) {
      shards[issue.file] = fetch(dataURL(issue.file)).then(function (response) {
        if (!response.ok) { throw new Error(response.status); }
        return response.json();
      }).catch(function (error) {
        throw Object.assign(new Error(String(error)), { shard: true });   // (candidates() tries a fresh directory)
      }).then(function (shard) {
        return shard.articles.map(function (record) {
          record.label = shard.label;
          record.all = foldedText(record.title + "\n" + record.header + "\n" + record.text);
          record.titleFolded = foldedText(record.title);
          return record;
        });
      });
      shards[issue.file].catch(function () { delete shards[issue.file]; });
    }
    return shards[issue.file];
  }
  // The articles of the issues that use every character of the query, newest issue first. An issue
  // holds a character the reader typed if it holds each character of its folded form, or (a letter
  // this browser's Unicode folds and the build's older one did not) the character itself.
  function candidates(query, fresh) {
    return loadDirectory(fresh).then(function (dir) {
      var needs = [];
      for (var c of query) {
        var folded = squeezed(c).s;
        if (!folded) { continue; }   // (a blank)
        var need = { all: [], self: dir.masks[c] };
        for (var f of folded) { need.all.push(dir.masks[f]); }
        if (need.all.indexOf(undefined) !== -1) { need.all = null; }
        if (!need.all && need.self === undefined) { return []; }
        needs.push(need);
      }
      var wanted = dir.issues.filter(function (_issue, i) {
        return needs.every(function (need) {
          return (need.all && need.all.every(function (m) { return has(m, i); })) ||
                 (need.self !== undefined && has(need.self, i));
        });
      });
      return Promise.all(wanted.map(loadShard)).then(function (all) { return [].concat.apply([], all); });
    }).catch(function (error) {
      if (!error.shard || fresh) { throw error; }
      return candidates(query, true);   // (once, with the directory as the site has it now)
    });
  }

  function occurrences(haystack, word) {
    var n = 0, at = haystack.indexOf(word);
    while (at !== -1 && n < 100) { n++; at = haystack.indexOf(word, at + word.length); }
    return n;
  }
  // An article whose title holds every word of the query first, then the ones that say it most, then the newest.
  function ranked(records, words) {
    var scored = records.map(function (record, order) {
      var inTitle = words.every(function (w) { return record.titleFolded.indexOf(w) !== -1; });
      var count = words.reduce(function (sum, w) { return sum + occurrences(record.all, w); }, 0);
      return { record: record, inTitle: inTitle, count: count, order: order };
    });
    scored.sort(function (a, b) {
      return (b.inTitle - a.inTitle) || (b.count - a.count) ||
        (a.record.date < b.record.date ? 1 : a.record.date > b.record.date ? -1 : 0) || (a.order - b.order);
    });
    return scored.map(function (s) { return s.record; });
  }

  // The excerpt: the paragraph of the first match, from the start of its sentence (not 「。学校…」,
  // not a sentence cut in the middle), about a hundred characters, the query's words marked.
  var SENTENCE_END = /[。！？!?；;][”’」』）)]*/g;
  var NO_START = /^[\s。，、；：！？…）》」』”’,.;:!?)]+/;
  var LENGTH = 110;
  function excerptRange(text, words) {
    var folded = squeezed(text), first = -1, length = 0;
    words.forEach(function (w) {
      var at = folded.s.indexOf(w);
      if (at !== -1 && (first === -1 || at < first)) { first = at; length = w.length; }
    });
    var match = first === -1 ? 0 : folded.at[first];
    var matchEnd = first === -1 ? 0 : folded.at[first + length - 1] + 1;   // (a match may run on into the next line)
    var lineStart = text.lastIndexOf("\n", match - 1) + 1;
    var lineEnd = text.indexOf("\n", Math.max(match, matchEnd - 1));
    if (lineEnd === -1) { lineEnd = text.length; }
    var start = lineStart, end;
    SENTENCE_END.lastIndex = 0;
    var before = text.slice(lineStart, match);
    while ((end = SENTENCE_END.exec(before))) { start = lineStart + end.index + end[0].length; }
    var lead = NO_START.exec(text.slice(start, match));
    if (lead) { start += lead[0].length; }
    var clipped = match - start > LENGTH / 2;   // (a long sentence: start near the match)
    if (clipped) { start = match - 20; }
    return { start: start, end: Math.min(lineEnd, Math.max(start + LENGTH, matchEnd)), before: clipped || false };
  }
  function excerpt(text, words) {
    var range = excerptRange(text, words);
    var slice = text.slice(range.start, range.end);
    var folded = squeezed(slice), marks = [];
    words.forEach(function (w) {
      for (var at = folded.s.indexOf(w); at !== -1; at = folded.s.indexOf(w, at + w.length)) {
        marks.push([folded.at[at], folded.at[at + w.length - 1] + 1]);
      }
    });
    marks.sort(function (a, b) { return a[0] - b[0]; });
    var p = document.createElement("p"), done = 0;
    p.className = "excerpt";
    if (range.before) { p.appendChild(document.createTextNode("…")); }
    marks.forEach(function (m) {
      if (m[0] < done) { m[0] = done; }
      if (m[1] <= m[0]) { return; }
      p.appendChild(document.createTextNode(slice.slice(done, m[0])));
      var mark = document.createElement("mark");
      mark.textContent = slice.slice(m[0], m[1]);
      p.appendChild(mark);
      done = m[1];
    });
    p.appendChild(document.createTextNode(slice.slice(done) + (range.end < text.length && text[range.end] !== "\n" ? "…" : "")));
    return p;
  }

  function cnDate(iso) {
    var parts = iso.split("-");
    return parts.length === 3 ? (+parts[0]) + "年" + (+parts[1]) + "月" + (+parts[2]) + "日" : iso;
  }
  function item(record, query, words) {
    var li = document.createElement("li");
    var link = document.createElement("a");
    link.className = "article-link";
    link.href = new URL(record.url, siteRoot).href + "?q=" + encodeURIComponent(query);   // (the article marks the words: site.js)
    link.textContent = record.title;
    li.appendChild(link);
    var meta = document.createElement("p");
    meta.className = "meta";
    meta.textContent = [record.label, record.section, cnDate(record.date)].filter(Boolean).join(" · ");
    li.appendChild(meta);
    li.appendChild(excerpt(record.text, words));
    return li;
  }

  // 栏目 and 年份 filters (their choices are written into the page by the build).
  var selects = Array.prototype.slice.call(document.querySelectorAll("#search-filters select"));
  var params = new URLSearchParams(location.search);
  selects.forEach(function (select) {
    select.value = params.get(select.dataset.filter) || "";
    select.addEventListener("change", function () { submit(); });
  });
  function chosenFilters() {
    var filters = {};
    selects.forEach(function (select) { if (select.value) { filters[select.dataset.filter] = select.value; } });
    return filters;
  }

  var current = 0, shown = [], showMore = null;
  function run(query) {
    var runNumber = ++current;
    list.textContent = "";
    moreButton.hidden = true;
    var words = terms(query);
    if (!words.length) { status.textContent = ""; return; }
    status.textContent = "正在搜索……";
    var filters = chosenFilters();
    candidates(query).then(function (records) {
      if (runNumber !== current) { return; }   // (a newer search has started)
      shown = ranked(records.filter(function (record) {
        return (!filters["栏目"] || record.section === filters["栏目"]) &&
               (!filters["年份"] || record.date.indexOf(filters["年份"]) === 0) &&
               words.every(function (w) { return record.all.indexOf(w) !== -1; });
      }), words);
      var listed = 0;
      showMore = function () {
        shown.slice(listed, listed + PER_PAGE).forEach(function (record) { list.appendChild(item(record, query, words)); });
        listed = Math.min(shown.length, listed + PER_PAGE);
        moreButton.hidden = listed >= shown.length;
        moreButton.textContent = "再显示 " + Math.min(PER_PAGE, shown.length - listed) + " 篇";
        status.textContent = shown.length
          ? "找到 " + shown.length + " 篇与「" + query.trim() + "」有关的文章" + (listed < shown.length ? "，显示前 " + listed + " 篇" : "")
          : "没有找到与「" + query.trim() + "」有关的文章。";
      };
      showMore();
    }).catch(function () {
      if (runNumber !== current) { return; }
      status.textContent = location.protocol === "file:"
        ? "直接打开的网页文件里不能搜索（浏览器不允许网页读取电脑上的索引文件）。发布到网站后就能搜索；要在这台电脑上试，请运行 make serve，在 http://127.0.0.1:8000/ 的页面上搜索。"
        : "搜索索引没有加载（网络不通，或网站还没有搜索索引）。请稍后再点「搜索」。";
    });
  }
  moreButton.addEventListener("click", function () {
    if (!showMore) { return; }
    var before = list.children.length;
    showMore();
    // (the reader goes on from the first new result: focus would otherwise fall to the page when the button hides)
    var first = list.children[before] && list.children[before].querySelector("a");
    if (first) { first.focus(); }
  });

  function submit() {
    var query = new URLSearchParams({ q: input.value });
    Object.entries(chosenFilters()).forEach(function (pair) { query.set(pair[0], pair[1]); });
    history.replaceState(null, "", "?" + query.toString());
    run(input.value);
  }
  form.addEventListener("submit", function (event) { event.preventDefault(); submit(); });
  var initial = params.get("q") || "";
  input.value = initial;
  run(initial);
})();
