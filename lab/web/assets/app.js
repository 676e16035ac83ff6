/* Keyplane lab demo page: token -> Shaka Player -> /clearkey (DASH CENC) or /hls/key (HLS AES-128).
 * Query: ?play=dash|hls starts playback at once; &token=0 plays without a token.
 * State for humans is on the page; state for tests is window.keyplaneLab. */
(function () {
  "use strict";
  var $ = function (id) { return document.getElementById(id); };
  var lab = window.keyplaneLab = { stream: null, hasToken: false, keyStatuses: {}, errors: [], licenseStatuses: [], frames: 0, state: "idle" };
  var player = null;

  function setState(s) { lab.state = s; $("state").textContent = s; }
  function addError(msg, code) {
    lab.errors.push({ code: code === undefined ? null : code, message: msg });
    var li = document.createElement("li");
    li.textContent = (code !== undefined && code !== null ? "[" + code + "] " : "") + msg;
    $("errors").appendChild(li);
    setState("error");
  }

  async function json(url, init) {
    var res = await fetch(url, init);
    var body = await res.text();
    if (!res.ok) throw new Error(url + " answered " + res.status + ": " + body.slice(0, 200));
    return JSON.parse(body);
  }

  async function getToken(kids) {
    var r = await json("/token", { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ subject: "demo", kids: kids }) });
    return r.token;
  }

  /** The HTTP status inside a Shaka error (BAD_HTTP_STATUS, possibly wrapped in LICENSE_REQUEST_FAILED). */
  function httpStatusOf(d) {
    for (var i = 0; d && i < 3; i++) {
      if (d.code === 1001 && d.data && typeof d.data[1] === "number") return d.data[1];
      d = d.data && d.data[0] && typeof d.data[0] === "object" ? d.data[0] : null;
    }
    return null;
  }

  function describeShakaError(e) {
    var d = e && e.detail ? e.detail : e;
    var name = "";
    try {
      for (var k in shaka.util.Error.Code) if (shaka.util.Error.Code[k] === d.code) name = k;
    } catch (_) { /* ignore */ }
    var st = httpStatusOf(d);
    var status = st !== null ? " (HTTP " + st + ")" : "";
    return { code: d && d.code, message: (name || "Shaka error") + status };
  }

  function watch(video) {
    setInterval(function () {
      var q = video.getVideoPlaybackQuality ? video.getVideoPlaybackQuality() : null;
      lab.frames = q ? q.totalVideoFrames : 0;
      $("frames").textContent = String(lab.frames);
      if (player) {
        var ks = player.getKeyStatuses ? player.getKeyStatuses() : {};
        if (ks && Object.keys(ks).length) {
          lab.keyStatuses = ks;
          $("keys").textContent = Object.keys(ks).map(function (k) { return k + ": " + ks[k]; }).join(", ");
        }
      }
      if (lab.state === "loading" && !video.paused && lab.frames > 0) setState("playing");
    }, 250);
    video.addEventListener("error", function () {
      var err = video.error;
      addError("media element error: " + (err ? err.message || "code " + err.code : "unknown"), err ? "MEDIA_ERR_" + err.code : undefined);
      lab.mediaError = err ? err.code : -1;
    });
  }

  async function play(kind) {
    var video = $("video");
    lab.stream = kind; lab.errors = []; lab.keyStatuses = {}; lab.licenseStatuses = []; $("errors").textContent = "";
    $("stream").textContent = kind; setState("loading");
    try {
      var packaged = await json("/media/keyplane.json");
      var kids = [packaged.kids.video, packaged.kids.audio, packaged.kids.hls].filter(Boolean);
      var useToken = $("use-token").checked;
      var token = null;
      if (useToken) {
        token = await getToken(kids);
        lab.hasToken = true;
        $("token").textContent = "issued (" + token.length + " chars, not shown)";
      } else {
        lab.hasToken = false;
        $("token").textContent = "none";
      }
      if (player) await player.destroy();
      shaka.polyfill.installAll();
      if (!shaka.Player.isBrowserSupported()) throw new Error("this browser cannot play MSE/EME streams");
      player = new shaka.Player();
      await player.attach(video);
      player.configure({
        drm: { servers: { "org.w3.clearkey": location.origin + "/clearkey" } },
        streaming: { retryParameters: { maxAttempts: 1 } },
        manifest: { retryParameters: { maxAttempts: 1 } },
      });
      player.getNetworkingEngine().registerRequestFilter(function (type, request) {
        var T = shaka.net.NetworkingEngine.RequestType;
        var uri = request.uris[0] || "";
        if (type === T.LICENSE || type === T.KEY || uri.indexOf("/hls/key/") >= 0 || uri.indexOf("/clearkey") >= 0) {
          // this page talks to the key server that serves it, whatever address the media were packaged against
          request.uris = request.uris.map(function (u) {
            var parsed = new URL(u, location.href);
            return /^\/(clearkey|hls\/key\/)/.test(parsed.pathname) ? location.origin + parsed.pathname + parsed.search : u;
          });
          if (token) request.headers["Authorization"] = "Bearer " + token;
        }
      });
      player.getNetworkingEngine().registerResponseFilter(function (type, response) {
        var T = shaka.net.NetworkingEngine.RequestType;
        if (type === T.LICENSE || type === T.KEY) lab.licenseStatuses.push(response.status || 200);
        if (type === T.KEY) $("keys").textContent = "AES-128 key fetched (HTTP " + (response.status || 200) + ", " + response.data.byteLength + " bytes)";
      });
      player.addEventListener("error", function (ev) {
        var d = describeShakaError(ev);
        var st = httpStatusOf(ev.detail);
        if (st !== null) lab.licenseStatuses.push(st);
        addError(d.message, d.code);
      });
      var url = "/media/" + (kind === "hls" ? packaged.hls : packaged.dash);
      await player.load(url);
      await video.play();
    } catch (e) {
      if (e && e.code !== undefined && e.severity !== undefined) {
        var d = describeShakaError(e);
        var st2 = httpStatusOf(e);
        if (st2 !== null && lab.licenseStatuses.indexOf(st2) < 0) lab.licenseStatuses.push(st2);
        addError(d.message, d.code);
      } else {
        addError(e && e.message ? e.message : String(e));
      }
    }
  }

  watch($("video"));
  $("play-dash").addEventListener("click", function () { play("dash"); });
  $("play-hls").addEventListener("click", function () { play("hls"); });
  var q = new URLSearchParams(location.search);
  if (q.get("token") === "0") $("use-token").checked = false;
  if (q.get("play") === "dash" || q.get("play") === "hls") play(q.get("play"));
  lab.play = play;
})();
