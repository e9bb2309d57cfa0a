"""The UFLDL exercise solved by scipy's L-BFGS-B, for the "sae-train --lbfgs ÷ scipy" row: the
same task sae-train solves (its --write-task file: hyperparameters, starting θ and the 10 000
patches), the sparse autoencoder's cost and gradient of src/model/cost.rs written out in NumPy
(float64, sigmoid hidden and output, KL sparsity + weight decay), and as many iterations.
L-BFGS-B keeps scipy's default 10 corrections (minFunc's, which sae-train follows, keeps 100);
its tolerances are set to zero so that it runs every iteration, as sae-train does.
Usage: OPENBLAS_NUM_THREADS=1 python scipy_lbfgs.py TASK.json ITERS > scipy.json"""
import json
import sys
import time

import numpy as np
import scipy
from scipy.optimize import minimize


def main():
    task = json.load(open(sys.argv[1]))
    iters = int(sys.argv[2])
    assert task["output"] == "sigmoid" and task["penalty"] == "kl", "the UFLDL task only"
    n, h, m = task["inputs"], task["hidden"], task["patches"]
    rho, beta, lam = task["rho"], task["beta"], task["lambda"]
    x = np.asarray(task["x"], dtype=np.float64).reshape(m, n).T  # column by column
    shapes = [(name, rows, cols) for name, rows, cols in task["blocks"]]
    assert [s[0] for s in shapes] == ["w1", "b1", "w2", "b2"], shapes
    sizes = np.cumsum([0] + [r * c for _, r, c in shapes])

    def unpack(theta):
        return [theta[sizes[i]:sizes[i + 1]].reshape(c, r).T for i, (_, r, c) in enumerate(shapes)]

    sig = lambda z: 1 / (1 + np.exp(-z))

    def cost_grad(theta):
        w1, b1, w2, b2 = unpack(theta)
        a1 = sig(w1 @ x + b1)
        a2 = sig(w2 @ a1 + b2)
        rho_hat = a1.mean(axis=1, keepdims=True)
        diff = a2 - x
        cost = (diff ** 2).sum() / (2 * m) + lam / 2 * ((w1 ** 2).sum() + (w2 ** 2).sum()) \
            + beta * (rho * np.log(rho / rho_hat) + (1 - rho) * np.log((1 - rho) / (1 - rho_hat))).sum()
        d2 = diff * a2 * (1 - a2)
        d1 = (w2.T @ d2 + beta * (-rho / rho_hat + (1 - rho) / (1 - rho_hat))) * a1 * (1 - a1)
        grads = [d1 @ x.T / m + lam * w1, d1.sum(axis=1, keepdims=True) / m,
                 d2 @ a1.T / m + lam * w2, d2.sum(axis=1, keepdims=True) / m]
        return cost, np.concatenate([g.T.ravel() for g in grads])

    theta0 = np.asarray(task["theta0"], dtype=np.float64)
    start = cost_grad(theta0)[0]
    assert abs(start - task["cost0"]) < 1e-9 * max(1.0, abs(start)), f"not sae-train's cost: {start} vs {task['cost0']}"
    t0 = time.perf_counter()
    r = minimize(cost_grad, theta0, jac=True, method="L-BFGS-B",
                 options={"maxiter": iters, "maxfun": 100 * iters, "ftol": 0.0, "gtol": 0.0})
    seconds = time.perf_counter() - t0
    json.dump({"engine": f"scipy {scipy.__version__} L-BFGS-B (NumPy {np.__version__}, 1 thread)",
               "start": start, "cost": float(r.fun), "iters": int(r.nit), "evals": int(r.nfev),
               "seconds": seconds, "message": str(r.message)}, sys.stdout)


main()
