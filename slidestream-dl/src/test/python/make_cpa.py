#!/usr/bin/env python3
"""A small CPA-like cell encoder with fixed random weights, exported to ONNX, and PyTorch's latent for an .h5ad.

    make_cpa.py export OUT.onnx [--genes 50 --drugs 4 --covariates 3 --hidden 32 --latent 8]
    make_cpa.py predict MODEL.onnx CELLS.h5ad OUT.npy [--layer counts] [--target-sum 10000]

The model follows the compositional perturbation autoencoder's encoder (Lotfollahi et al. 2023):
a basal state from the expression (an MLP: Linear, LayerNorm, ReLU, Linear, ReLU, Linear), plus a
learned embedding per drug weighted by a sigmoid dose response of each cell's doses (zero at dose
0), plus a linear embedding of one-hot covariates. Inputs (float32, batch axis dynamic):
`genes` B x G (library-size normalised to 10,000 counts, then log1p), `drugs` B x P (doses),
`covariates` B x K (one-hot); output `latent` B x D. Runs with Debian's python3-torch (1.13) and
python3-onnx.

`predict` reads the weights back from the ONNX file into the PyTorch module (so the expected values
do not depend on the torch version that made the file), densifies the whole expression matrix,
normalises it in float64 as slidestream does, and runs the module: X (or --layer), obsm
'perturbations' as the doses, obs 'cell_type' one-hot in category order as the covariates.
"""
import argparse

import numpy as np
import torch
from torch import nn


class CpaEncoder(nn.Module):
    def __init__(self, genes, drugs, covariates, hidden, latent):
        super().__init__()
        self.basal = nn.Sequential(nn.Linear(genes, hidden), nn.LayerNorm(hidden), nn.ReLU(),
                                   nn.Linear(hidden, hidden), nn.ReLU(), nn.Linear(hidden, latent))
        self.drug_embedding = nn.Parameter(torch.randn(drugs, latent) * 0.5)
        self.dose_slope = nn.Parameter(torch.rand(drugs) + 0.5)
        self.dose_bias = nn.Parameter(torch.randn(drugs) * 0.3)
        self.covariate_embedding = nn.Linear(covariates, latent, bias=False)

    def forward(self, genes, drugs, covariates):
        response = torch.sigmoid(self.dose_slope * torch.log1p(drugs) + self.dose_bias) - torch.sigmoid(self.dose_bias)
        return self.basal(genes) + response @ self.drug_embedding + self.covariate_embedding(covariates)


def export(a):
    torch.manual_seed(20261219)
    m = CpaEncoder(a.genes, a.drugs, a.covariates, a.hidden, a.latent).eval()
    with torch.no_grad():
        for p in m.parameters():      # weights large enough that every term matters
            p.add_(torch.randn_like(p) * 0.05)
    inputs = (torch.zeros(2, a.genes), torch.zeros(2, a.drugs), torch.zeros(2, a.covariates))
    torch.onnx.export(m, inputs, a.out, input_names=["genes", "drugs", "covariates"], output_names=["latent"],
                      dynamic_axes={"genes": {0: "batch"}, "drugs": {0: "batch"}, "covariates": {0: "batch"}, "latent": {0: "batch"}},
                      opset_version=17)
    print(f"{a.out}: {sum(p.numel() for p in m.parameters())} parameters")


def load(path):
    import onnx
    from onnx import numpy_helper
    g = onnx.load(path).graph
    w = {i.name: torch.from_numpy(numpy_helper.to_array(i).copy()) for i in g.initializer}
    shapes = {i.name: [d.dim_value for d in i.type.tensor_type.shape.dim] for i in g.input}
    genes, drugs, covs = shapes["genes"][1], shapes["drugs"][1], shapes["covariates"][1]
    hidden, latent = w["basal.0.weight"].shape[0], w["drug_embedding"].shape[1]
    m = CpaEncoder(genes, drugs, covs, hidden, latent).eval()
    state = m.state_dict()
    # the exporter stores a bias-free Linear's weight transposed under a generated name (onnx::MatMul_N)
    for k in state:
        if k in w:
            state[k] = w[k]
            continue
        cands = [v for n, v in w.items() if n.startswith("onnx::") and tuple(v.shape) == tuple(state[k].shape[::-1])]
        if len(cands) != 1:
            raise KeyError(f"{k} not found in the ONNX initializers ({list(w)})")
        state[k] = cands[0].t().contiguous()
    m.load_state_dict(state)
    return m


def normalised(x, target_sum):
    x = np.asarray(x, dtype=np.float64)
    total = x.sum(axis=1, keepdims=True)
    x = np.divide(x * target_sum, total, out=np.zeros_like(x), where=total > 0)
    return np.log1p(x).astype(np.float32)


def predict(a):
    import anndata as ad
    import scipy.sparse as sp
    cells = ad.read_h5ad(a.cells)
    x = cells.layers[a.layer] if a.layer else cells.X
    x = x.toarray() if sp.issparse(x) else np.asarray(x)
    doses = cells.obsm["perturbations"]
    doses = (doses.toarray() if sp.issparse(doses) else np.asarray(doses)).astype(np.float32)
    ct = cells.obs["cell_type"].cat
    onehot = np.zeros((cells.n_obs, len(ct.categories)), dtype=np.float32)
    codes = ct.codes.to_numpy()
    onehot[np.arange(cells.n_obs)[codes >= 0], codes[codes >= 0]] = 1
    m = load(a.model)
    with torch.no_grad():
        z = m(torch.from_numpy(normalised(x, a.target_sum)), torch.from_numpy(doses), torch.from_numpy(onehot)).numpy()
    np.save(a.out, z.astype(np.float32))
    print(f"{a.out}: {z.shape}")


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest="cmd", required=True)
    e = sub.add_parser("export")
    e.add_argument("out")
    e.add_argument("--genes", type=int, default=50)
    e.add_argument("--drugs", type=int, default=4)
    e.add_argument("--covariates", type=int, default=3)
    e.add_argument("--hidden", type=int, default=32)
    e.add_argument("--latent", type=int, default=8)
    p = sub.add_parser("predict")
    p.add_argument("model")
    p.add_argument("cells")
    p.add_argument("out")
    p.add_argument("--layer", default=None)
    p.add_argument("--target-sum", type=float, default=1e4)
    a = ap.parse_args()
    export(a) if a.cmd == "export" else predict(a)


if __name__ == "__main__":
    main()
