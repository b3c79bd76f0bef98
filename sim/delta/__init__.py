"""The built-in delta: its grid, terrain, population and cercle boundaries, built from the
facts tables of ``sim/data/`` (imports only :mod:`sim.core`)."""
