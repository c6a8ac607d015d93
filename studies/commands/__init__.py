"""One module per ``dyadlab`` command; each defines ``register(cli)``. See :mod:`studies.cli`."""
