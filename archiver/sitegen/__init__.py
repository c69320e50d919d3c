"""A generated WordPress-like site: state from a seed, pages in several markups, a real HTTP
server on 127.0.0.1, evolution with a change log, and the rows an archive of it must hold.

Serves the demo (`archiver demo`), the tests and the benchmarks; needs no network.
"""
