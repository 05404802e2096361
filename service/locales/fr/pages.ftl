# Les mots des pages : titres, colonnes, états, liens. Les textes du registre (libellés des
# clauses, noms, motifs) ne sont jamais traduits.

## Commun
list-separator = {", "}
yes = oui
no = non
not-yet = pas encore
none-dash = —
recorded = enregistré le
nav-this-negotiation = Cette négociation
link-draft = Projet de texte
link-timeline = Chronologie
link-agreement = Accord
link-redline = Comparaison entre sessions
link-matrices = Matrices d’action
meta-revision = révision { $revision }
meta-round = session { $round }
meta-language = langue { $language }
tag-internal-to = interne à { $party }
copy-button = copier
copy-done = copié

## Types d’instrument
kind-treaty = traité
kind-agreement = accord
kind-mou = mémorandum d’entente
kind-exchange-of-notes = échange de notes

## État de l’instrument
instrument-negotiating = en négociation
instrument-text-adopted = texte adopté
instrument-authenticated = texte authentifié
instrument-in-force = en vigueur depuis le { $on }
instrument-takes-effect = prend effet le { $on }
instrument-abandoned = abandonné

## État d’une clause
clause-status-proposed = proposée
clause-status-under-discussion = en discussion
clause-status-bracketed = entre crochets
clause-status-agreed-ad-referendum = adoptée ad referendum
clause-status-agreed = adoptée
clause-status-withdrawn = retirée
clause-count-proposed = { $count ->
    [one] { $count } proposée
   *[other] { $count } proposées
  }
clause-count-under-discussion = { $count } en discussion
clause-count-bracketed = { $count } entre crochets
clause-count-agreed-ad-referendum = { $count ->
    [one] { $count } adoptée ad referendum
   *[other] { $count } adoptées ad referendum
  }
clause-count-agreed = { $count ->
    [one] { $count } adoptée
   *[other] { $count } adoptées
  }
clause-count-withdrawn = { $count ->
    [one] { $count } retirée
   *[other] { $count } retirées
  }
clause-counts = { $total ->
    [one] 1 clause
   *[other] { $total } clauses
  } : { $counts }
clause-counts-none = aucune clause pour l’instant

## Types de clause
clause-kind-recital = considérant
clause-kind-article = article
clause-kind-annex = annexe
clause-kind-final-clause = clause finale
clause-kind-part = partie
clause-kind-chapter = chapitre
clause-kind-section = section

## Version linguistique d’une clause
language-status-reference = texte de référence
language-status-missing = manquante
language-status-stale = à mettre à jour
language-status-awaiting-concordance = concordance à vérifier
language-status-concordant = concordante

## Positions
position-accept = accepte
position-reject = rejette
position-reserve = réserve sa position
position-alternative = préfère l’alternative { $label }

## Origine d’un libellé
version-proposed = proposé
version-amended = amendé
version-alternative-proposed = alternative proposée
version-alternative-chosen = alternative retenue
version-translated = traduit
version-corrected = rectifié
version-revision-opened = révision ouverte
version-revision-abandoned = révision abandonnée

## Résultat d’une comparaison
change-added = ajoutée
change-removed = supprimée
change-changed = modifiée
change-unchanged = inchangée

## Fonctions
role-negotiator = négociateur
role-head-of-delegation = chef de délégation
role-legal-linguist = juriste-linguiste
role-signatory = signataire
role-competent-authority = autorité compétente
role-secretariat = secrétariat
role-observer = observateur
role-auditor = auditeur

## Signatures et parties
capacity-simple = signature simple
capacity-definitive = signature définitive
capacity-ad-referendum = signature ad referendum
party-kind-state = État
party-kind-organisation = organisation internationale

## Avancement d’une ligne
progress-not-started = non commencée
progress-on-track = en bonne voie
progress-delayed = en retard
progress-completed = achevée

## Colonnes
col-number = No
col-negotiation = Négociation
col-kind = Type
col-status = État
col-clauses = Clauses
col-last-activity = Dernière activité
col-views = Vues
col-when = Date
col-who = Auteur
col-round = Session
col-what = Acte
col-why = Motif
col-hash = Empreinte
col-chain = Chaîne
col-party = Partie
col-adopted = A adopté le texte
col-signature = Signature
col-consent = Consentement
col-consent-to-be-bound = Consentement à être lié
col-revision = Révision
col-text-root = Empreinte du texte
col-in-force-from = En vigueur du
col-in-force-until = En vigueur jusqu’au
col-in-effect-from = En effet du
col-in-effect-until = En effet jusqu’au
col-row = Ligne
col-objective = Objectif
col-action = Action
col-responsible = Partie responsable
col-agency = Organisme
col-period = Période
col-indicator = Indicateur
col-agreed-by = Convenue par
col-progress = Avancement
col-note = Observation

## Vos négociations
index-title = Négociations
index-heading = Vos négociations
index-signed-in-as = Connecté en tant que { $person }.
index-none = Vous n’êtes encore accrédité dans aucune négociation.
index-awaiting-you = en attente de votre acceptation
index-awaiting = en attente de l’acceptation de { $parties }
index-last-event = événement no { $sequence }
index-timeline = chronologie
index-agreement = accord

## Le projet de texte
draft-meta-as-of = à l’événement no { $sequence }
draft-meta-parties = parties : { $parties }
draft-meta-reader = vous lisez en tant que { $person } pour { $party }
draft-at-note = Voici le projet de texte tel qu’il se présentait à { $at }.
draft-see-now = Voir le projet de texte actuel.
draft-at-label = Projet de texte à un moment donné
draft-show = Afficher
draft-downloads = Télécharger le texte
draft-clauses = Clauses
draft-warning = Avertissement : { $warning }
draft-status = État :
draft-agreed-by = adoptée par { $parties }
draft-clause-history = historique de la clause
draft-no-version = Pas encore de version dans cette langue.
draft-alternatives = Alternatives entre crochets
draft-proposed-by = proposée par { $party }
draft-positions = Positions

