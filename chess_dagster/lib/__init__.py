"""Plain library code with no Dagster in it: the dlt source, its HTTP client, months, settings,
errors, the warehouse and Slack. Unit-testable in milliseconds, usable from any orchestrator."""
