{#- One row per move of the run's months' games whose moves were read (chess/game_moves), the columns
    the mart's move models read; none before a month's moves are read. -#}
{{ moves_table('game_moves', [
    ('url', 'varchar'), ('month', 'varchar'), ('ply', 'integer'), ('colour', 'varchar'), ('san', 'varchar'),
    ('phase', 'varchar'), ('seconds_spent', 'double precision'),
]) }}
