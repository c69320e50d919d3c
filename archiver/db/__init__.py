"""The archive database: models, engine and schema upgrades, locks, crawl state, and the store
that writes threads. It imports nothing of archiver but items, clock, config and parse."""
