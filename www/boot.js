// Starts sae-lab: imports the wasm-bindgen glue, which fetches and starts the .wasm. If that
// fails (old browser, failed load), the page says so instead of staying blank.
//
// This is an external module, not an inline script, so the page's Content-Security-Policy
// (index.html) needs no hash or nonce: script-src 'self' allows it. Trunk writes the tag that
// loads it (Trunk.toml, `pattern_script`) and passes the two hashed file names in its data-js
// and data-wasm attributes. It does what Trunk's own inline loader does: window.wasmBindings,
// then the TrunkApplicationStarted event.

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
  import(me.dataset.js)
    .then(function (bindings) {
      return bindings.default({ module_or_path: me.dataset.wasm }).then(function (wasm) {
        window.wasmBindings = bindings;
        dispatchEvent(new CustomEvent("TrunkApplicationStarted", { detail: { wasm: wasm } }));
      });
    })
    .catch(function (e) {
      fail((e && e.message) || String(e) || "the WebAssembly module failed to load");
    });
}
