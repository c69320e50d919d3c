"""The archive database: models, engine and schema upgrades, and the store that writes threads."""
