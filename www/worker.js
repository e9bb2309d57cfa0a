// The training worker (see src/web/worker.rs). boot.js starts it during page load with the
// URL of the wasm-bindgen glue, which it imports at once, then sends the WebAssembly module
// the page compiled, so the worker downloads no second copy of the .wasm. Messages that
// arrive while it starts wait, in order.
//
// A file of the page's origin, not a blob: URL, so the Content-Security-Policy's
// worker-src 'self' allows it.

// says at once that the script loaded, so a page whose worker script is refused or missing
// (which not every browser reports as an error) need not wait long to train on its own
postMessage({ alive: true });

// in the one-file lab the glue is inlined before this script as `saeGlue` (boot.js)
var glue = typeof saeGlue !== "undefined" ? Promise.resolve(saeGlue) : null;
var queue = [];
var receive = null;

onmessage = function (e) {
  var d = e.data;
  if (receive) {
    receive(d);
  } else if (d && d.js && !glue) {
    glue = import(d.js);
  } else if (d && d.module && glue) {
    glue
      .then(function (bindings) {
        return bindings.default({ module_or_path: d.module }).then(function () {
          receive = bindings.worker_receive;
          var waiting = queue;
          queue = [];
          waiting.forEach(function (m) { receive(m); });
        });
      })
      .catch(function (err) {
        postMessage("the training worker could not start: " + ((err && err.message) || String(err)));
      });
  } else {
    queue.push(d);
  }
};
