"""A generated WordPress-like site for tests, benchmarks and (later) the demo: state from a seed,
pages in three markups, a real HTTP server on 127.0.0.1, evolution with a change log, and the
rows an archive of it must hold."""
