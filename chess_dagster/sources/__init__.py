"""The dlt sources the platform loads, one package each, importing nothing of Dagster."""
