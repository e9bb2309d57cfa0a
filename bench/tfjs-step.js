// sae-lab's training step written in TF.js, for the comparison rows: the same maths as
// src/model/cost.rs + optim.rs. Forward σ hidden and σ output; J = (1/2m)Σ‖x̂−x‖² +
// (λ/2)(‖W1‖²+‖W2‖²) + βΣ KL(ρ‖ρ̂_j); gradients by TF.js autodiff (optimizer.minimize →
// tf.variableGrads); Adam β1 0.9, β2 0.99, lr 1e-3. One run() = one update on a 64×B batch.
const N = 64;
const RHO = 0.01, BETA = 3, LAMBDA = 1e-4; // sae-lab's Hyper::default()

/** `patches`: n×B column-major (as sae-lab stores a batch), i.e. B×n row-major. */
export function tfjsStep(tf, patches, batch, hidden) {
  const r = Math.sqrt(6 / (N + hidden + 1)); // UFLDL initialisation, as Sae::init
  const x = tf.tidy(() => tf.transpose(tf.tensor2d(patches, [batch, N]))); // n×B
  const w1 = tf.variable(tf.randomUniform([hidden, N], -r, r, "float32", 1));
  const b1 = tf.variable(tf.zeros([hidden, 1]));
  const w2 = tf.variable(tf.randomUniform([N, hidden], -r, r, "float32", 2));
  const b2 = tf.variable(tf.zeros([N, 1]));
  const vars = [w1, b1, w2, b2];
  const opt = tf.train.adam(1e-3, 0.9, 0.99, 1e-8);

  const cost = () => {
    const a1 = tf.sigmoid(tf.add(tf.matMul(w1, x), b1)); // h×B
    const a2 = tf.sigmoid(tf.add(tf.matMul(w2, a1), b2)); // n×B
    const recon = tf.div(tf.sum(tf.squaredDifference(a2, x)), 2 * batch);
    const decay = tf.mul(tf.add(tf.sum(tf.square(w1)), tf.sum(tf.square(w2))), LAMBDA / 2);
    const rhoHat = tf.clipByValue(tf.mean(a1, 1), 1e-7, 1 - 1e-7); // same clamp as sparsity.rs
    const kl = tf.add(
      tf.mul(RHO, tf.log(tf.div(RHO, rhoHat))),
      tf.mul(1 - RHO, tf.log(tf.div(1 - RHO, tf.sub(1, rhoHat)))),
    );
    return tf.add(tf.add(recon, decay), tf.mul(BETA, tf.sum(kl)));
  };

  return {
    run: () => tf.tidy(() => { opt.minimize(cost, false, vars); }),
    // cpu and wasm kernels run synchronously; reading a weight makes sure nothing is pending
    sync: () => { w1.dataSync(); },
    cost: () => tf.tidy(() => cost().dataSync()[0]),
    dispose: () => { tf.dispose([x, ...vars]); opt.dispose(); },
  };
}
