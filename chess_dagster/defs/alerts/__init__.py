"""Alerts: schema drift and failed runs, posted to Slack."""
