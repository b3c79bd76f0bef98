"""The ground floor: what every other part stands on and that imports nothing above it —
errors and messages, units, the facts tables, the grid, file I/O, the YAML loader and the
schema building blocks, the limits and the settings read from the environment."""
