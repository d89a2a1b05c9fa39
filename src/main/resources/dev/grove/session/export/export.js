// Draws the session tree of this page from the JSON in #grove-session. Every piece of text goes in
// through textContent: nothing from the session ever becomes markup. Long linear runs show their
// ends and the marked entry and fold the rest; branches off the marked path are drawn when opened.
(function () {
  'use strict';
  var data = JSON.parse(document.getElementById('grove-session').textContent);
  var E = data.entries;
  var n = E.length;
  var HALF = 50;
  var PAGE = 100;
  var index = new Map();
  var i;
  for (i = 0; i < n; i++) {
    index.set(E[i].id, i);
  }
  var parent = new Int32Array(n);
  var kids = new Array(n);
  var roots = [];
  for (i = 0; i < n; i++) {
    var p = E[i].parentId == null ? undefined : index.get(E[i].parentId);
    if (p === undefined) {
      parent[i] = -1;
      roots.push(i);
    } else {
      parent[i] = p;
      (kids[p] || (kids[p] = [])).push(i);
    }
  }
  var size = new Int32Array(n).fill(1);
  for (i = n - 1; i >= 0; i--) {
    if (parent[i] >= 0) {
      size[parent[i]] += size[i];
    }
  }
  var marked = index.has(data.marked) ? index.get(data.marked) : -1;
  var onPath = new Uint8Array(n);
  for (i = marked; i >= 0; i = parent[i]) {
    onPath[i] = 1;
  }
  var labels = new Map(Object.entries(data.labels));
  var headsAt = new Map();
  Object.entries(data.heads).forEach(function (h) {
    var list = headsAt.get(h[1]) || [];
    list.push(h[0]);
    headsAt.set(h[1], list);
  });
  var ROLES = { system: 'system', user: 'user', assistant: 'assistant', tool: 'tool' };

  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) {
      e.className = cls;
    }
    if (text != null) {
      e.textContent = text;
    }
    return e;
  }

  function count(x) {
    return x.toLocaleString('en');
  }

  function lineCount(s) {
    var c = 1;
    for (var k = s.indexOf('\n'); k >= 0; k = s.indexOf('\n', k + 1)) {
      c++;
    }
    return c;
  }

  function folded(title, text, cls) {
    var d = el('details', cls);
    d.appendChild(el('summary', null, title));
    d.appendChild(el('pre', null, text));
    return d;
  }

  // text shown as it is, or folded under a line saying how long it is
  function longText(text, what, cls, maxChars, maxLines) {
    var lines = lineCount(text);
    if (text.length > maxChars || lines > maxLines) {
      return folded(
        what + ' · ' + count(lines) + ' lines, ' + count(text.length) + ' characters',
        text,
        cls + ' long'
      );
    }
    return el('pre', cls, text);
  }

  function what(e) {
    if (e.type === 'message') {
      return e.role === 'tool' ? 'tool result' : e.role;
    }
    if (e.type === 'summary') {
      return e.kind + ' summary';
    }
    if (e.type === 'event') {
      return 'event ' + e.kind;
    }
    return 'unknown type ' + e.unknownType;
  }

  function preview(e) {
    var t = e.content || '';
    if (!t && e.toolCalls) {
      t = '→ ' + e.toolCalls.map(function (c) { return c.name; }).join(', ');
    }
    t = t.replace(/\s+/g, ' ').trim();
    return t.length > 100 ? t.slice(0, 99) + '…' : t;
  }

  function row(k) {
    var e = E[k];
    var kind = e.type === 'message' ? ROLES[e.role] || 'other' : ({ summary: 'summary', event: 'event' })[e.type] || 'unknown';
    var d = el('div', 'entry ' + kind + (onPath[k] ? ' on-path' : '') + (k === marked ? ' marked' : ''));
    d.id = 'e-' + e.id;
    var h = el('div', 'head');
    h.appendChild(el('span', 'kind', what(e)));
    h.appendChild(el('code', 'id', e.id));
    h.appendChild(el('span', 'lane', e.lane));
    if (labels.has(e.id)) {
      h.appendChild(el('span', 'label', '#' + labels.get(e.id)));
    }
    (headsAt.get(e.id) || []).forEach(function (lane) {
      h.appendChild(el('span', 'head-of', '◀ ' + lane));
    });
    if (k === marked) {
      h.appendChild(el('span', 'mark', '● marked'));
    }
    if (e.model) {
      h.appendChild(el('span', 'model', e.model));
    }
    if (e.usage) {
      h.appendChild(el('span', 'usage',
        count(e.usage.input) + ' in · ' + count(e.usage.output) + ' out' +
        (e.usage.cost > 0 ? ' · $' + e.usage.cost.toFixed(4) : '')));
    }
    if (e.ts) {
      h.appendChild(el('time', 'ts', e.ts));
    }
    d.appendChild(h);
    body(d, e);
    return d;
  }

  function body(d, e) {
    if (e.type === 'message') {
      (e.thinking || []).forEach(function (t) {
        d.appendChild(folded('thinking', t, 'thinking'));
      });
      if (e.role === 'tool') {
        d.appendChild(el('div', 'answers',
          'answers ' + (e.toolCallId == null ? '?' : e.toolCallId) + (e.isError ? ' · error' : '')));
        if (e.content != null) {
          d.appendChild(longText(e.content, 'result', e.isError ? 'result error' : 'result', 1500, 20));
        }
      } else if (e.content) {
        d.appendChild(longText(e.content, 'text', 'text', 20000, 400));
      }
      (e.toolCalls || []).forEach(function (c) {
        var call = el('div', 'call');
        call.appendChild(el('span', 'call-name', '→ ' + c.name));
        call.appendChild(el('code', 'id', c.id));
        call.appendChild(longText(c.arguments, 'arguments', 'args', 3000, 40));
        d.appendChild(call);
      });
      if (e.checkpoint) {
        d.appendChild(el('div', 'checkpoint', 'checkpoint ' + e.checkpoint));
      }
    } else if (e.type === 'summary') {
      d.appendChild(el('div', 'covers', 'stands for ' + e.fromId + ' … ' + e.toId));
      d.appendChild(longText(e.content, 'summary', 'text', 20000, 400));
    } else if (e.type === 'event') {
      if (e.data) {
        d.appendChild(folded('data', e.data, 'data'));
      }
    } else {
      d.appendChild(el('div', 'unknown-type',
        'an entry of type "' + e.unknownType + '", which this grove does not know'));
      d.appendChild(folded('the entry as written', e.json, 'data'));
    }
  }

  // a run from start: each entry's child on the marked path, else its first child
  function chainFrom(start) {
    var chain = [];
    for (var k = start; ;) {
      chain.push(k);
      var ks = kids[k];
      if (!ks) {
        return chain;
      }
      var next = ks[0];
      for (var j = 0; j < ks.length; j++) {
        if (onPath[ks[j]]) {
          next = ks[j];
          break;
        }
      }
      k = next;
    }
  }

  function renderChain(container, start) {
    var chain = chainFrom(start);
    var len = chain.length;
    var show = new Uint8Array(len);
    function keep(a, b) {
      for (var j = Math.max(0, a); j < Math.min(len, b); j++) {
        show[j] = 1;
      }
    }
    keep(0, HALF);
    keep(len - HALF, len);
    var at = marked >= 0 && onPath[start] ? chain.indexOf(marked) : -1;
    if (at >= 0) {
      keep(at - HALF, at + HALF);
    }
    var frag = document.createDocumentFragment();
    for (var j = 0; j < len; ) {
      if (show[j]) {
        appendRow(frag, chain, j);
        j++;
      } else {
        var g = j;
        while (g < len && !show[g]) {
          g++;
        }
        frag.appendChild(gap(chain, j, g));
        j = g;
      }
    }
    container.appendChild(frag);
  }

  function appendRow(container, chain, j) {
    var k = chain[j];
    container.appendChild(row(k));
    if (kids[k] && kids[k].length > 1) {
      container.appendChild(branches(k, chain[j + 1]));
    }
  }

  function gap(chain, a, b) {
    var g = el('div', 'gap');
    g.appendChild(el('span', null, '⋯ ' + count(b - a) + (b - a === 1 ? ' entry' : ' entries') + ' folded '));
    function open(upTo) {
      var frag = document.createDocumentFragment();
      for (var j = a; j < upTo; j++) {
        appendRow(frag, chain, j);
      }
      if (upTo < b) {
        frag.appendChild(gap(chain, upTo, b));
      }
      g.replaceWith(frag);
    }
    var more = el('button', 'show-more', 'show ' + count(Math.min(PAGE, b - a)));
    more.type = 'button';
    more.addEventListener('click', function () { open(Math.min(b, a + PAGE)); });
    var all = el('button', 'show-all', 'show all');
    all.type = 'button';
    all.addEventListener('click', function () { open(b); });
    g.appendChild(more);
    g.appendChild(all);
    return g;
  }

  // the other children of a branch point, each a subtree drawn the first time it is opened
  function branches(k, continued) {
    var box = el('div', 'branches');
    kids[k].forEach(function (c) {
      if (c === continued) {
        return;
      }
      var d = el('details', 'branch');
      d.dataset.entry = E[c].id;
      var s = el('summary');
      s.appendChild(el('span', 'branch-lane', E[c].lane));
      s.appendChild(el('span', 'branch-size', count(size[c]) + (size[c] === 1 ? ' entry' : ' entries')));
      s.appendChild(el('span', 'branch-preview', what(E[c]) + ': ' + preview(E[c])));
      d.appendChild(s);
      var inner = el('div', 'subtree');
      d.appendChild(inner);
      var drawn = false;
      d.addEventListener('toggle', function () {
        if (d.open && !drawn) {
          drawn = true;
          renderChain(inner, c);
        }
      });
      box.appendChild(d);
    });
    var rest = el('div', 'continues', continued === undefined ? '' : '↓ continues on lane ' + E[continued].lane);
    box.appendChild(rest);
    return box;
  }

  var tree = document.getElementById('tree');
  roots.forEach(function (r) {
    var root = el('section', 'root');
    renderChain(root, r);
    tree.appendChild(root);
  });
  if (n === 0) {
    tree.appendChild(el('p', null, 'This session has no entries.'));
  }
  document.getElementById('to-marked').addEventListener('click', function () {
    var m = document.getElementById('e-' + data.marked);
    if (m) {
      m.scrollIntoView({ block: 'center' });
    }
  });
  document.getElementById('close-all').addEventListener('click', function () {
    document.querySelectorAll('details.branch[open]').forEach(function (d) {
      d.open = false;
    });
  });
  document.body.dataset.ready = 'true';
})();
