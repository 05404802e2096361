# Live: the acts others record while a page is open (pages/live.rs, static/live.js).
live-region-label = Actes enregistrés depuis l'ouverture de cette page
# One act: "Maroc (amina.kone) : clause amendée — art-2".
live-act = { $party } ({ $actor }) : { $event }
live-act-on-clause = { $party } ({ $actor }) : { $event } — { $clause }
live-just-now = à l'instant
live-reload = Recharger pour le voir
live-clause-changed = Cette clause a changé depuis le chargement de la page ; votre envoi portera sur le nouveau libellé.
