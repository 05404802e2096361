# Live: the acts others record while a page is open (pages/live.rs, static/live.js).
live-region-label = Acts recorded since this page was loaded
# One act: "Maroc (amina.kone): clause amended — art-2".
live-act = { $party } ({ $actor }): { $event }
live-act-on-clause = { $party } ({ $actor }): { $event } — { $clause }
live-just-now = just now
live-reload = Reload to see it
live-clause-changed = This clause changed since you loaded the page; your submission will show the new wording.
