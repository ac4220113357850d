"""Rosters that grow: a newcomer's history loaded by itself."""
