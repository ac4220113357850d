"""The Chess.com PubAPI as a dlt source. This file imports none of its modules, so a caller that
needs the months does not pay for dlt and Arrow."""