## Historique d’une clause
history-title = Historique de la clause { $clause }
history-counts = { $wordings ->
    [one] 1 libellé
   *[other] { $wordings } libellés
  } · { $acts ->
    [one] 1 acte
   *[other] { $acts } actes
  }
history-wordings = Libellés
history-by = Par { $actor } pour { $party }
history-wording-of = libellé de { $party }
history-why = Motif : { $why }
history-acts = Actes relatifs à cette clause

## Comparaison
redline-title = Comparaison des textes
redline-from = Du
redline-to = Au
redline-compare = Comparer
redline-language = Langue
redline-language-reference = Langue de référence de chaque clause
redline-help = Un point est un numéro d’événement (42), une date (2026-03-05), round:ID (une session) ou revision:N (une révision).
redline-rounds = Sessions : { $rounds }.
redline-point = l’événement no { $sequence } (révision { $revision }, { $time })
redline-summary = De { $from } à { $to } : { $changed } { $total ->
    [one] clause modifiée sur 1
   *[other] clause(s) modifiée(s) sur { $total }
  }.
redline-author = no { $sequence } { $event } par { $actor } pour { $party } (libellé de { $proposer })

## Chronologie
timeline-title = Chronologie
chain-verified-tag = vérifié
chain-broken-tag = rompu
chain-verified = La chaîne d’empreintes est vérifiée : { $count ->
    [one] l’unique événement est tel qu’il a été enregistré.
   *[other] les { $count } événements sont tels qu’ils ont été enregistrés.
  }
chain-broken = La chaîne d’empreintes est rompue à l’événement no { $at } : { $problem }. Seuls { $count ->
    [one] le premier événement est garanti.
   *[other] les { $count } premiers événements sont garantis.
  }
timeline-filters = Filtrer les événements
filter-party = Partie
filter-clause = Clause
filter-round = Session
filter-since = Du (AAAA-MM-JJ)
filter-until = Au (AAAA-MM-JJ)
filter-any = toutes
filter-apply = Filtrer
filter-clear = Afficher tous les événements
timeline-page = Événements { $first } à { $last } sur { $total }, du plus ancien au plus récent.
timeline-earlier = Événements antérieurs
timeline-later = Événements postérieurs
timeline-none = Aucun événement ne correspond à ces filtres.
timeline-bad-date = « { $value } » n’est pas une date (AAAA-MM-JJ).
timeline-bad-page = « { $value } » n’est pas une page de cette chronologie (1 à { $pages }).

## L’accord
agreement-title = Accord : { $title }
agreement-status = État
agreement-legal-effect = Effet juridique
agreement-registration = Enregistrement
agreement-revision = Révision
agreement-text-root = Empreinte du texte
agreement-takes-effect = Prise d’effet
agreement-entry-into-force = Entrée en vigueur
agreement-takes-effect-rule = Prend effet selon sa règle
agreement-enters-into-force-rule = Entre en vigueur
agreement-exchange-of-notes = Échange de notes
agreement-suspended = Suspendu
agreement-suspended-by = par { $party } depuis le { $since }
agreement-terminates-on = Prend fin le
agreement-parties = Parties
agreement-in-force-parties = Texte en vigueur : révision { $revision }
agreement-in-effect-parties = Texte en effet : révision { $revision }
agreement-in-force-note = Les signatures et consentements qui ont mis ce texte en vigueur. Il reste en vigueur pendant la négociation de la révision { $revision }.
agreement-in-effect-note = Les signatures qui ont donné effet à ce texte. Il reste en effet pendant la négociation de la révision { $revision }.
agreement-revision-parties = Révision { $revision } en cours de négociation : { $status }
agreement-revision-note = L’adoption, les signatures et les consentements portant sur le texte propre de la révision, dont l’empreinte est
agreement-revisions = Révisions
agreement-signed-on = le { $date }
agreement-confirmed = confirmée le { $date }
agreement-not-signed = non signé
agreement-no-consent-non-binding = aucun : non contraignant
agreement-applied-provisionally = appliqué à titre provisoire depuis le { $date }

## Matrices d’action
matrices-title = Matrices d’action
matrices-none = Cette négociation n’a pas encore de matrice d’action.
matrix-validated = Validée lors de la session { $round }.
matrix-not-validated = Pas encore validée.
matrix-rows = { $count ->
    [one] 1 ligne
   *[other] { $count } lignes
  }, dont { $agreed } convenue(s) par toutes les parties.
matrix-indicator = { $name } ({ $unit }) : de { $baseline } à { $target }
matrix-period = du { $starts } au { $ends }
matrix-agreed-by-none = aucune partie pour l’instant
matrix-reports = Rapports d’avancement
matrix-no-reports = Aucun avancement communiqué pour l’instant.

## Connexion
sign-in-title = Connexion
sign-in-help = Collez le jeton que votre secrétariat vous a délivré :
sign-in-token = Jeton
sign-in-button = Se connecter
sign-in-unknown-token = Ce jeton est inconnu ou a été révoqué ; demandez-en un nouveau.

## Pages d’erreur
error-title = Erreur { $status }
error-400 = Requête incorrecte
error-401 = Non connecté
error-403 = Non autorisé
error-404 = Introuvable
error-409 = Conflit
error-413 = Trop volumineux
error-422 = Impossible à effectuer
error-429 = Trop de requêtes
error-500 = Erreur interne
error-503 = Service indisponible
error-code = Code :
error-back = Retour à vos négociations
