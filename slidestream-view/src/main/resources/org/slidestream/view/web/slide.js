// The slide page: an OpenSeadragon view of the slide's Deep Zoom tiles with its layers (overlays and
// aligned images) to toggle and fade, channels with colour and contrast, a scale bar in µm, the
// cursor's level-0 coordinates and a link that reopens the same view.
(function () {
  const id = decodeURIComponent(location.pathname.split('/')[2]);
  const state = parseHash();
  let info, viewer;
  // what is drawn: one entry per tiled image (a layer, or one channel of a channel-mode layer)
  const drawn = {};

  function parseHash() {
    const s = {};
    for (const part of location.hash.replace(/^#/, '').split('&')) {
      const i = part.indexOf('=');
      if (i > 0) s[decodeURIComponent(part.slice(0, i))] = decodeURIComponent(part.slice(i + 1));
    }
    return s;
  }

  function tileSource(layer, query) {
    const q = new URLSearchParams(query).toString();
    return {
      width: info.width, height: info.height, tileSize: info.deepZoom.tileSize, tileOverlap: info.deepZoom.overlap,
      minLevel: 0, maxLevel: info.deepZoom.maxLevel,
      getTileUrl: (level, x, y) => '/tile/' + encodeURIComponent(id) + '/' + layer.id + '/' + level + '/' + x + '_' + y + '.'
        + layer.format + (q ? '?' + q : '')
    };
  }

  // Each layer's current settings, also what the link carries; the plane (z, t) of the slide shown.
  const settings = {};
  const plane = { z: Number(state.z) || 0, t: Number(state.t) || 0 };

  // Sliders for the z and t of a stack (the slide's layer only: outputs are 2D).
  function planeControls() {
    const fs = el('fieldset', { id: 'plane' }, el('legend', {}, 'Plane'));
    for (const [axis, size] of [['z', info.sizeZ], ['t', info.sizeT]]) {
      if (size <= 1) continue;
      plane[axis] = Math.min(plane[axis], size - 1);
      const value = el('span', {}, ' ' + plane[axis] + ' / ' + (size - 1));
      fs.append(el('label', {}, axis + ' ', el('input', { type: 'range', min: 0, max: size - 1, step: 1, value: plane[axis],
        id: 'plane-' + axis, oninput: e => {
          plane[axis] = Number(e.target.value); value.textContent = ' ' + plane[axis] + ' / ' + (size - 1);
          redraw(info.layers.find(l => l.kind === 'image'));
        } }), value));
    }
    return fs;
  }

  function keyOf(layer, channel) { return channel === undefined ? layer.id : layer.id + ':' + channel.index; }

  function queryOf(layer, channel) {
    const q = {};
    if (layer.kind === 'image' && plane.z) q.z = plane.z;
    if (layer.kind === 'image' && plane.t) q.t = plane.t;
    if (layer.kind === 'patches' && settings[layer.id].by) q.by = settings[layer.id].by;
    if (channel) {
      const c = settings[keyOf(layer, channel)];
      q.c = channel.index; q.lo = c.lo; q.hi = c.hi; q.color = c.color.replace('#', '');
    }
    return q;
  }

  // Adding a tiled image is asynchronous: each request carries its key's generation, and an image that
  // arrives after a newer request for the same key (a layer toggled twice quickly) is dropped at once.
  const generation = {};
  let pending = 0, failedTiles = 0, viewRestored = false;

  function show(layer, channel) {
    const key = keyOf(layer, channel);
    hide(key);
    const s = settings[key], ls = settings[layer.id];
    if (!ls.visible || (channel && !s.visible)) return;
    // Channels add up ('lighter') over the black background, whatever order their images arrive in;
    // the slide's own images stay below every overlay.
    const additive = layer.channels.length > 0;
    const mine = generation[key];
    pending++;
    viewer.addTiledImage({
      tileSource: tileSource(layer, queryOf(layer, channel)), opacity: ls.opacity,
      compositeOperation: additive ? 'lighter' : undefined,
      index: layer.kind === 'image' ? 0 : undefined,
      success: e => {
        pending--;
        if (generation[key] !== mine) { viewer.world.removeItem(e.item); return; }
        drawn[key] = e.item;
        if (!viewRestored) { viewRestored = true; restoreView(); updateScale(); updateLink(); }
      },
      error: e => { pending--; note(layer.title + ': ' + (e.message || 'cannot be shown')); }
    });
  }

  function hide(key) {
    generation[key] = (generation[key] || 0) + 1;
    if (drawn[key]) { viewer.world.removeItem(drawn[key]); delete drawn[key]; }
  }

  function note(text) {
    document.getElementById('notes').append(el('div', { className: 'note' }, text));
  }

  // The view a link names (x, y: its centre in level-0 pixels; w: its width), applied once the first
  // image is in the world and the viewer has gone to its home view (addTiledImage never raises 'open').
  function restoreView() {
    if (state.x === undefined || !(Number(state.w) > 0)) return;
    const size = viewer.viewport.getContainerSize(), w = Number(state.w), h = w * size.y / size.x;
    const item = viewer.world.getItemAt(0);
    viewer.viewport.fitBounds(item.imageToViewportRectangle(Number(state.x) - w / 2, Number(state.y) - h / 2, w, h), true);
  }

  function redraw(layer) {
    if (layer.channels.length) layer.channels.forEach(c => show(layer, c)); else show(layer);
    updateLink();
  }

  function setOpacity(layer) {
    for (const [k, item] of Object.entries(drawn)) {
      if (k === layer.id || k.startsWith(layer.id + ':')) item.setOpacity(settings[layer.id].opacity);
    }
    updateLink();
  }

  function el(tag, attrs, ...children) {
    const e = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (k.startsWith('on')) e.addEventListener(k.slice(2), v); else if (k in e) e[k] = v; else e.setAttribute(k, v);
    }
    e.append(...children);
    return e;
  }

  function layerControls(layer) {
    const s = settings[layer.id];
    const fs = el('fieldset', { id: 'layer-' + layer.id }, el('legend', {}, layer.title));
    fs.append(el('label', {}, el('input', { type: 'checkbox', checked: s.visible, className: 'toggle', 'data-layer': layer.id,
      onchange: e => { s.visible = e.target.checked; redraw(layer); } }), ' show'));
    fs.append(el('label', {}, 'opacity ', el('input', { type: 'range', min: 0, max: 1, step: 0.05, value: s.opacity,
      oninput: e => { s.opacity = Number(e.target.value); setOpacity(layer); } })));
    if (layer.values.length) {
      const sel = el('select', { onchange: e => { s.by = e.target.value; redraw(layer); } });
      for (const v of layer.values) sel.append(el('option', { value: v, selected: v === s.by }, v));
      fs.append(el('label', {}, 'colour by ', sel));
    }
    for (const [name, colour] of Object.entries(layer.legend || {})) {
      fs.append(el('div', {}, el('span', { className: 'swatch', style: 'background:' + colour }), name));
    }
    for (const c of layer.channels) {
      const cs = settings[keyOf(layer, c)];
      const row = el('div', { className: 'channel' },
        el('input', { type: 'checkbox', checked: cs.visible, onchange: e => { cs.visible = e.target.checked; show(layer, c); updateLink(); } }),
        el('span', {}, el('input', { type: 'color', value: cs.color, onchange: e => { cs.color = e.target.value; show(layer, c); updateLink(); } }),
          ' ' + c.name),
        el('span', {}, ''),
        el('span', {}, el('input', { type: 'number', value: cs.lo, step: 'any', title: 'black point',
          onchange: e => { cs.lo = Number(e.target.value); show(layer, c); updateLink(); } }), ' – ',
        el('input', { type: 'number', value: cs.hi, step: 'any', title: 'white point',
          onchange: e => { cs.hi = Number(e.target.value); show(layer, c); updateLink(); } })));
      fs.append(row);
    }
    return fs;
  }

  function initSettings() {
    const vis = state.layers !== undefined ? new Set(state.layers.split(',').filter(Boolean)) : null;
    for (const layer of info.layers) {
      const s = settings[layer.id] = { visible: vis ? vis.has(layer.id) : layer.visible, opacity: layer.opacity };
      if (state['o.' + layer.id] !== undefined) s.opacity = Number(state['o.' + layer.id]);
      if (layer.values.length) s.by = state['by.' + layer.id] || layer.values[0];
      for (const c of layer.channels) {
        const k = keyOf(layer, c), saved = (state['c.' + k] || '').split(',');
        settings[k] = saved.length === 4
          ? { visible: saved[0] === '1', color: '#' + saved[1], lo: Number(saved[2]), hi: Number(saved[3]) }
          : { visible: c.visible, color: c.color, lo: c.lo, hi: c.hi };
      }
    }
  }

  function updateLink() {
    if (!viewer || !viewer.world.getItemCount()) return;
    const vp = viewer.viewport, b = viewer.world.getItemAt(0).viewportToImageRectangle(vp.getBounds(true));
    const parts = ['x=' + Math.round(b.x + b.width / 2), 'y=' + Math.round(b.y + b.height / 2), 'w=' + Math.round(b.width)];
    parts.push('layers=' + info.layers.filter(l => settings[l.id].visible).map(l => l.id).join(','));
    for (const l of info.layers) {
      if (l.opacity !== settings[l.id].opacity) parts.push('o.' + l.id + '=' + settings[l.id].opacity);
      if (l.values.length) parts.push('by.' + l.id + '=' + encodeURIComponent(settings[l.id].by));
      for (const c of l.channels) {
        const s = settings[keyOf(l, c)];
        parts.push('c.' + keyOf(l, c) + '=' + [s.visible ? 1 : 0, s.color.replace('#', ''), s.lo, s.hi].join(','));
      }
    }
    if (plane.z) parts.push('z=' + plane.z);
    if (plane.t) parts.push('t=' + plane.t);
    const hash = '#' + parts.join('&');
    history.replaceState(null, '', hash);
    const a = document.getElementById('link');
    a.href = location.href; a.textContent = location.href;
  }

  function niceLength(um) {
    const p = Math.pow(10, Math.floor(Math.log10(um)));
    for (const m of [5, 2, 1]) if (m * p <= um) return m * p;
    return p;
  }

  function updateScale() {
    const bar = document.getElementById('scalebar');
    if (!info.mpp || !viewer.world.getItemCount()) { bar.textContent = info.mpp ? '' : 'pixel size unknown'; return; }
    const imageZoom = viewer.world.getItemAt(0).viewportToImageZoom(viewer.viewport.getZoom(true)); // screen px per level-0 px
    const umPerScreenPx = info.mpp / imageZoom;
    const um = niceLength(umPerScreenPx * 150), px = um / umPerScreenPx;
    bar.replaceChildren(um >= 1000 ? (um / 1000) + ' mm' : um + ' µm', el('div', { style: 'width:' + Math.round(px) + 'px' }));
  }

  fetch('/api/slide/' + encodeURIComponent(id)).then(r => r.json()).then(d => {
    info = d;
    document.title = id + ' — slidestream view';
    document.getElementById('title').textContent = id + (d.file ? ' (' + d.file + ')' : '');
    if (d.cohort) { const b = document.getElementById('back'); b.href = '/cohort/' + encodeURIComponent(d.cohort); b.textContent = d.cohort; }
    const figs = document.getElementById('figures');
    if (d.figures.length) figs.append(el('h2', {}, 'Figures'));
    for (const f of d.figures) figs.append(el('div', {}, f.name), el('a', { href: f.url, target: '_blank' }, el('img', { src: f.url, alt: f.name })));
    const notes = document.getElementById('notes');
    for (const n of d.notes || []) note(n);
    if (d.error) { notes.append(el('div', { className: 'note', id: 'error' }, d.error)); return; }
    document.getElementById('info').append(el('div', {}, d.width + ' x ' + d.height + ' px, ' + d.format + ', ' + d.pixelType
      + (d.mpp ? ', ' + d.mpp.toFixed(4) + ' µm/px' : '') + (d.magnification ? ', ' + d.magnification + 'x' : '')));
    initSettings();
    viewer = OpenSeadragon({
      element: document.getElementById('viewer'), prefixUrl: '/static/osd/images/', drawer: 'canvas',
      showNavigator: true, navigatorPosition: 'TOP_RIGHT', maxZoomPixelRatio: 4, animationTime: 0.4,
      gestureSettingsMouse: { clickToZoom: false }
    });
    const layers = document.getElementById('layers');
    if (d.sizeZ > 1 || d.sizeT > 1) layers.append(planeControls());
    for (const layer of d.layers) layers.append(layerControls(layer));
    for (const layer of d.layers) redraw(layer);
    viewer.addHandler('tile-load-failed', e => {
      if (failedTiles++ === 0) note('some tiles could not be loaded: ' + (e.message || 'no answer from the server'));
    });
    viewer.addHandler('animation', updateScale);
    viewer.addHandler('animation-finish', () => { updateScale(); updateLink(); });
    new OpenSeadragon.MouseTracker({
      element: viewer.container,
      moveHandler: e => {
        if (!viewer.world.getItemCount()) return;
        const p = viewer.world.getItemAt(0).viewerElementToImageCoordinates(e.position);
        document.getElementById('status').textContent = 'x ' + Math.round(p.x) + '  y ' + Math.round(p.y) + ' (level 0)';
      }
    });
    window.slidestreamViewer = viewer;
    // for scripts and tests: whether every layer asked for is in the world, its tiles loaded and drawn
    window.slidestreamIdle = () => pending === 0 && !viewer.imageLoader.jobsInProgress && !viewer.world.needsDraw()
      && [...Array(viewer.world.getItemCount()).keys()].every(i => viewer.world.getItemAt(i).getFullyLoaded());
    window.slidestreamFailedTiles = () => failedTiles;
  });
})();
