/* Keyplane lab demo page: SPEKE exchange summary, token -> Shaka Player -> /clearkey (DASH cenc), /hls/key (HLS
 * fMP4 cbcs with KEYFORMAT "identity", HLS MPEG-TS AES-128).
 * Query: ?play=dash|hls-cbcs|hls starts playback at once; &token=0 plays without a token.
 * State for humans is on the page; state for tests is window.keyplaneLab. No inline scripts or styles (the lab's CSP). */
(() => {
  var $ = (id) => document.getElementById(id);
  var lab = (window.keyplaneLab = {
    stream: null,
    hasToken: false,
    claims: null,
    keyStatuses: {},
    errors: [],
    licenseStatuses: [],
    requests: [],
    frames: 0,
    state: "idle",
    cbcsSupported: null,
    exchange: null,
  });
  var player = null;
  var STREAMS = {
    dash: { label: "DASH, cenc (ClearKey EME, /clearkey)", path: (p) => p.dash },
    "hls-cbcs": { label: "HLS fMP4, cbcs (SAMPLE-AES, ClearKey EME, key from /hls/key)", path: (p) => p.hlsCbcs },
    hls: { label: "HLS MPEG-TS, AES-128 (WebCrypto, key from /hls/key)", path: (p) => p.hls },
  };

  function el(tag, text, cls) {
    var e = document.createElement(tag);
    if (text !== undefined && text !== null) e.textContent = String(text);
    if (cls) e.className = cls;
    return e;
  }
  function clear(node) {
    while (node.firstChild) node.removeChild(node.firstChild);
  }
  function setState(s) {
    lab.state = s;
    $("state").textContent = s;
  }
  function addError(msg, code) {
    lab.errors.push({ code: code === undefined ? null : code, message: msg });
    $("errors").appendChild(el("li", (code !== undefined && code !== null ? "[" + code + "] " : "") + msg));
    setState("error");
  }

  async function json(url, init) {
    var res = await fetch(url, init);
    var body = await res.text();
    if (!res.ok) throw new Error(url + " answered " + res.status + ": " + body.slice(0, 200));
    return JSON.parse(body);
  }

  /* ---------- the SPEKE exchange (written by the packager: /media/exchange.json, no keys in it) ---------- */
  function renderExchange(x) {
    var box = $("exchange");
    clear(box);
    box.appendChild(
      el(
        "p",
        "Packaged by Shaka Packager " +
          x.packager +
          " with keys from " +
          x.keyServerUrl +
          " (SPEKE v2.0, CPIX 2.3). Content keys never leave the key server's response: this summary has KIDs and signalling only.",
      ),
    );
    x.exchanges.forEach((e) => {
      var sec = el("section", null, "exchange");
      sec.appendChild(el("h3", e.purpose));
      var q = e.request;
      sec.appendChild(
        el(
          "p",
          "POST " +
            e.endpoint +
            "  X-Speke-Version: " +
            q.spekeVersion +
            "  contentId=" +
            q.contentId +
            "  commonEncryptionScheme=" +
            q.commonEncryptionScheme +
            "  presets: video " +
            q.presets.video +
            ", audio " +
            q.presets.audio,
          "mono",
        ),
      );
      var t = el("table");
      var head = el("tr");
      ["", "KID", "track type", "DRM systems"].forEach((h) => {
        head.appendChild(el("th", h));
      });
      t.appendChild(head);
      var asked = q.drmSystems.map((s) => s.name + " (" + s.asks.join(", ") + ")").join("; ");
      q.keys.forEach((k) => {
        var tr = el("tr");
        [["request"], [k.kid, "mono"], [k.intendedTrackType], [asked]].forEach((c) => {
          tr.appendChild(el("td", c[0], c[1]));
        });
        t.appendChild(tr);
      });
      e.response.keys.forEach((k) => {
        var tr = el("tr");
        var got = k.systems
          .map((s) => {
            var parts = [];
            if (s.psshBytes) parts.push("PSSH " + s.psshBytes + " B");
            if (s.contentProtectionData) parts.push("ContentProtectionData");
            if (s.hlsMedia) parts.push("#EXT-X-KEY " + (/METHOD=([^,]+)/.exec(s.hlsMedia) || [])[1]);
            return s.name + (parts.length ? " (" + parts.join(", ") + ")" : "");
          })
          .join("; ");
        [["response"], [k.kid, "mono"], [k.intendedTrackType || "–"], [got]].forEach((c) => {
          tr.appendChild(el("td", c[0], c[1]));
        });
        t.appendChild(tr);
      });
      sec.appendChild(t);
      box.appendChild(sec);
    });
  }

  /* ---------- the token: decoded claims, never the signature ---------- */
  function b64urlJson(part) {
    var s = part.replace(/-/g, "+").replace(/_/g, "/");
    while (s.length % 4) s += "=";
    var bin = atob(s);
    var bytes = new Uint8Array(bin.length);
    for (var i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
    return JSON.parse(new TextDecoder().decode(bytes));
  }
  function decodeToken(token, type) {
    if (type === "Swt") {
      var claims = {};
      token.split("&").forEach((kv) => {
        var i = kv.indexOf("=");
        var k = decodeURIComponent(kv.slice(0, i));
        if (k !== "HMACSHA256") claims[k] = decodeURIComponent(kv.slice(i + 1));
      });
      return { type: "SWT", header: null, claims: claims };
    }
    var parts = token.split(".");
    return { type: "JWT", header: b64urlJson(parts[0]), claims: b64urlJson(parts[1]) };
  }
  function renderToken(d) {
    var box = $("claims");
    clear(box);
    if (!d) {
      box.appendChild(el("p", "No token: key requests go out without Authorization."));
      return;
    }
    box.appendChild(
      el(
        "p",
        d.type +
          (d.header
            ? " (" +
              Object.keys(d.header)
                .map((k) => k + "=" + d.header[k])
                .join(", ") +
              ")"
            : "") +
          "; the signature is not shown.",
      ),
    );
    var dl = el("dl");
    Object.keys(d.claims).forEach((k) => {
      var v = d.claims[k];
      var text = typeof v === "object" ? JSON.stringify(v) : String(v);
      if ((k === "exp" || k === "iat" || k === "nbf") && typeof v === "number")
        text += "  (" + new Date(v * 1000).toISOString() + ")";
      dl.appendChild(el("dt", k));
      dl.appendChild(el("dd", text));
    });
    box.appendChild(dl);
  }

  async function getToken(kids) {
    return json("/token", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ subject: "demo", kids: kids }),
    });
  }

  /* ---------- license / key requests with status and time ---------- */
  function logRequest(kind, url, status, ms) {
    var path;
    try {
      var u = new URL(url, location.href);
      path = u.protocol === "data:" ? "data: URI (keys from /hls/key, in the page)" : u.pathname;
    } catch (_) {
      path = url;
    }
    var r = {
      kind: kind,
      path: path,
      status: status,
      ms: ms === null ? null : Math.round(ms),
      at: new Date().toISOString().slice(11, 23),
    };
    lab.requests.push(r);
    if (typeof status === "number") lab.licenseStatuses.push(status);
    var tr = el("tr", null, status === 200 ? "ok" : "bad");
    [r.at, kind, r.path, status === null ? "failed" : "HTTP " + status, r.ms === null ? "–" : r.ms + " ms"].forEach(
      (c) => {
        tr.appendChild(el("td", c));
      },
    );
    $("requests").appendChild(tr);
  }

  /** The HTTP status inside a Shaka error (BAD_HTTP_STATUS, possibly wrapped in LICENSE_REQUEST_FAILED). */
  function httpErrorOf(d) {
    for (var i = 0; d && i < 3; i++) {
      if (d.code === 1001 && d.data && typeof d.data[1] === "number") return { status: d.data[1], uri: d.data[0] };
      d = d.data?.[0] && typeof d.data[0] === "object" ? d.data[0] : null;
    }
    return null;
  }

  function describeShakaError(e) {
    var d = e?.detail ? e.detail : e;
    var name = "";
    try {
      for (var k in shaka.util.Error.Code) if (shaka.util.Error.Code[k] === d.code) name = k;
    } catch (_) {
      /* ignore */
    }
    var h = httpErrorOf(d);
    var extra = "";
    if (d && d.code === 6001) extra = ": this browser has none of the key systems the stream signals";
    return { code: d?.code, message: (name || "Shaka error") + (h ? " (HTTP " + h.status + ")" : "") + extra };
  }

  /* ---------- can this browser's ClearKey CDM decrypt cbcs? (EME encryptionScheme, W3C EME 'cbcs') ---------- */
  async function checkCbcs() {
    var why;
    try {
      if (!navigator.requestMediaKeySystemAccess) throw new Error("no EME (navigator.requestMediaKeySystemAccess)");
      var access = await navigator.requestMediaKeySystemAccess("org.w3.clearkey", [
        {
          initDataTypes: ["cenc"],
          videoCapabilities: [{ contentType: 'video/mp4; codecs="avc1.4d401e"', encryptionScheme: "cbcs" }],
        },
      ]);
      var conf = access.getConfiguration();
      var scheme = conf.videoCapabilities?.[0]?.encryptionScheme;
      lab.cbcsSupported = scheme === undefined || scheme === null || scheme === "cbcs";
      why = lab.cbcsSupported
        ? "yes: org.w3.clearkey grants encryptionScheme 'cbcs'"
        : "no: org.w3.clearkey answered with encryptionScheme " + scheme;
    } catch (e) {
      lab.cbcsSupported = false;
      why =
        "no: org.w3.clearkey refuses encryptionScheme 'cbcs' (" +
        (e?.message ? e.message : e) +
        "); the HLS cbcs rendition needs Widevine, PlayReady or FairPlay here";
    }
    $("cbcs").textContent = why;
    return lab.cbcsSupported;
  }

  function watch(video) {
    setInterval(() => {
      var q = video.getVideoPlaybackQuality ? video.getVideoPlaybackQuality() : null;
      lab.frames = q ? q.totalVideoFrames : 0;
      $("frames").textContent = String(lab.frames);
      if (player && lab.stream !== "hls") {
        var ks = player.getKeyStatuses ? player.getKeyStatuses() : {};
        if (ks && Object.keys(ks).length) {
          lab.keyStatuses = ks;
          $("keys").textContent = Object.keys(ks)
            .map((k) => k + ": " + ks[k])
            .join(", ");
        }
      }
      if (lab.state === "loading" && !video.paused && lab.frames > 0) setState("playing");
    }, 250);
    video.addEventListener("error", () => {
      var err = video.error;
      addError(
        "media element error: " + (err ? err.message || "code " + err.code : "unknown"),
        err ? "MEDIA_ERR_" + err.code : undefined,
      );
      lab.mediaError = err ? err.code : -1;
    });
  }

  /** A refused license/key request shows up as a Shaka error, not a response: log it once. */
  function reported(d) {
    var h = httpErrorOf(d);
    if (h && lab.requests.every((r) => r.status !== h.status))
      logRequest("license/key", String(h.uri || ""), h.status, null);
  }

  async function play(kind) {
    var video = $("video");
    var s = STREAMS[kind];
    lab.stream = kind;
    lab.errors = [];
    lab.keyStatuses = {};
    lab.licenseStatuses = [];
    lab.requests = [];
    clear($("errors"));
    clear($("requests"));
    $("keys").textContent = "–";
    $("stream").textContent = s ? s.label : kind;
    setState("loading");
    try {
      if (!s) throw new Error("unknown stream " + kind);
      var packaged = await json("/media/keyplane.json");
      if (kind === "hls-cbcs" && !(await checkCbcs())) {
        throw new Error(
          "This browser's ClearKey CDM cannot decrypt cbcs, so the HLS cbcs rendition cannot play here (see 'ClearKey cbcs').",
        );
      }
      var k = packaged.kids;
      var kids = [k.video, k.audio, k.cbcsVideo, k.cbcsAudio, k.hls].filter(Boolean);
      var token = null;
      if ($("use-token").checked) {
        var issued = await getToken(kids);
        token = issued.token;
        lab.hasToken = true;
        try {
          lab.claims = decodeToken(token, issued.tokenType);
        } catch (_) {
          lab.claims = null;
        }
        $("token").textContent =
          (issued.tokenType || "Jwt") +
          ", " +
          token.length +
          " chars (not shown), expires in " +
          issued.expiresIn +
          " s";
        renderToken(lab.claims);
      } else {
        lab.hasToken = false;
        lab.claims = null;
        $("token").textContent = "none";
        renderToken(null);
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
      var T = shaka.net.NetworkingEngine.RequestType;
      var kindOf = (type) => (type === T.LICENSE ? "license" : "key");
      player.getNetworkingEngine().registerRequestFilter((type, request) => {
        var uri = request.uris[0] || "";
        if (type === T.LICENSE || type === T.KEY || uri.indexOf("/hls/key/") >= 0 || uri.indexOf("/clearkey") >= 0) {
          // this page talks to the key server that serves it, whatever address the media were packaged against
          request.uris = request.uris.map((u) => {
            var parsed = new URL(u, location.href);
            return /^\/(clearkey|hls\/key\/)/.test(parsed.pathname)
              ? location.origin + parsed.pathname + parsed.search
              : u;
          });
          if (token) request.headers["Authorization"] = "Bearer " + token;
        }
      });
      player.getNetworkingEngine().registerResponseFilter((type, response) => {
        if (type !== T.LICENSE && type !== T.KEY) return;
        var ms = typeof response.timeMs === "number" ? response.timeMs : null;
        logRequest(kindOf(type), response.uri, response.status || 200, ms);
        if (type === T.KEY)
          $("keys").textContent =
            "key fetched from " +
            new URL(response.uri, location.href).pathname +
            " (" +
            response.data.byteLength +
            " bytes)";
      });
      player.addEventListener("error", (ev) => {
        reported(ev.detail);
        var d = describeShakaError(ev);
        addError(d.message, d.code);
      });
      await player.load("/media/" + s.path(packaged));
      await video.play();
    } catch (e) {
      if (e && e.code !== undefined && e.severity !== undefined) {
        reported(e);
        var d = describeShakaError(e);
        addError(d.message, d.code);
      } else {
        addError(e?.message ? e.message : String(e));
      }
    }
  }

  watch($("video"));
  $("play-dash").addEventListener("click", () => {
    play("dash");
  });
  $("play-hls-cbcs").addEventListener("click", () => {
    play("hls-cbcs");
  });
  $("play-hls").addEventListener("click", () => {
    play("hls");
  });
  json("/media/exchange.json")
    .then((x) => {
      lab.exchange = x;
      renderExchange(x);
    })
    .catch((e) => {
      $("exchange").textContent = "No exchange summary: " + (e?.message ? e.message : e);
    });
  checkCbcs();
  var q = new URLSearchParams(location.search);
  if (q.get("token") === "0") $("use-token").checked = false;
  if (STREAMS[q.get("play")]) play(q.get("play"));
  lab.play = play;
})();
