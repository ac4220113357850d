"""How the code location's runs execute and how their failures are told: the executor, the
console logger, failure reasons, and the private Dagster API they need (in one module)."""
