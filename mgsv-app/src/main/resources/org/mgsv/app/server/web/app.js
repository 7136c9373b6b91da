// mgsv web page: upload a video, show the top moments, preview each in sync with the video, download renders.
(function () {
  'use strict';
  const $ = (id) => document.getElementById(id);
  const drop = $('drop'), fileInput = $('file'), video = $('video'), audio = $('audio');
  let state = { upload: null, videoUrl: null, results: [], playing: -1 };

  const fmt = (t) => {
    const m = Math.floor(t / 60), s = t - 60 * m;
    return m + ':' + (s < 10 ? '0' : '') + s.toFixed(1);
  };
  const showError = (msg) => { const e = $('error'); e.textContent = msg; e.hidden = !msg; };

  fetch('api/health').then((r) => r.json()).then((h) => {
    $('status').textContent = h.tracks + ' tracks in the catalog';
    $('model').textContent = 'model: ' + h.model + ' · shortlist: ' + h.shortlist;
  }).catch(() => { $('status').textContent = 'server not reachable'; });

  drop.addEventListener('dragover', (e) => { e.preventDefault(); drop.classList.add('over'); });
  drop.addEventListener('dragleave', () => drop.classList.remove('over'));
  drop.addEventListener('drop', (e) => {
    e.preventDefault(); drop.classList.remove('over');
    if (e.dataTransfer.files.length) handleFile(e.dataTransfer.files[0]);
  });
  fileInput.addEventListener('change', () => { if (fileInput.files.length) handleFile(fileInput.files[0]); });

  function handleFile(file) {
    showError('');
    stop();
    if (state.videoUrl) URL.revokeObjectURL(state.videoUrl);
    state.videoUrl = URL.createObjectURL(file);
    video.src = state.videoUrl;
    $('player').hidden = false;
    $('results').innerHTML = '';
    $('results-title').hidden = true;
    drop.classList.add('busy');
    drop.querySelector('.big').textContent = 'Analysing ' + file.name;
    const q = 'top=' + $('top').value + ($('snap').checked ? '&snap=beats' : '');
    const xhr = new XMLHttpRequest();
    xhr.open('POST', 'api/ground?' + q);
    xhr.setRequestHeader('Content-Type', 'application/octet-stream');
    xhr.upload.onprogress = (e) => {
      if (e.lengthComputable) drop.querySelector('.small').textContent = 'uploading ' + Math.round(100 * e.loaded / e.total) + ' %';
    };
    xhr.onload = () => {
      drop.classList.remove('busy');
      drop.querySelector('.big').textContent = 'Drop another video';
      drop.querySelector('.small').textContent = 'or click to choose a file';
      let body = null;
      try { body = JSON.parse(xhr.responseText); } catch (e) { /* not JSON */ }
      if (xhr.status !== 200) { showError((body && body.error) || ('upload failed: HTTP ' + xhr.status)); return; }
      state.upload = body.upload;
      state.results = body.results;
      renderResults(body);
    };
    xhr.onerror = () => { drop.classList.remove('busy'); showError('network error while uploading'); };
    xhr.send(file);
  }

  function audioUrl(r) {
    return 'api/tracks/' + encodeURIComponent(r.trackId) + '/audio?start=' + r.moment.start.toFixed(3) + '&end=' + r.moment.end.toFixed(3);
  }

  function renderResults(body) {
    const ol = $('results');
    ol.innerHTML = '';
    $('results-title').hidden = false;
    $('results-title').textContent = body.results.length ? 'Top moments (' + body.seconds.toFixed(2) + ' s)' : 'No tracks in the catalog';
    body.results.forEach((r, i) => {
      const li = document.createElement('li');
      li.className = 'card';
      li.dataset.index = i;
      li.innerHTML =
        '<div class="rank">' + r.rank + '</div>' +
        '<div><div class="title"></div><div class="meta"></div></div>' +
        '<div class="score">score ' + r.score.toFixed(3) + '<br>dual ' + r.dualScore.toFixed(3) + ' · single ' + r.singleScore.toFixed(3) + '</div>' +
        '<canvas class="wave" width="600" height="46"></canvas>' +
        '<div class="actions"><button class="play">▶ Play with video</button>' +
        '<button class="render">Render mp4</button>' +
        '<span class="times"></span></div>';
      li.querySelector('.title').textContent = r.title || r.trackId;
      li.querySelector('.meta').textContent = [r.artist, r.licence, fmt(r.trackDuration)].filter(Boolean).join(' · ');
      li.querySelector('.times').textContent = 'moment ' + fmt(r.moment.start) + '–' + fmt(r.moment.end) +
        (r.snapped ? ' (on the beat)' : '') + ' · model ' + fmt(Math.max(0, r.raw.start)) + '–' + fmt(r.raw.end);
      li.querySelector('.play').addEventListener('click', () => play(i));
      li.querySelector('.render').addEventListener('click', (e) => renderMp4(i, e.target));
      ol.appendChild(li);
      drawWave(li.querySelector('canvas'), r);
    });
  }

  function drawWave(canvas, r) {
    const ctx = canvas.getContext('2d');
    const w = canvas.width, h = canvas.height;
    ctx.fillStyle = '#2a2f3a';
    ctx.fillRect(0, h / 2 - 1, w, 2);
    fetch(audioUrl(r)).then((resp) => {
      if (!resp.ok) throw new Error('HTTP ' + resp.status);
      return resp.arrayBuffer();
    }).then((buf) => {
      // 16-bit mono WAV with a 44-byte header
      const pcm = new Int16Array(buf, 44, Math.floor((buf.byteLength - 44) / 2));
      const per = Math.max(1, Math.floor(pcm.length / w));
      ctx.clearRect(0, 0, w, h);
      const grad = ctx.createLinearGradient(0, 0, w, 0);
      grad.addColorStop(0, '#5cc8ff'); grad.addColorStop(1, '#ffb86b');
      ctx.fillStyle = grad;
      for (let x = 0; x < w; x++) {
        let peak = 0;
        const from = x * per, to = Math.min(pcm.length, from + per);
        for (let j = from; j < to; j++) { const v = Math.abs(pcm[j]); if (v > peak) peak = v; }
        const bar = Math.max(1, (peak / 32768) * (h - 4));
        ctx.fillRect(x, (h - bar) / 2, 1, bar);
      }
      canvas.dataset.drawn = 'true';
    }).catch(() => { canvas.dataset.drawn = 'error'; });
  }

  function stop() {
    video.pause(); audio.pause();
    document.querySelectorAll('.card.playing').forEach((c) => c.classList.remove('playing'));
    state.playing = -1;
  }

  function play(i) {
    stop();
    const r = state.results[i];
    state.playing = i;
    document.querySelector('.card[data-index="' + i + '"]').classList.add('playing');
    $('now').textContent = 'Playing #' + r.rank + ': ' + (r.title || r.trackId) + ' from ' + fmt(r.moment.start);
    audio.src = audioUrl(r);
    video.muted = true;
    video.currentTime = 0;
    audio.currentTime = 0;   // the preview starts at the moment's start
    Promise.all([video.play(), audio.play()]).catch((e) => showError('cannot play: ' + e.message));
  }

  // keep the music locked to the video: seek, pause and resume together, correct drift
  video.addEventListener('pause', () => { if (state.playing >= 0) audio.pause(); });
  video.addEventListener('play', () => { if (state.playing >= 0 && audio.paused) audio.play().catch(() => {}); });
  video.addEventListener('seeked', () => { if (state.playing >= 0) audio.currentTime = video.currentTime; });
  video.addEventListener('timeupdate', () => {
    if (state.playing >= 0 && !video.paused && Math.abs(audio.currentTime - video.currentTime) > 0.15) {
      audio.currentTime = video.currentTime;
    }
  });
  video.addEventListener('ended', () => audio.pause());

  function renderMp4(i, button) {
    const r = state.results[i];
    button.disabled = true;
    button.textContent = 'Rendering…';
    fetch('api/render', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ upload: state.upload, track: r.trackId, start: r.moment.start, end: r.moment.end, originalAudio: $('orig').value })
    }).then((resp) => {
      if (!resp.ok) return resp.json().then((b) => { throw new Error(b.error || ('HTTP ' + resp.status)); });
      return resp.blob();
    }).then((blob) => {
      const a = document.createElement('a');
      a.href = URL.createObjectURL(blob);
      a.download = 'mgsv-' + r.trackId + '.mp4';
      a.className = 'button download';
      a.textContent = '⬇ Download';
      button.replaceWith(a);
    }).catch((e) => { button.disabled = false; button.textContent = 'Render mp4'; showError('render failed: ' + e.message); });
  }
})();
