"""sae-lab's training step in NumPy (float32, one BLAS thread), for the "native ≥ 1.5× NumPy"
comparison: the backprop of src/model/cost.rs written out by hand, Adam of optim.rs, and the
timing protocol of examples/bench.rs (0.2 s calibration/warm-up, 5 repeats of ~0.5 s).
Random patches in [0.1, 0.9] stand in for sae-lab's: the values do not change the work.
Usage: OPENBLAS_NUM_THREADS=1 python numpy_step.py > numpy.json"""
import json
import time

import numpy as np

N, RHO, BETA, LAMBDA, LR, B1, B2, EPS = 64, 0.01, 3.0, 1e-4, 1e-3, 0.9, 0.99, 1e-8
f32 = np.float32


def make_step(batch, hidden):
    rng = np.random.default_rng(1)
    r = np.sqrt(6 / (N + hidden + 1))
    x = rng.uniform(0.1, 0.9, (N, batch)).astype(f32)
    p = [rng.uniform(-r, r, (hidden, N)).astype(f32), np.zeros((hidden, 1), f32),
         rng.uniform(-r, r, (N, hidden)).astype(f32), np.zeros((N, 1), f32)]
    m = [np.zeros_like(a) for a in p]
    v = [np.zeros_like(a) for a in p]
    t = [0]
    sig = lambda z: 1 / (1 + np.exp(-z))

    def step():
        w1, b1, w2, b2 = p
        a1 = sig(w1 @ x + b1)
        a2 = sig(w2 @ a1 + b2)
        rho_hat = np.clip(a1.mean(axis=1, keepdims=True), 1e-7, 1 - 1e-7)
        cost = ((a2 - x) ** 2).sum() / (2 * batch) + LAMBDA / 2 * ((w1 ** 2).sum() + (w2 ** 2).sum()) \
            + BETA * (RHO * np.log(RHO / rho_hat) + (1 - RHO) * np.log((1 - RHO) / (1 - rho_hat))).sum()
        d2 = (a2 - x) / f32(batch) * a2 * (1 - a2)
        s = f32(BETA) * (-RHO / rho_hat + (1 - RHO) / (1 - rho_hat))
        d1 = (w2.T @ d2 + s / f32(batch)) * a1 * (1 - a1)
        grads = [d1 @ x.T + f32(LAMBDA) * w1, d1.sum(axis=1, keepdims=True),
                 d2 @ a1.T + f32(LAMBDA) * w2, d2.sum(axis=1, keepdims=True)]
        t[0] += 1
        corr1, corr2 = 1 - B1 ** t[0], 1 - B2 ** t[0]
        lr, eps = f32(LR * np.sqrt(corr2) / corr1), f32(EPS * np.sqrt(corr2))
        for a, g, mm, vv in zip(p, grads, m, v):
            mm *= f32(B1); mm += f32(1 - B1) * g
            vv *= f32(B2); vv += f32(1 - B2) * g * g
            a -= lr * mm / (np.sqrt(vv) + eps)
        return cost

    return step


def measure(step):
    t, calib = time.perf_counter(), 0
    while time.perf_counter() - t < 0.2:
        step()
        calib += 1
    per = max(1, int(calib / (time.perf_counter() - t) * 0.5))
    rates = []
    for _ in range(5):
        t = time.perf_counter()
        for _ in range(per):
            step()
        rates.append(per / (time.perf_counter() - t))
    return rates


rows = [{"engine": "numpy", "batch": b, "hidden": h, "rates": measure(make_step(b, h))}
        for b, h in [(256, 25), (256, 256), (32, 25)]]
rows.append({"engine": "numpy-version", "version": np.__version__})
print(json.dumps(rows))
