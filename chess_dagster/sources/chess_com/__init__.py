"""The Chess.com PubAPI as a dlt source, with everything it needs to load safely and cheaply.

* ``source``: the ``chess`` source, one resource per endpoint;
* ``tables``: the one list of its tables (disposition, key, column hints);
* ``client``: the HTTP client (in-flight limit, 429 back-off, ETags);
* ``source_state`` and ``ledgers``: what the source learnt (months loaded, ETags), state made explicit;
* ``months``: Chess.com's US Pacific months;
* ``columnar``: games as Arrow tables; ``progress``: a load's figures as it runs;
* ``load``: one load without Dagster (``load_chess``), what the Dagster assets run.

Modules are imported by name (``from chess_dagster.sources.chess_com.months import ...``): this
file imports none of them, so a caller that needs the months does not pay for dlt and Arrow.
"""
