# The pages' own words: headings, column names, states, links. Texts from the ledger (clause
# wordings, names, reasons) are never translated.

## Shared
list-separator = {", "}
yes = yes
no = no
not-yet = not yet
none-dash = —
recorded = recorded
nav-this-negotiation = This negotiation
link-draft = Draft
link-timeline = Timeline
link-agreement = Agreement
link-redline = Redline between rounds
link-matrices = Action matrices
meta-revision = revision { $revision }
meta-round = round { $round }
meta-language = language { $language }
tag-internal-to = internal to { $party }
copy-button = copy
copy-done = copied

## Kinds of instrument
kind-treaty = treaty
kind-agreement = agreement
kind-mou = memorandum of understanding
kind-exchange-of-notes = exchange of notes

## Where an instrument stands
instrument-negotiating = negotiating
instrument-text-adopted = text adopted
instrument-authenticated = authenticated
instrument-in-force = in force since { $on }
instrument-takes-effect = takes effect on { $on }
instrument-abandoned = abandoned

## Where a clause stands
clause-status-proposed = proposed
clause-status-under-discussion = under discussion
clause-status-bracketed = bracketed
clause-status-agreed-ad-referendum = agreed ad referendum
clause-status-agreed = agreed
clause-status-withdrawn = withdrawn
clause-count-proposed = { $count } proposed
clause-count-under-discussion = { $count } under discussion
clause-count-bracketed = { $count } bracketed
clause-count-agreed-ad-referendum = { $count } agreed ad referendum
clause-count-agreed = { $count } agreed
clause-count-withdrawn = { $count } withdrawn
clause-counts = { $total ->
    [one] 1 clause
   *[other] { $total } clauses
  }: { $counts }
clause-counts-none = no clause yet

## Kinds of clause
clause-kind-recital = recital
clause-kind-article = article
clause-kind-annex = annex
clause-kind-final-clause = final clause
clause-kind-part = part
clause-kind-chapter = chapter
clause-kind-section = section

## A language version of a clause
language-status-reference = reference text
language-status-missing = missing
language-status-stale = out of date
language-status-awaiting-concordance = awaiting concordance
language-status-concordant = concordant

## Positions
position-accept = accepts
position-reject = rejects
position-reserve = reserves its position
position-alternative = prefers alternative { $label }

## How a wording came about
version-proposed = proposed
version-amended = amended
version-alternative-proposed = alternative proposed
version-alternative-chosen = alternative chosen
version-translated = translated
version-corrected = corrected
version-revision-opened = revision opened
version-revision-abandoned = revision abandoned

## What a redline found
change-added = added
change-removed = removed
change-changed = changed
change-unchanged = unchanged

## Roles
role-negotiator = negotiator
role-head-of-delegation = head of delegation
role-legal-linguist = legal linguist
role-signatory = signatory
role-competent-authority = competent authority
role-secretariat = secretariat
role-observer = observer
role-auditor = auditor

## Signatures and parties
capacity-simple = simple signature
capacity-definitive = definitive signature
capacity-ad-referendum = signed ad referendum
party-kind-state = state
party-kind-organisation = international organisation

## Row progress
progress-not-started = not started
progress-on-track = on track
progress-delayed = delayed
progress-completed = completed

## Table columns
col-number = #
col-negotiation = Negotiation
col-kind = Kind
col-status = Status
col-clauses = Clauses
col-last-activity = Last activity
col-views = Views
col-when = When
col-who = Who
col-round = Round
col-what = What
col-why = Why
col-hash = Hash
col-chain = Chain
col-party = Party
col-adopted = Adopted the text
col-signature = Signature
col-consent = Consent
col-consent-to-be-bound = Consent to be bound
col-revision = Revision
col-text-root = Text root
col-in-force-from = In force from
col-in-force-until = In force until
col-in-effect-from = In effect from
col-in-effect-until = In effect until
col-row = Row
col-objective = Objective
col-action = Action
col-responsible = Responsible party
col-agency = Agency
col-period = Period
col-indicator = Indicator
col-agreed-by = Agreed by
col-progress = Progress
col-note = Note

## Your negotiations
index-title = Negotiations
index-heading = Your negotiations
index-signed-in-as = Signed in as { $person }.
index-none = You are not accredited in any negotiation yet.
index-awaiting-you = awaiting your acceptance
index-awaiting = awaiting acceptance by { $parties }
index-last-event = event #{ $sequence }
index-timeline = timeline
index-agreement = agreement

## The draft
draft-meta-as-of = as of event #{ $sequence }
draft-meta-parties = parties: { $parties }
draft-meta-reader = you read as { $person } for { $party }
draft-at-note = This is the draft as it stood at { $at }.
draft-see-now = See the draft now.
draft-at-label = Draft at a point
draft-show = Show
draft-downloads = Download the text
draft-clauses = Clauses
draft-warning = Warning: { $warning }
draft-status = Status:
draft-agreed-by = agreed by { $parties }
draft-clause-history = history of this clause
draft-no-version = No version in this language yet.
draft-alternatives = Bracketed alternatives
draft-proposed-by = proposed by { $party }
draft-positions = Positions

