"""Fit the network's scoring parameters by maximising the held-out log posterior of the true disease."""
