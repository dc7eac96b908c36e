// Tensor module: see README.md in this folder.