## A clause's history
history-title = History of { $clause }
history-counts = { $wordings ->
    [one] 1 wording
   *[other] { $wordings } wordings
  } · { $acts ->
    [one] 1 act
   *[other] { $acts } acts
  }
history-wordings = Wordings
history-by = By { $actor } for { $party }
history-wording-of = wording of { $party }
history-why = Why: { $why }
history-acts = Acts on this clause

## The redline
redline-title = Redline
redline-from = From
redline-to = To
redline-compare = Compare
redline-language = Language
redline-language-reference = Each clause's reference language
redline-help = A point is an event number (42), a date (2026-03-05), round:ID or revision:N.
redline-rounds = Rounds: { $rounds }.
redline-point = event #{ $sequence } (revision { $revision }, { $time })
redline-summary = From { $from } to { $to }: { $changed } of { $total ->
    [one] 1 clause
   *[other] { $total } clauses
  } changed.
redline-author = #{ $sequence } { $event } by { $actor } for { $party } (wording of { $proposer })

## The timeline
timeline-title = Timeline
chain-verified-tag = verified
chain-broken-tag = broken
chain-verified = The hash chain verifies: { $count ->
    [one] the one event is as recorded.
   *[other] all { $count } events are as recorded.
  }
chain-broken = The hash chain breaks at event #{ $at }: { $problem }. Only the first { $count ->
    [one] event is
   *[other] { $count } events are
  } vouched for.
timeline-filters = Filter the events
filter-party = Party
filter-clause = Clause
filter-round = Round
filter-since = From (YYYY-MM-DD)
filter-until = Until (YYYY-MM-DD)
filter-any = any
filter-apply = Filter
filter-clear = Show every event
timeline-page = Events { $first } to { $last } of { $total }, oldest first.
timeline-earlier = Earlier events
timeline-later = Later events
timeline-none = No event matches these filters.
timeline-bad-date = “{ $value }” is not a day (YYYY-MM-DD).
timeline-bad-page = “{ $value }” is not a page of this timeline (1 to { $pages }).

## The agreement
agreement-title = Agreement: { $title }
agreement-status = Status
agreement-legal-effect = Legal effect
agreement-registration = Registration
agreement-revision = Revision
agreement-text-root = Text root
agreement-takes-effect = Takes effect
agreement-entry-into-force = Entry into force
agreement-takes-effect-rule = Takes effect by its rule
agreement-enters-into-force-rule = Enters into force
agreement-exchange-of-notes = Exchange of notes
agreement-suspended = Suspended
agreement-suspended-by = by { $party } since { $since }
agreement-terminates-on = Terminates on
agreement-parties = Parties
agreement-in-force-parties = Text in force: revision { $revision }
agreement-in-effect-parties = Text in effect: revision { $revision }
agreement-in-force-note = The signatures and consents that put this text in force. It stays in force while revision { $revision } is negotiated.
agreement-in-effect-note = The signatures that gave this text effect. It stays in effect while revision { $revision } is negotiated.
agreement-revision-parties = Revision { $revision } under negotiation: { $status }
agreement-revision-note = The adoption, signatures and consents of the revision’s own text, whose root is
agreement-revisions = Revisions
agreement-signed-on = on { $date }
agreement-confirmed = confirmed { $date }
agreement-not-signed = not signed
agreement-no-consent-non-binding = none: not binding
agreement-applied-provisionally = applied provisionally from { $date }

## Action matrices
matrices-title = Action matrices
matrices-none = There is no action matrix in this negotiation yet.
matrix-validated = Validated at round { $round }.
matrix-not-validated = Not validated yet.
matrix-rows = { $count ->
    [one] 1 row
   *[other] { $count } rows
  }, { $agreed } agreed by every party.
matrix-indicator = { $name } ({ $unit }): from { $baseline } to { $target }
matrix-period = { $starts } to { $ends }
matrix-agreed-by-none = no party yet
matrix-reports = Progress reports
matrix-no-reports = No progress reported yet.

## Signing in
sign-in-title = Sign in
sign-in-help = Paste the token your secretariat issued to you:
sign-in-token = Token
sign-in-button = Sign in
sign-in-unknown-token = This token is unknown or has been revoked; ask for a new one.

## Error pages
error-title = Error { $status }
error-400 = Bad request
error-401 = Not signed in
error-403 = Not allowed
error-404 = Not found
error-409 = Conflict
error-413 = Too large
error-422 = Cannot be done
error-429 = Too many requests
error-500 = Internal error
error-503 = Service unavailable
error-code = Code:
error-back = Back to your negotiations
