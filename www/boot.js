// Starts sae-lab: imports the wasm-bindgen glue, which fetches and starts the .wasm. If that
// fails (old browser, failed load), the page says so instead of staying blank.
//
// This is an external module, not an inline script, so the page's Content-Security-Policy
// (index.html) needs no hash or nonce: script-src 'self' allows it. Trunk writes the tag that
// loads it (Trunk.toml, `pattern_script`) and passes the two hashed file names in its data-js
// and data-wasm attributes. It does what Trunk's own inline loader does: window.wasmBindings,
// then the TrunkApplicationStarted event. It also starts the training worker and hands it the
// compiled module (window.saeWasm, read by src/web/worker_link.rs).

function fail(why) {
  var el = document.getElementById("loading");
  if (el) {
    el.className = "fatal";
    el.textContent = "sae-lab could not start: " + why + ". Try reloading, or a current Chrome or Firefox.";
  }
}

window.addEventListener("error", function (e) {
  fail(e.message || "the WebAssembly module failed to load");
});

// The one-file lab (scripts/one-file.mjs) inlines the glue before this script as `saeGlue`,
// the .wasm as base64 and the worker's source as text: nothing is fetched, so it opens from
// file:// and offline.
var oneFile = typeof saeGlue !== "undefined";
var me = document.getElementById("sae-boot");
if (oneFile) {
  startOneFile();
} else if (!me || !me.dataset.js || !me.dataset.wasm) {
  fail("the page is missing its loader settings");
} else {
  // The module is compiled here, once, and shared with the training worker (worker.js), so
  // the worker needs no second download; the glue's URL is made absolute for the worker.
  // The worker starts now, during load, and imports the glue at once: after load the page
  // makes no network request.
  var glue = new URL(me.dataset.js, document.baseURI).href;
  var shared = { worker: null, problem: null };
  window.saeWasm = shared;
  try {
    shared.worker = new Worker(new URL("worker.js", import.meta.url), { type: "module" });
    shared.worker.onerror = function (e) { shared.problem = e.message || "its script did not load"; };
    noteAlive(shared);
    shared.worker.postMessage({ js: glue });
  } catch (e) {
    shared.problem = (e && e.message) || String(e);
  }
  run(shared, import(glue), compileBest(shared, me.dataset.wasm, me.dataset.wasmRelaxed));
}

// Whether the browser takes relaxed SIMD (scripts/relaxed-wasm.sh builds the page's second
// .wasm with it): WebAssembly.validate of a module with one f32x4.relaxed_madd. (A function,
// not a variable: the code above runs before a var below is assigned.)
function relaxedSimd() {
  return WebAssembly.validate(new Uint8Array([
    0, 97, 115, 109, 1, 0, 0, 0, // \0asm, version 1
    1, 5, 1, 96, 0, 1, 123, // types: () -> v128
    3, 2, 1, 0, // one function of that type
    10, 61, 1, 59, 0, // code: one body of 59 bytes, no locals
    253, 12, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, // v128.const 0
    253, 12, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    253, 12, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    253, 133, 2, // f32x4.relaxed_madd
    11, // end
  ]));
}

// The relaxed-SIMD module where the browser takes it (and it compiles), the plain one otherwise.
// Which one runs is on <html data-wasm> ("relaxed" or "simd128"), for the tests and the benchmark.
function compileBest(shared, plain, relaxed) {
  var useRelaxed = false;
  try {
    useRelaxed = !!relaxed && relaxedSimd();
  } catch (e) {
    useRelaxed = false;
  }
  var chosen = function (kind) {
    shared.simd = kind;
    document.documentElement.dataset.wasm = kind;
  };
  if (!useRelaxed) {
    chosen("simd128");
    return compile(plain);
  }
  return compile(relaxed).then(function (module) {
    chosen("relaxed");
    return module;
  }, function () {
    chosen("simd128");
    return compile(plain);
  });
}

// The worker says it is alive as soon as its script runs, which can be before the app takes
// it over (src/web/worker_link.rs replaces this handler and reads shared.alive).
function noteAlive(shared) {
  shared.worker.onmessage = function (e) {
    if (e.data && e.data.alive) shared.alive = true;
  };
}

// Hands the compiled module to the worker and starts the app with it.
function run(shared, bindings, module) {
  Promise.all([bindings, module])
    .then(function (loaded) {
      var bindings = loaded[0];
      if (shared.worker) shared.worker.postMessage({ module: loaded[1] });
      return bindings.default({ module_or_path: loaded[1] }).then(function (wasm) {
        window.wasmBindings = bindings;
        dispatchEvent(new CustomEvent("TrunkApplicationStarted", { detail: { wasm: wasm } }));
      });
    })
    .catch(function (e) {
      fail((e && e.message) || String(e) || "the WebAssembly module failed to load");
    });
}

// The one-file lab: the worker from its inlined source (a blob: URL, which this file's
// Content-Security-Policy allows as a worker and nothing else), the module from base64.
function startOneFile() {
  var shared = { worker: null, problem: null };
  window.saeWasm = shared;
  try {
    var source = document.getElementById("sae-worker-source").textContent;
    var url = URL.createObjectURL(new Blob([source], { type: "text/javascript" }));
    // classic, not a module: Chromium refuses module workers from a file:// page's blob: URLs
    shared.worker = new Worker(url);
    shared.worker.onerror = function (e) { shared.problem = e.message || "its script did not start"; };
    noteAlive(shared);
  } catch (e) {
    shared.problem = (e && e.message) || String(e);
  }
  var module = Promise.resolve().then(function () {
    var text = atob(document.getElementById("sae-wasm").textContent.trim());
    var bytes = new Uint8Array(text.length);
    for (var i = 0; i < text.length; i++) bytes[i] = text.charCodeAt(i);
    return WebAssembly.compile(bytes);
  });
  run(shared, Promise.resolve(saeGlue), module);
}

// Streaming compilation needs the server to say application/wasm; without it, compile the bytes.
function compile(url) {
  return fetch(url).then(function (response) {
    if (!response.ok) throw new Error("the WebAssembly module did not load (" + response.status + ")");
    var copy = response.clone();
    return WebAssembly.compileStreaming(response).catch(function () {
      return copy.arrayBuffer().then(function (bytes) { return WebAssembly.compile(bytes); });
    });
  });
}
