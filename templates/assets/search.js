// search.js: the site's search (站内搜索), tongbao's own. No libraries, no
// server: it reads the index the build wrote under search/ (see
// docs/format.md, 站内搜索) and the result pages themselves for snippets.
// Terms are made exactly as the build makes them (SearchTerms.swift):
// Chinese as character bigrams, a lone Chinese character as itself, Latin
// letters and digits as lowercase words; a term is the FNV-1a hash of its
// UTF-8 bytes. Text is only ever inserted as text nodes (never as HTML).
(function () {
  'use strict';
  var script = document.currentScript;
  var root = (script && script.getAttribute('data-root')) || '/';
  var form = document.querySelector('.search-form');
  var input = document.getElementById('search-query');
  var statusLine = document.getElementById('search-status');
  var list = document.getElementById('search-results');
  var more = document.getElementById('search-more');
  if (!form || !input || !statusLine || !list || !more || !window.fetch || !window.TextEncoder) return;

  var PAGE = 10;
  var encoder = new TextEncoder();
  var cache = {};       // URL → promise of parsed JSON
  var current = null;   // the search being shown: {terms, phrases, ranked, shown, partial}
  var generation = 0;   // bumped by every new search: late answers of an older one are dropped

  function isHan(c) {
    return (c >= 0x4E00 && c <= 0x9FFF) || (c >= 0x3400 && c <= 0x4DBF) ||
      (c >= 0xF900 && c <= 0xFAFF) || (c >= 0x20000 && c <= 0x323AF);
  }
  function fold(c) {
    if (c >= 0xFF01 && c <= 0xFF5E) c -= 0xFEE0;
    if (c >= 0x41 && c <= 0x5A) c += 0x20;
    return c;
  }
  // Short forms and the names documents write out in full (SearchTerms.shortForms: the build gives a document
  // holding the full form the short form's terms; here the full form is marked in the results too).
  var SHORT_FORMS = {
    '危化品': '危险化学品',
    '安委办': '安全生产委员会办公室',
    '安委会': '安全生产委员会',
    '应急局': '应急管理局',
    '住建局': '住房和城乡建设局',
    '市监局': '市场监督管理局',
    '交通局': '交通运输局',
    '重大隐患': '重大事故隐患'
  };

  function isWord(c) { return (c >= 0x30 && c <= 0x39) || (c >= 0x61 && c <= 0x7A); }

  function hash(text) {
    var bytes = encoder.encode(text), h = 0x811C9DC5;
    for (var i = 0; i < bytes.length; i++) h = Math.imul(h ^ bytes[i], 0x01000193) >>> 0;
    return h >>> 0;
  }

  // The query's terms (each to be found) and its phrases (what is highlighted).
  function analyse(query) {
    var terms = [], phrases = [], seen = {};
    function term(text, lone) {
      if (!seen[text]) { seen[text] = true; terms.push({ text: text, hash: hash(text), lone: !!lone }); }
    }
    var han = [], word = '';
    function endHan() {
      if (han.length === 1) term(han[0], true);
      for (var i = 1; i < han.length; i++) term(han[i - 1] + han[i]);
      if (han.length) {
        var phrase = han.join('');
        phrases.push(phrase);
        Object.keys(SHORT_FORMS).forEach(function (short) {
          if (phrase.length > 1 && (short.indexOf(phrase) >= 0 || phrase.indexOf(short) >= 0)) phrases.push(SHORT_FORMS[short]);
        });
      }
      han = [];
    }
    function endWord() { if (word) { term(word); phrases.push(word); } word = ''; }
    for (var ch of query) {
      var c = fold(ch.codePointAt(0));
      if (isHan(c)) { endWord(); han.push(String.fromCodePoint(c)); }
      else if (isWord(c)) { endHan(); word += String.fromCharCode(c); }
      else { endHan(); endWord(); }
    }
    endHan(); endWord();
    // A pasted paragraph is not a query: its first terms are enough (and each is a file to fetch).
    terms = terms.slice(0, 24);
    // A lone Chinese character beside other terms ("2026年", "第3期") is indexed only where it stands
    // alone or in a title: it adds to the score but is not required.
    var others = terms.some(function (t) { return !t.lone; });
    terms.forEach(function (t) { t.optional = others && t.lone; });
    phrases.sort(function (a, b) { return b.length - a.length; });
    return { terms: terms, phrases: phrases };
  }

  function load(path) {
    var url = root + path;
    if (!cache[url]) {
      // no-cache: the browser asks the server whether the file changed since it kept it (a rebuild may have changed it).
      cache[url] = fetch(url, { cache: 'no-cache', credentials: 'same-origin' }).then(function (response) {
        if (!response.ok) throw new Error(url + ': ' + response.status);
        return response.json();
      });
      cache[url].catch(function () { delete cache[url]; });
    }
    return cache[url];
  }

  // The postings' numbers are base-32 digits, the last digit of each number from its own alphabet.
  var MORE = '0123456789abcdefghijklmnopqrstuv', FINAL = 'ABCDEFGHIJKLMNOPQRSTUVWXYZwxyz-_', DIGIT = {};
  for (var d = 0; d < 32; d++) { DIGIT[MORE.charCodeAt(d)] = d; DIGIT[FINAL.charCodeAt(d)] = 32 + d; }

  // Postings of one term: document number → 1 when in the title, 0 when only in the body.
  function postings(meta, term) {
    var shard = (term.hash & (meta.shards - 1)) >>> 0;
    return load('search/terms/' + shard + '.json').then(function (terms) {
      var text = terms[term.hash.toString(36)] || '', found = new Map(), id = 0, value = 0;
      for (var i = 0; i < text.length; i++) {
        var digit = DIGIT[text.charCodeAt(i)];
        if (digit === undefined) continue;
        if (digit < 32) { value = value * 32 + digit; continue; }
        value = value * 32 + digit - 32;
        id += Math.floor(value / 2);
        found.set(id, value % 2);
        value = 0;
      }
      return found;
    });
  }

  function rank(meta, terms, lists, dates) {
    var scores = new Map(), matched = new Map();
    var required = terms.filter(function (term) { return !term.optional; }).length;
    terms.forEach(function (term, index) {
      var list = lists[index];
      if (!list.size) return;
      var idf = Math.log(1 + meta.documents / list.size);
      list.forEach(function (title, id) {
        scores.set(id, (scores.get(id) || 0) + idf * (title ? 3 : 1));
        if (!term.optional) matched.set(id, (matched.get(id) || 0) + 1);
      });
    });
    var all = [], partial = [];
    scores.forEach(function (score, id) {
      var hits = matched.get(id) || 0;
      if (hits) (hits === required ? all : partial).push({ id: id, score: score, hits: hits });
    });
    function order(a, b) {
      return (b.hits - a.hits) || (b.score - a.score) || ((dates.get(b.id) || 0) - (dates.get(a.id) || 0)) || (a.id - b.id);
    }
    if (all.length) return { ranked: all.sort(order), partial: false };
    return { ranked: partial.sort(order), partial: true };
  }

  function datesOf(json) {
    var dates = new Map(), id = 0;
    for (var i = 0; i < json.ids.length; i++) { id += json.ids[i]; dates.set(id, json.days[i]); }
    return dates;
  }

  // Text with every phrase marked, as nodes appended to `parent`.
  function appendMarked(parent, text, phrases) {
    var lower = text.toLowerCase(), at = 0;
    while (at < text.length) {
      var best = -1, length = 0;
      phrases.forEach(function (phrase) {
        var found = lower.indexOf(phrase, at);
        if (found >= 0 && (best < 0 || found < best || (found === best && phrase.length > length))) { best = found; length = phrase.length; }
      });
      if (best < 0) break;
      if (best > at) parent.appendChild(document.createTextNode(text.slice(at, best)));
      var mark = document.createElement('mark');
      mark.textContent = text.slice(best, best + length);
      parent.appendChild(mark);
      at = best + length;
    }
    if (at < text.length) parent.appendChild(document.createTextNode(text.slice(at)));
  }

  // The passage of a page's main text that holds the most of the phrases (110 characters or so).
  function snippet(html, phrases) {
    var page = new DOMParser().parseFromString(html, 'text/html');
    var main = page.querySelector('main') || page.body;
    if (!main) return '';
    var heading = main.querySelector('h1');
    if (heading) heading.remove();
    var text = (main.textContent || '').replace(/\s+/g, ' ').trim(), lower = text.toLowerCase();
    // Where the phrases stand; the passage is the one that holds the most of them (the first such).
    var places = [];
    phrases.forEach(function (phrase, index) {
      for (var at = lower.indexOf(phrase); at >= 0 && places.length < 400; at = lower.indexOf(phrase, at + phrase.length)) {
        places.push({ at: at, phrase: index });
      }
    });
    places.sort(function (a, b) { return a.at - b.at; });
    var best = places.length ? places[0].at : 0, most = 0;
    places.forEach(function (place) {
      var held = {}, count = 0;
      places.forEach(function (other) {
        if (other.at >= place.at && other.at < place.at + 80 && !held[other.phrase]) { held[other.phrase] = true; count++; }
      });
      if (count > most) { most = count; best = place.at; }
    });
    var start = Math.max(0, best - 30);
    var cut = text.slice(start, start + 110);
    return (start > 0 ? '…' : '') + cut + (start + 110 < text.length ? '…' : '');
  }

  function show(search, meta) {
    var page = search.ranked.slice(search.shown, search.shown + PAGE);
    search.shown += page.length;
    var chunks = page.map(function (hit) { return load('search/docs/' + Math.floor(hit.id / (meta.ids / meta.chunks)) + '.json'); });
    return Promise.all(chunks).then(function (loaded) {
      if (search !== current) return;
      page.forEach(function (hit, index) {
        var entry = loaded[index][String(hit.id)];
        if (!entry) return;
        var item = document.createElement('li');
        item.className = 'search-result';
        var heading = document.createElement('h2');
        heading.className = 'search-result-title';
        var link = document.createElement('a');
        link.href = root + entry[1];
        appendMarked(link, entry[0], search.phrases);
        heading.appendChild(link);
        var about = document.createElement('p');
        about.className = 'search-result-meta';
        about.textContent = entry[3] + (entry[2] ? ' · ' + entry[2] : '');
        var passage = document.createElement('p');
        passage.className = 'search-result-snippet';
        item.appendChild(heading);
        item.appendChild(about);
        item.appendChild(passage);
        list.appendChild(item);
        fetch(link.href, { credentials: 'same-origin' }).then(function (response) {
          return response.ok ? response.text() : '';
        }).then(function (html) {
          if (search === current && html) appendMarked(passage, snippet(html, search.phrases), search.phrases);
        }).catch(function () {});
      });
      more.hidden = search.shown >= search.ranked.length;
    });
  }

  function run(query) {
    var mine = ++generation;
    current = null;
    while (list.firstChild) list.removeChild(list.firstChild);
    more.hidden = true;
    var analysed = analyse(query);
    if (!analysed.terms.length) {
      statusLine.textContent = query.trim() ? '请输入中文词语、数字或字母。' : '';
      return;
    }
    statusLine.textContent = '正在搜索……';
    load('search/meta.json').then(function (meta) {
      return Promise.all([Promise.all(analysed.terms.map(function (term) { return postings(meta, term); })),
        load('search/dates.json')]).then(function (answers) {
        if (mine !== generation) return;
        var result = rank(meta, analysed.terms, answers[0], datesOf(answers[1]));
        var search = { phrases: analysed.phrases, ranked: result.ranked, shown: 0 };
        current = search;
        var shownQuery = '“' + query.trim() + '”';
        if (!result.ranked.length) {
          statusLine.textContent = '没有找到包含' + shownQuery + '的内容。可以换一个词，或减少词语再试。';
          return;
        }
        statusLine.textContent = (result.partial
          ? '没有同时包含' + shownQuery + '各个词语的内容；以下 ' + result.ranked.length + ' 条包含其中一部分。'
          : '找到 ' + result.ranked.length + ' 条包含' + shownQuery + '的结果。');
        return show(search, meta);
      });
    }).catch(function () {
      if (mine === generation) statusLine.textContent = '搜索索引暂时无法读取，请稍后再试。';
    });
  }

  function fromAddress() {
    var query = new URLSearchParams(location.search).get('q') || '';
    input.value = query;
    run(query);
  }

  form.addEventListener('submit', function (event) {
    event.preventDefault();
    var query = input.value;
    history.pushState(null, '', form.getAttribute('action') + '?q=' + encodeURIComponent(query));
    run(query);
  });
  more.addEventListener('click', function () {
    if (!current) return;
    var first = list.children.length;
    load('search/meta.json').then(function (meta) { return show(current, meta); }).then(function () {
      // The first new result takes the focus, so a keyboard or screen-reader user goes on from there.
      var link = list.children[first] && list.children[first].querySelector('a');
      if (link) link.focus();
    });
  });
  window.addEventListener('popstate', fromAddress);
  fromAddress();
})();
