{#- One row per game of the run's months whose moves were read (chess/game_facts, by the move reader).
    Before a month's moves are read, or before any were, it holds none of that month's games: the
    games keep the header's facts and count plies from tcn until then. -#}
{{ moves_table('game_facts', [
    ('url', 'varchar'), ('month', 'varchar'), ('plies', 'integer'), ('opening_line', 'varchar'),
    ('middlegame_ply', 'integer'), ('endgame_ply', 'integer'), ('end_phase', 'varchar'),
    ('white_clock_end', 'double precision'), ('black_clock_end', 'double precision'),
    ('queens_off_ply', 'integer'), ('white_castled', 'varchar'), ('black_castled', 'varchar'),
    ('white_time_trouble_ply', 'integer'), ('black_time_trouble_ply', 'integer'),
    ('moves_read', 'varchar'), ('moves_error', 'varchar'),
]) }}
