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

var me = document.getElementById("sae-boot");
if (!me || !me.dataset.js || !me.dataset.wasm) {
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
    shared.worker.postMessage({ js: glue });
  } catch (e) {
    shared.problem = (e && e.message) || String(e);
  }
  Promise.all([import(glue), compile(me.dataset.wasm)])
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
