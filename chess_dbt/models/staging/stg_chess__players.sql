{#- The roster: the players loaded (chess_data.players when the model is built), lower case. -#}

select distinct lower(username) as player
from {{ source('chess_data', 'players') }}
