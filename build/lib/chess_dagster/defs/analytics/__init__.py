"""Analytics: SQL assets over the raw chess tables, their checks and their automation."""
