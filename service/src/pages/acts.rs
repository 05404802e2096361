//! Acting from the pages: a form for every negotiating act the reader's role allows, where it
//! belongs (per clause and for the negotiation on the draft page, the action matrices on the
//! agreement page), and the two handlers the forms post to.
//!
//! The pages only offer: the role table (`pacta_domain::is_permitted`) decides which forms a
//! reader sees, and the domain still decides every act, exactly as for the JSON API
//! (`AppState::perform`). Each form carries the session's CSRF token, a command id drawn when
//! the page is rendered (a double submit is answered as a replay, recorded once), the hash of
//! the wording, text, row or minutes the person saw (so an act never silently overrides a change
//! they did not see), and the page to come back to. A refused act shows its reason and the form
//! again with what the person typed; when the text moved under them, it also shows the wording
//! that now stands, a redline from the one they saw and who changed it, and the form carries
//! the current hash, so one click re-applies what they typed.
//!
//! Signing is not here: the signatory's key never reaches the server (`pacta sign`).

use std::collections::BTreeMap;
use std::fmt::Display;
use std::str::FromStr;

use axum::extract::multipart::MultipartRejection;
use axum::extract::rejection::FormRejection;
use axum::extract::Multipart;
use chrono::NaiveDate;
use pacta_domain::{
    is_permitted, Action, ActionKind, ClauseKind, Delegate, Indicator, Matrix, Negotiation,
    NegotiationEvent, Position, Role, RoundKind, RowContent, RowProgress, SignatureCapacity,
};
use pacta_projections::{word_diff, Draft, DraftClause};
use sha2::{Digest, Sha256};

use super::render::*;
use super::*;
use crate::error::ServiceCode;

/// The largest minutes file the form takes: a scanned record of a round runs to a few
/// megabytes; beyond this it is refused (413) before anything is hashed or recorded.
pub const MAX_MINUTES_FILE_BYTES: usize = 16 * 1024 * 1024;
/// What the minutes form's other fields and its multipart framing may add to the file.
const MINUTES_FORM_OVERHEAD_BYTES: usize = 64 * 1024;
/// The body limit of `POST /negotiations/{n}/minutes` (every other request keeps
/// `MAX_REQUEST_BODY_BYTES`).
pub const MAX_MINUTES_FORM_BYTES: usize = MAX_MINUTES_FILE_BYTES + MINUTES_FORM_OVERHEAD_BYTES;
/// Random bytes in a form's command id: 128 bits, so that two rendered forms never share one.
const COMMAND_ID_RANDOM_BYTES: usize = 16;

/// The hidden field naming the act, as the `type` tag of `Action` names it ("amend-clause").
const ACT_FIELD: &str = "act";
const COMMAND_ID_FIELD: &str = "command_id";
const RETURN_TO_FIELD: &str = "return_to";
/// The file field of the minutes form.
const MINUTES_FILE_FIELD: &str = "minutes";
/// The hidden fields that name what the person saw. After a conflict the form is shown again
/// without them, so it carries the hashes that stand now.
const SEEN_HASH_FIELDS: [&str; 6] = [
    "base_text_hash",
    "text_hash",
    "source_text_hash",
    "text_root_hash",
    "row_hash",
    "minutes_hash",
];
/// The refusals that mean the text (or row, root, minutes) moved under the person: the domain's
/// codes, kebab case (a unit test checks that the service answers each), 409 but for
/// `stale-translation` (422: the version translates an older wording).
const CONFLICT_CODES: [&str; 5] = [
    "stale-text-hash",
    "stale-translation",
    "stale-row-hash",
    "stale-text-root",
    "stale-minutes",
];

/// The acts the draft page offers (to the roles that may perform them): those on a clause and
/// those on the negotiation, each once.
pub fn draft_page_acts() -> Vec<ActionKind> {
    let mut acts: Vec<ActionKind> = CLAUSE_ACTS.to_vec();
    acts.extend(
        NEGOTIATION_ACTS
            .iter()
            .filter(|kind| !CLAUSE_ACTS.contains(kind)),
    );
    acts
}

/// The acts on one clause, in the order its forms are listed.
const CLAUSE_ACTS: &[ActionKind] = &[
    ActionKind::AmendClause,
    ActionKind::Comment,
    ActionKind::ProposeAlternative,
    ActionKind::StatePosition,
    ActionKind::AgreeClause,
    ActionKind::ConfirmClauseAgreement,
    ActionKind::ChooseAlternative,
    ActionKind::WithdrawAlternative,
    ActionKind::WithdrawClause,
    ActionKind::ReopenClause,
    ActionKind::TranslateClause,
    ActionKind::VerifyConcordance,
];

/// The acts on the negotiation as a whole, on the draft page.
const NEGOTIATION_ACTS: &[ActionKind] = &[
    ActionKind::ProposeClause,
    ActionKind::Comment,
    ActionKind::OpenRound,
    ActionKind::CloseRound,
    ActionKind::RecordMinutes,
    ActionKind::AdoptMinutes,
    ActionKind::AdoptText,
    ActionKind::InitialText,
    ActionKind::AccreditDelegate,
];

/// The acts on the action matrices, on the agreement page.
pub const MATRIX_ACTS: &[ActionKind] = &[
    ActionKind::CreateMatrix,
    ActionKind::ProposeRow,
    ActionKind::AgreeRow,
    ActionKind::ReportProgress,
];

/// The name `Action` gives an act in its `type` tag: `AmendClause` → `amend-clause`.
pub fn act_name(kind: ActionKind) -> String {
    let camel = format!("{kind:?}");
    let mut kebab = String::with_capacity(camel.len() + 4);
    for (i, c) in camel.chars().enumerate() {
        if c.is_ascii_uppercase() {
            if i > 0 {
                kebab.push('-');
            }
            kebab.push(c.to_ascii_lowercase());
        } else {
            kebab.push(c);
        }
    }
    kebab
}

/// A fresh command id for a form: `page-` and 128 random bits in hex. Should the operating
/// system give no randomness, the clock and a process-wide counter still make it unique.
fn new_command_id() -> String {
    let mut random = [0u8; COMMAND_ID_RANDOM_BYTES];
    if getrandom::fill(&mut random).is_err() {
        static FALLBACK: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
        let count = FALLBACK.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos());
        let digest = Sha256::new()
            .chain_update(nanos.to_le_bytes())
            .chain_update(count.to_le_bytes())
            .finalize();
        random.copy_from_slice(&digest[..COMMAND_ID_RANDOM_BYTES]);
    }
    format!("page-{}", hex::encode(random))
}

/// A form as sent: each field's value (the last, should a name repeat), line ends as `\n`
/// (browsers send a textarea's as `\r\n`, which the domain refuses as a control character).
#[derive(Clone, Debug, Default)]
pub(super) struct Fields(BTreeMap<String, String>);

fn invalid(message: impl Into<String>) -> ApiError {
    ApiError::new(ServiceCode::InvalidForm, message)
}

impl Fields {
    fn from_pairs(pairs: impl IntoIterator<Item = (String, String)>) -> Fields {
        Fields(
            pairs
                .into_iter()
                .map(|(name, value)| (name, value.replace("\r\n", "\n")))
                .collect(),
        )
    }

    fn get(&self, name: &str) -> Option<&str> {
        self.0.get(name).map(String::as_str)
    }

    /// A field the act cannot do without: sent, and not blank.
    fn required(&self, name: &str) -> Result<String, ApiError> {
        match self.get(name) {
            Some(value) if !value.trim().is_empty() => Ok(value.to_string()),
            _ => Err(invalid(format!(
                "the form has no {name}; fill it in and send the form again"
            ))),
        }
    }

    /// A field that may be left empty.
    fn text(&self, name: &str) -> String {
        self.get(name).unwrap_or_default().to_string()
    }

    fn checked(&self, name: &str) -> bool {
        self.get(name).is_some()
    }

    /// A required field read by its type's `FromStr` (a kind, a role, a progress).
    fn parsed<T: FromStr>(&self, name: &str) -> Result<T, ApiError>
    where
        T::Err: Display,
    {
        self.required(name)?
            .trim()
            .parse()
            .map_err(|error| invalid(format!("{name}: {error}")))
    }

    fn date(&self, name: &str) -> Result<NaiveDate, ApiError> {
        let value = self.required(name)?;
        NaiveDate::parse_from_str(value.trim(), "%Y-%m-%d")
            .map_err(|_| invalid(format!("{name} '{value}' is not a date (YYYY-MM-DD)")))
    }

    /// The value shown in a field: what the person typed, else `default`.
    fn or<'a>(&'a self, name: &str, default: &'a str) -> &'a str {
        self.get(name).unwrap_or(default)
    }

    /// The act the form names.
    fn kind(&self) -> Result<ActionKind, ApiError> {
        let name = self.required(ACT_FIELD)?;
        ActionKind::ALL
            .into_iter()
            .find(|kind| act_name(*kind) == name)
            .ok_or_else(|| invalid(format!("no act is named '{name}'")))
    }

    /// The same fields without the hashes of what the person saw.
    fn without_seen_hashes(&self) -> Fields {
        let mut fields = self.clone();
        for name in SEEN_HASH_FIELDS {
            fields.0.remove(name);
        }
        fields
    }
}

/// The typed act a form asks for: one function per act, each reading only its own fields.
fn action_of(kind: ActionKind, f: &Fields) -> Result<Action, ApiError> {
    match kind {
        ActionKind::AmendClause => amend_clause(f),
        ActionKind::Comment => comment(f),
        ActionKind::ProposeAlternative => propose_alternative(f),
        ActionKind::StatePosition => state_position(f),
        ActionKind::AgreeClause => agree_clause(f),
        ActionKind::ConfirmClauseAgreement => confirm_clause_agreement(f),
        ActionKind::ChooseAlternative => choose_alternative(f),
        ActionKind::WithdrawAlternative => withdraw_alternative(f),
        ActionKind::WithdrawClause => withdraw_clause(f),
        ActionKind::ReopenClause => reopen_clause(f),
        ActionKind::TranslateClause => translate_clause(f),
        ActionKind::VerifyConcordance => verify_concordance(f),
        ActionKind::ProposeClause => propose_clause(f),
        ActionKind::OpenRound => open_round(f),
        ActionKind::CloseRound => close_round(f),
        ActionKind::AdoptMinutes => adopt_minutes(f),
        ActionKind::AdoptText => adopt_text(f),
        ActionKind::InitialText => initial_text(f),
        ActionKind::AccreditDelegate => accredit_delegate(f),
        ActionKind::CreateMatrix => create_matrix(f),
        ActionKind::ProposeRow => propose_row(f),
        ActionKind::AgreeRow => agree_row(f),
        ActionKind::ReportProgress => report_progress(f),
        ActionKind::RecordMinutes => Err(invalid(
            "minutes are recorded by uploading their file to /negotiations/{negotiation}/minutes",
        )),
        other => Err(invalid(format!(
            "the pages have no form to {other}; use the CLI or the API"
        ))),
    }
}

/// The page's form always sends a heading, prefilled with the clause's; one left out keeps it.
fn amend_clause(f: &Fields) -> Result<Action, ApiError> {
    Ok(Action::AmendClause {
        clause_id: f.required("clause_id")?,
        base_text_hash: f.required("base_text_hash")?,
        heading: f.get("heading").map(str::to_string),
        language: f.required("language")?,
        text: f.required("text")?,
    })
}

fn comment(f: &Fields) -> Result<Action, ApiError> {
    Ok(Action::Comment {
        clause_id: f.get("clause_id").map(str::to_string),
        text: f.required("text")?,
        internal: f.checked("internal"),
    })
}

fn propose_alternative(f: &Fields) -> Result<Action, ApiError> {
    Ok(Action::ProposeAlternative {
        clause_id: f.required("clause_id")?,
        label: f.required("label")?.trim().to_string(),
        heading: f.get("heading").map(str::to_string),
        language: f.required("language")?,
        text: f.required("text")?,
    })
}

fn state_position(f: &Fields) -> Result<Action, ApiError> {
    let position = match f.required("position")?.as_str() {
        "accept" => Position::Accept,
        "reject" => Position::Reject,
        "reserve" => Position::Reserve,
        "alternative" => Position::Alternative {
            label: f.required("label")?.trim().to_string(),
        },
        other => {
            return Err(invalid(format!(
                "no position '{other}': accept, reject, reserve or alternative"
            )))
        }
    };
    Ok(Action::StatePosition {
        clause_id: f.required("clause_id")?,
        position,
        rationale: f.text("rationale"),
    })
}

fn agree_clause(f: &Fields) -> Result<Action, ApiError> {
    Ok(Action::AgreeClause {
        clause_id: f.required("clause_id")?,
        text_hash: f.required("text_hash")?,
        ad_referendum: f.checked("ad_referendum"),
    })
}

fn confirm_clause_agreement(f: &Fields) -> Result<Action, ApiError> {
    Ok(Action::ConfirmClauseAgreement {
        clause_id: f.required("clause_id")?,
    })
}

fn choose_alternative(f: &Fields) -> Result<Action, ApiError> {
    Ok(Action::ChooseAlternative {
        clause_id: f.required("clause_id")?,
        label: f.required("label")?.trim().to_string(),
        base_text_hash: f.required("base_text_hash")?,
    })
}

fn withdraw_alternative(f: &Fields) -> Result<Action, ApiError> {
    Ok(Action::WithdrawAlternative {
        clause_id: f.required("clause_id")?,
        label: f.required("label")?.trim().to_string(),
        reason: f.required("reason")?,
    })
}

fn withdraw_clause(f: &Fields) -> Result<Action, ApiError> {
    Ok(Action::WithdrawClause {
        clause_id: f.required("clause_id")?,
        reason: f.required("reason")?,
    })
}

fn reopen_clause(f: &Fields) -> Result<Action, ApiError> {
    Ok(Action::ReopenClause {
        clause_id: f.required("clause_id")?,
        reason: f.required("reason")?,
    })
}

fn translate_clause(f: &Fields) -> Result<Action, ApiError> {
    Ok(Action::TranslateClause {
        clause_id: f.required("clause_id")?,
        language: f.required("language")?,
        heading: f.text("heading"),
        text: f.required("text")?,
        source_text_hash: f.required("source_text_hash")?,
    })
}

fn verify_concordance(f: &Fields) -> Result<Action, ApiError> {
    Ok(Action::VerifyConcordance {
        clause_id: f.required("clause_id")?,
        language: f.required("language")?,
        text_hash: f.required("text_hash")?,
    })
}

fn propose_clause(f: &Fields) -> Result<Action, ApiError> {
    let placement = f.text("placement");
    let (after, before) = match placement.split_once(':') {
        Some(("after", clause)) => (Some(clause.to_string()), None),
        Some(("before", clause)) => (None, Some(clause.to_string())),
        None if placement.is_empty() => (None, None),
        _ => {
            return Err(invalid(format!(
                "placement '{placement}' is not after:CLAUSE or before:CLAUSE"
            )))
        }
    };
    Ok(Action::ProposeClause {
        clause_id: f.required("new_clause_id")?.trim().to_string(),
        kind: f.parsed::<ClauseKind>("kind")?,
        heading: f.text("heading"),
        language: f.required("language")?,
        text: f.required("text")?,
        after,
        before,
    })
}

fn open_round(f: &Fields) -> Result<Action, ApiError> {
    Ok(Action::OpenRound {
        round_id: f.required("round_id")?.trim().to_string(),
        kind: f.parsed::<RoundKind>("round_kind")?,
        place: f.required("place")?,
        starts_on: f.date("starts_on")?,
        ends_on: f.date("ends_on")?,
    })
}

fn close_round(f: &Fields) -> Result<Action, ApiError> {
    Ok(Action::CloseRound {
        round_id: f.required("round_id")?.trim().to_string(),
    })
}

/// Minutes are put on record by the hash the server computed of the uploaded file, never by
/// one the form claims.
fn record_minutes(f: &Fields, minutes_hash: String) -> Result<Action, ApiError> {
    Ok(Action::RecordMinutes {
        round_id: f.required("round_id")?.trim().to_string(),
        minutes_hash,
        reference: f.required("reference")?,
    })
}

fn adopt_minutes(f: &Fields) -> Result<Action, ApiError> {
    Ok(Action::AdoptMinutes {
        round_id: f.required("round_id")?,
        minutes_hash: f.required("minutes_hash")?,
    })
}

fn adopt_text(f: &Fields) -> Result<Action, ApiError> {
    Ok(Action::AdoptText {
        text_root_hash: f.required("text_root_hash")?,
    })
}

fn initial_text(f: &Fields) -> Result<Action, ApiError> {
    Ok(Action::InitialText {
        text_root_hash: f.required("text_root_hash")?,
    })
}

fn accredit_delegate(f: &Fields) -> Result<Action, ApiError> {
    Ok(Action::AccreditDelegate {
        person: f.required("person")?.trim().to_string(),
        name: f.text("name").trim().to_string(),
        party: f.required("party")?,
        role: f.parsed::<Role>("role")?,
        signing: None,
    })
}

fn create_matrix(f: &Fields) -> Result<Action, ApiError> {
    Ok(Action::CreateMatrix {
        matrix_id: f.required("matrix_id")?.trim().to_string(),
        title: f.required("title")?,
    })
}

fn propose_row(f: &Fields) -> Result<Action, ApiError> {
    Ok(Action::ProposeRow {
        matrix_id: f.required("matrix_id")?,
        row_id: f.required("row_id")?.trim().to_string(),
        content: RowContent {
            objective: f.required("objective")?,
            action: f.required("row_action")?,
            responsible_party: f.required("responsible_party")?,
            agency: f.required("agency")?,
            starts_on: f.date("starts_on")?,
            ends_on: f.date("ends_on")?,
            indicator: Indicator {
                name: f.required("indicator_name")?,
                unit: f.required("indicator_unit")?,
                baseline: f.required("indicator_baseline")?,
                target: f.required("indicator_target")?,
            },
        },
        base_row_hash: None,
    })
}

fn agree_row(f: &Fields) -> Result<Action, ApiError> {
    Ok(Action::AgreeRow {
        matrix_id: f.required("matrix_id")?,
        row_id: f.required("row_id")?,
        row_hash: f.required("row_hash")?,
    })
}

fn report_progress(f: &Fields) -> Result<Action, ApiError> {
    Ok(Action::ReportProgress {
        matrix_id: f.required("matrix_id")?,
        row_id: f.required("row_id")?,
        progress: f.parsed::<RowProgress>("progress")?,
        reported_on: f.date("reported_on")?,
        note: f.text("note"),
    })
}

const CLAUSE_KINDS: [ClauseKind; 7] = [
    ClauseKind::Article,
    ClauseKind::Recital,
    ClauseKind::FinalClause,
    ClauseKind::Annex,
    ClauseKind::Part,
    ClauseKind::Chapter,
    ClauseKind::Section,
];
const ROUND_KINDS: [RoundKind; 3] = [
    RoundKind::NegotiatingRound,
    RoundKind::ExpertsMeeting,
    RoundKind::JointCommission,
];
const PROGRESS: [RowProgress; 4] = [
    RowProgress::NotStarted,
    RowProgress::OnTrack,
    RowProgress::Delayed,
    RowProgress::Completed,
];
/// The roles a head of delegation accredits from the page. A signatory is accredited with a
/// public key and full powers, from the CLI; an auditor reads only, by the operator's token.
const ACCREDITED_FROM_THE_PAGE: [Role; 5] = [
    Role::Negotiator,
    Role::LegalLinguist,
    Role::CompetentAuthority,
    Role::Observer,
    Role::Secretariat,
];

/// The forms one reader is offered on one page of one negotiation.
pub struct Forms<'a> {
    ui: &'a Ui,
    negotiation: &'a str,
    csrf: &'a str,
    reader: &'a Delegate,
    access: &'a Access,
    return_to: String,
    /// False for a past text (a draft at a point or of a revision): one acts on the text now.
    offered: bool,
    state: &'a Negotiation,
}

impl<'a> Forms<'a> {
    /// The forms on the page at `return_to`, offered only when `offered` (the page shows the
    /// negotiation as it stands now).
    pub fn new(
        ui: &'a Ui,
        caller: &'a Caller,
        access: &'a Access,
        negotiation: &'a str,
        return_to: &str,
        offered: bool,
    ) -> Forms<'a> {
        Forms {
            ui,
            negotiation,
            csrf: caller.csrf_token.as_deref().unwrap_or_default(),
            reader: &access.reader,
            access,
            return_to: return_to.to_string(),
            offered,
            state: &access.state,
        }
    }

    fn may(&self, kind: ActionKind) -> bool {
        self.offered && is_permitted(self.reader.role, kind)
    }

    fn t(&self, key: &str) -> String {
        self.ui.t(key)
    }

    /// One act's form: method POST, class `act`, `data-act` and `data-clause` for the pages'
    /// scripts, and the hidden fields every act carries.
    fn form(
        &self,
        kind: ActionKind,
        clause: Option<&str>,
        hidden: &[(&str, &str)],
        fields: Markup,
    ) -> Markup {
        let name = act_name(kind);
        let minutes = kind == ActionKind::RecordMinutes;
        let target = if minutes { "minutes" } else { "acts" };
        html! {
            form.act method="post" action={ "/negotiations/" (self.negotiation) "/" (target) }
                enctype=[minutes.then_some("multipart/form-data")]
                data-act=(name) data-clause=[clause] {
                input type="hidden" name=(CSRF_FIELD) value=(self.csrf);
                input type="hidden" name=(COMMAND_ID_FIELD) value=(new_command_id());
                input type="hidden" name=(RETURN_TO_FIELD) value=(self.return_to);
                input type="hidden" name=(ACT_FIELD) value=(name);
                @if let Some(clause) = clause { input type="hidden" name="clause_id" value=(clause); }
                @for (field, value) in hidden { input type="hidden" name=(field) value=(value); }
                fieldset {
                    legend { (self.t(&format!("act-{name}"))) }
                    (fields)
                    button type="submit" { (self.t("acts-submit")) }
                }
            }
        }
    }

    fn input(&self, name: &str, label: &str, value: &str, required: bool) -> Markup {
        html! { label { span { (self.t(label)) } input type="text" name=(name) value=(value) required[required]; } }
    }

    fn date(&self, name: &str, label: &str, value: &str) -> Markup {
        html! { label { span { (self.t(label)) } input type="date" name=(name) value=(value) required; } }
    }

    fn textarea(&self, name: &str, label: &str, value: &str, language: Option<&str>) -> Markup {
        html! { label { span { (self.t(label)) }
        textarea name=(name) rows="5" lang=[language] dir=[language.map(direction)] required { (value) } } }
    }

    fn checkbox(&self, name: &str, label: &str, checked: bool) -> Markup {
        html! { label { input type="checkbox" name=(name) value="on" checked[checked]; " " (label) } }
    }

    /// A choice among `options` (value, what it reads), `selected` chosen.
    fn select(
        &self,
        name: &str,
        label: &str,
        options: &[(String, String)],
        selected: &str,
    ) -> Markup {
        html! { label { span { (self.t(label)) }
        select name=(name) {
            @for (value, text) in options {
                option value=(value) selected[value == selected] { (text) }
            }
        } } }
    }

    /// A select's options for a unit enum: its kebab name (as its `FromStr` reads it) and that
    /// name in the reader's language (the message `{prefix}-{name}`).
    fn options<T: Serialize>(&self, prefix: &str, variants: &[T]) -> Vec<(String, String)> {
        variants
            .iter()
            .map(|v| (kebab(v), named(self.ui, prefix, v)))
            .collect()
    }

    fn languages(&self, draft: &Draft, except: Option<&str>) -> Vec<(String, String)> {
        draft
            .languages
            .iter()
            .filter(|l| Some(l.as_str()) != except)
            .map(|l| (l.clone(), l.clone()))
            .collect()
    }

    /// An alternative's label: a choice among the clause's alternatives, or typed when it has
    /// none yet.
    fn label_field(&self, clause: &DraftClause, values: &Fields) -> Markup {
        let labels: Vec<(String, String)> = clause
            .alternatives
            .iter()
            .map(|a| (a.label.clone(), format!("[{}] {}", a.label, a.proposed_by)))
            .collect();
        if labels.is_empty() {
            self.input("label", "acts-field-label", values.or("label", ""), true)
        } else {
            self.select("label", "acts-field-label", &labels, values.or("label", ""))
        }
    }

    /// The forms for `clause` on the draft page.
    pub fn clause(&self, draft: &Draft, clause: &DraftClause) -> Markup {
        let forms: Vec<Markup> = CLAUSE_ACTS
            .iter()
            .flat_map(|kind| self.clause_forms(*kind, draft, clause, &Fields::default()))
            .collect();
        html! {
            @if !forms.is_empty() {
                details.acts data-clause=(clause.clause_id) {
                    summary { (self.t("acts-on-clause")) }
                    @for form in &forms { (form) }
                }
            }
        }
    }

    /// The forms for the clause `clause_id` as it stands now (on its history page).
    pub fn clause_by_id(&self, clause_id: &str) -> Markup {
        if !self.offered {
            return html! {};
        }
        let draft = pacta_projections::draft(self.negotiation, &self.access.events);
        match draft.clauses.iter().find(|c| c.clause_id == clause_id) {
            Some(clause) => html! {
                section.acts aria-labelledby="acts-clause" {
                    h2 #acts-clause { (self.t("acts-on-clause")) }
                    (self.clause(&draft, clause))
                }
            },
            None => html! {},
        }
    }

    /// The forms of `kind` on `clause` (several for a concordance: one per version), showing
    /// `values` where the person typed them.
    fn clause_forms(
        &self,
        kind: ActionKind,
        draft: &Draft,
        clause: &DraftClause,
        values: &Fields,
    ) -> Vec<Markup> {
        if !self.may(kind) {
            return Vec::new();
        }
        let id = Some(clause.clause_id.as_str());
        let language = values.or("language", &clause.language);
        let one =
            |hidden: &[(&str, &str)], fields: Markup| vec![self.form(kind, id, hidden, fields)];
        match kind {
            ActionKind::AmendClause => one(
                &[("base_text_hash", values.or("base_text_hash", &clause.text_hash))],
                html! {
                    (self.select("language", "acts-field-language", &self.languages(draft, None), language))
                    (self.input("heading", "acts-field-heading", values.or("heading", &clause.heading), false))
                    (self.textarea("text", "acts-field-text", values.or("text", &clause.text), Some(language)))
                },
            ),
            ActionKind::Comment => one(&[], self.comment_fields(values)),
            ActionKind::ProposeAlternative => one(
                &[],
                html! {
                    (self.input("label", "acts-field-label", values.or("label", ""), true))
                    (self.select("language", "acts-field-language", &self.languages(draft, None), language))
                    (self.input("heading", "acts-field-heading", values.or("heading", &clause.heading), false))
                    (self.textarea("text", "acts-field-text", values.or("text", &clause.text), Some(language)))
                },
            ),
            ActionKind::StatePosition => {
                let positions: Vec<(String, String)> = ["accept", "reject", "reserve", "alternative"]
                    .iter()
                    .map(|p| (p.to_string(), self.t(&format!("acts-position-{p}"))))
                    .collect();
                one(
                    &[],
                    html! {
                        (self.select("position", "acts-field-position", &positions, values.or("position", "accept")))
                        (self.input("label", "acts-field-alternative-label", values.or("label", ""), false))
                        (self.textarea("rationale", "acts-field-rationale", values.or("rationale", ""), None))
                    },
                )
            }
            ActionKind::AgreeClause => {
                // With a choice among the brackets proposed, agreeing means agreeing the chosen
                // alternative's wording (its hash): the brackets lift with the last party's.
                let chosen = clause.proposed_choice.as_ref().and_then(|choice| {
                    clause.alternatives.iter().find(|a| a.label == choice.label)
                });
                let agree = |text_hash: &str, what: Markup| {
                    self.form(
                        kind,
                        id,
                        &[("text_hash", values.or("text_hash", text_hash))],
                        html! {
                            (what)
                            (self.checkbox("ad_referendum", &self.t("acts-field-ad-referendum"),
                                values.checked("ad_referendum")))
                        },
                    )
                };
                let mut forms = Vec::new();
                if let Some(alternative) = chosen {
                    let what = self.ui.t_with(
                        "acts-agree-chosen",
                        &[("label", alternative.label.clone().into())],
                    );
                    forms.push(agree(&alternative.text_hash, html! { p.chosen { (what) } }));
                }
                forms.push(agree(&clause.text_hash, html! {}));
                forms
            }
            ActionKind::ConfirmClauseAgreement => one(&[], html! {}),
            ActionKind::ChooseAlternative => one(
                &[("base_text_hash", values.or("base_text_hash", &clause.text_hash))],
                self.label_field(clause, values),
            ),
            ActionKind::WithdrawAlternative => one(
                &[],
                html! {
                    (self.label_field(clause, values))
                    (self.textarea("reason", "acts-field-reason", values.or("reason", ""), None))
                },
            ),
            ActionKind::WithdrawClause | ActionKind::ReopenClause => one(
                &[],
                self.textarea("reason", "acts-field-reason", values.or("reason", ""), None),
            ),
            ActionKind::TranslateClause => {
                let targets = self.languages(draft, Some(&clause.language));
                let Some((first, _)) = targets.first() else {
                    return Vec::new();
                };
                let target = values.or("language", first);
                let version = clause.languages.iter().find(|v| v.language == target);
                one(
                    &[("source_text_hash", values.or("source_text_hash", &clause.text_hash))],
                    html! {
                        (self.select("language", "acts-field-language", &targets, target))
                        (self.input("heading", "acts-field-heading",
                            values.or("heading", version.map_or("", |v| v.heading.as_str())), false))
                        (self.textarea("text", "acts-field-text",
                            values.or("text", version.map_or("", |v| v.text.as_str())), Some(target)))
                    },
                )
            }
            ActionKind::VerifyConcordance => clause
                .languages
                .iter()
                .filter(|v| v.language != clause.language && !v.text_hash.is_empty())
                .filter(|v| values.get("language").is_none_or(|l| l == v.language))
                .map(|version| {
                    self.form(
                        kind,
                        id,
                        &[
                            ("language", &version.language),
                            ("text_hash", values.or("text_hash", &version.text_hash)),
                        ],
                        html! { p { (self.ui.t_with("acts-concordance-of", &[("language", version.language.clone().into())])) } },
                    )
                })
                .collect(),
            _ => Vec::new(),
        }
    }

    fn comment_fields(&self, values: &Fields) -> Markup {
        let internal = self.ui.t_with(
            "acts-field-internal",
            &[("party", self.reader.party.clone().into())],
        );
        html! {
            (self.textarea("text", "acts-field-comment", values.or("text", ""), None))
            (self.checkbox("internal", &internal, values.checked("internal")))
        }
    }

    /// The round ids on record, in the order they were opened.
    fn rounds(&self) -> Vec<String> {
        self.access
            .events
            .iter()
            .filter_map(|e| match &e.payload {
                NegotiationEvent::RoundOpened { round_id, .. } => Some(round_id.clone()),
                _ => None,
            })
            .collect()
    }

    /// The forms on the negotiation as a whole, at the end of the draft page.
    pub fn negotiation(&self, draft: &Draft) -> Markup {
        let forms: Vec<Markup> = NEGOTIATION_ACTS
            .iter()
            .flat_map(|kind| self.negotiation_forms(*kind, draft, &Fields::default()))
            .collect();
        html! {
            @if !forms.is_empty() {
                section.acts aria-labelledby="acts-negotiation" {
                    h2 #acts-negotiation { (self.t("acts-on-negotiation")) }
                    @for form in &forms { (form) }
                }
            }
        }
    }

    fn negotiation_forms(&self, kind: ActionKind, draft: &Draft, values: &Fields) -> Vec<Markup> {
        if !self.may(kind) {
            return Vec::new();
        }
        let one =
            |hidden: &[(&str, &str)], fields: Markup| vec![self.form(kind, None, hidden, fields)];
        let open_round = self.state.open_round().unwrap_or_default().to_string();
        let last_round = self.rounds().last().cloned().unwrap_or_default();
        match kind {
            ActionKind::ProposeClause => {
                let language = values.or(
                    "language",
                    draft.languages.first().map_or("", String::as_str),
                );
                let kinds = self.options("clause-kind", &CLAUSE_KINDS);
                let mut placements = vec![(String::new(), self.t("acts-placement-end"))];
                for clause in &draft.clauses {
                    for side in ["after", "before"] {
                        placements.push((
                            format!("{side}:{}", clause.clause_id),
                            self.ui.t_with(
                                &format!("acts-placement-{side}"),
                                &[(
                                    "clause",
                                    format!("{} ({})", clause.label, clause.clause_id).into(),
                                )],
                            ),
                        ));
                    }
                }
                one(
                    &[],
                    html! {
                        (self.input("new_clause_id", "acts-field-clause-id", values.or("new_clause_id", ""), true))
                        (self.select("kind", "acts-field-kind", &kinds, values.or("kind", "article")))
                        (self.input("heading", "acts-field-heading", values.or("heading", ""), false))
                        (self.select("language", "acts-field-language", &self.languages(draft, None), language))
                        (self.textarea("text", "acts-field-text", values.or("text", ""), Some(language)))
                        (self.select("placement", "acts-field-placement", &placements, values.or("placement", "")))
                    },
                )
            }
            ActionKind::Comment => one(&[], self.comment_fields(values)),
            ActionKind::OpenRound => {
                let kinds = self.options("round-kind", &ROUND_KINDS);
                one(
                    &[],
                    html! {
                        (self.input("round_id", "acts-field-round-id", values.or("round_id", ""), true))
                        (self.select("round_kind", "acts-field-round-kind", &kinds, values.or("round_kind", "negotiating-round")))
                        (self.input("place", "acts-field-place", values.or("place", ""), true))
                        (self.date("starts_on", "acts-field-starts-on", values.or("starts_on", "")))
                        (self.date("ends_on", "acts-field-ends-on", values.or("ends_on", "")))
                    },
                )
            }
            ActionKind::CloseRound => one(
                &[],
                self.input(
                    "round_id",
                    "acts-field-round-id",
                    values.or("round_id", &open_round),
                    true,
                ),
            ),
            ActionKind::RecordMinutes => {
                let round = if open_round.is_empty() {
                    &last_round
                } else {
                    &open_round
                };
                one(
                    &[],
                    html! {
                        (self.input("round_id", "acts-field-round-id", values.or("round_id", round), true))
                        (self.input("reference", "acts-field-reference", values.or("reference", ""), true))
                        label { span { (self.t("acts-field-minutes-file")) }
                            input type="file" name=(MINUTES_FILE_FIELD) required; }
                        p.muted { (self.ui.t_with("acts-minutes-hashed", &[("megabytes", (MAX_MINUTES_FILE_BYTES / (1024 * 1024)).into())])) }
                    },
                )
            }
            ActionKind::AdoptMinutes => self
                .rounds()
                .into_iter()
                .filter(|round| values.get("round_id").is_none_or(|r| r == round))
                .filter_map(|round| {
                    let (hash, reference) = self.state.round(&round)?.minutes.clone()?;
                    let seen = values.or("minutes_hash", &hash).to_string();
                    Some(self.form(
                        kind,
                        None,
                        &[("round_id", &round), ("minutes_hash", &seen)],
                        html! { p { (self.ui.t_with("acts-minutes-of", &[
                        ("round", round.clone().into()), ("reference", reference.into())])) " "
                        (hash_code(self.ui, &hash)) } },
                    ))
                })
                .collect(),
            ActionKind::AdoptText | ActionKind::InitialText => {
                let root = self.text_root_hash();
                let seen = values.or("text_root_hash", &root);
                one(
                    &[("text_root_hash", seen)],
                    html! { p { (self.t("acts-text-root")) " " (hash_code(self.ui, &root)) } },
                )
            }
            ActionKind::AccreditDelegate => {
                let roles: Vec<(String, String)> = ACCREDITED_FROM_THE_PAGE
                    .iter()
                    .map(|r| {
                        (
                            r.as_str().to_string(),
                            named_kebab(self.ui, "role", r.as_str()),
                        )
                    })
                    .collect();
                one(
                    &[("party", &self.reader.party)],
                    html! {
                        (self.input("person", "acts-field-person", values.or("person", ""), true))
                        (self.input("name", "acts-field-name", values.or("name", ""), false))
                        (self.select("role", "acts-field-role", &roles, values.or("role", "negotiator")))
                    },
                )
            }
            _ => Vec::new(),
        }
    }

    /// The root the domain checks adoption, initialling and signature against.
    fn text_root_hash(&self) -> String {
        self.state.text_root_hash()
    }

    /// What the agreement page offers: how to sign, which is never done here. The command
    /// names the reader when they are a signatory, else the signatory who will run it.
    pub fn agreement(&self) -> Markup {
        let signatory = if self.reader.role == Role::Signatory {
            self.reader.person.as_str()
        } else {
            "SIGNATORY"
        };
        // The capacity the kind of instrument usually signs in; the domain decides.
        let capacity = [
            SignatureCapacity::Definitive,
            SignatureCapacity::Simple,
            SignatureCapacity::AdReferendum,
        ]
        .into_iter()
        .find(|c| {
            self.state
                .instrument_kind()
                .is_some_and(|kind| kind.allows(*c))
        })
        .unwrap_or(SignatureCapacity::Definitive);
        let today = chrono::Utc::now().date_naive();
        let command = format!(
            "pacta --as {signatory} sign {} --key {signatory}.key --root {} --capacity {capacity} --on {today}",
            self.negotiation,
            self.text_root_hash(),
        );
        html! {
            section.signing aria-labelledby="acts-signing" {
                h2 #acts-signing { (self.t("acts-signing-title")) }
                p { (self.t("acts-signing-explained")) }
                pre { code #sign-command { (command) } }
            }
        }
    }

    /// The forms on one matrix, under it on the matrices page: propose a row, and agree and
    /// report progress on each of its rows.
    pub fn matrix(&self, matrix_id: &str, matrix: &Matrix) -> Markup {
        let one = BTreeMap::from([(matrix_id.to_string(), matrix.clone())]);
        let forms: Vec<Markup> = MATRIX_ACTS
            .iter()
            .filter(|kind| **kind != ActionKind::CreateMatrix)
            .flat_map(|kind| self.matrix_forms(*kind, &one, &Fields::default()))
            .collect();
        html! {
            @if !forms.is_empty() {
                details.acts data-matrix=(matrix_id) {
                    summary { (self.t("acts-on-matrix")) }
                    @for form in &forms { (form) }
                }
            }
        }
    }

    /// The form that creates a matrix, at the end of the matrices page.
    pub fn new_matrix(&self) -> Markup {
        html! {
            @for form in self.matrix_forms(ActionKind::CreateMatrix, &BTreeMap::new(), &Fields::default()) {
                (form)
            }
        }
    }

    fn matrix_forms(
        &self,
        kind: ActionKind,
        matrices: &BTreeMap<String, Matrix>,
        values: &Fields,
    ) -> Vec<Markup> {
        if !self.may(kind) {
            return Vec::new();
        }
        let rows = || {
            matrices.iter().flat_map(|(matrix_id, matrix)| {
                matrix
                    .row_order
                    .iter()
                    .filter_map(move |row_id| Some((matrix_id, row_id, matrix.rows.get(row_id)?)))
            })
        };
        let this_row = |matrix_id: &str, row_id: &str| {
            values.get("matrix_id").is_none_or(|m| m == matrix_id)
                && values.get("row_id").is_none_or(|r| r == row_id)
        };
        match kind {
            ActionKind::CreateMatrix => vec![self.form(
                kind,
                None,
                &[],
                html! {
                    (self.input("matrix_id", "acts-field-matrix-id", values.or("matrix_id", ""), true))
                    (self.input("title", "acts-field-title", values.or("title", ""), true))
                },
            )],
            ActionKind::ProposeRow if !matrices.is_empty() => {
                let ids: Vec<(String, String)> = matrices
                    .iter()
                    .map(|(id, m)| (id.clone(), format!("{} ({id})", m.title)))
                    .collect();
                let parties: Vec<(String, String)> = self
                    .state
                    .parties()
                    .iter()
                    .map(|p| (p.code.clone(), format!("{} ({})", p.name, p.code)))
                    .collect();
                let text = |name: &str| self.input(name, &format!("acts-field-{}", name.replace('_', "-")), values.or(name, ""), true);
                vec![self.form(
                    kind,
                    None,
                    &[],
                    html! {
                        (self.select("matrix_id", "acts-field-matrix-id", &ids, values.or("matrix_id", "")))
                        (text("row_id")) (text("objective")) (text("row_action"))
                        (self.select("responsible_party", "acts-field-responsible-party", &parties, values.or("responsible_party", &self.reader.party)))
                        (text("agency"))
                        (self.date("starts_on", "acts-field-starts-on", values.or("starts_on", "")))
                        (self.date("ends_on", "acts-field-ends-on", values.or("ends_on", "")))
                        (text("indicator_name")) (text("indicator_unit")) (text("indicator_baseline")) (text("indicator_target"))
                    },
                )]
            }
            ActionKind::AgreeRow => rows()
                .filter(|(m, r, _)| this_row(m, r))
                .map(|(matrix_id, row_id, row)| {
                    self.form(
                        kind,
                        None,
                        &[
                            ("matrix_id", matrix_id),
                            ("row_id", row_id),
                            ("row_hash", values.or("row_hash", &row.row_hash)),
                        ],
                        row_summary(matrix_id, row_id, &row.content),
                    )
                })
                .collect(),
            ActionKind::ReportProgress => rows()
                .filter(|(m, r, _)| this_row(m, r))
                .map(|(matrix_id, row_id, row)| {
                    let progress = self.options("progress", &PROGRESS);
                    let today = chrono::Utc::now().date_naive().to_string();
                    self.form(
                        kind,
                        None,
                        &[("matrix_id", matrix_id), ("row_id", row_id)],
                        html! {
                            (row_summary(matrix_id, row_id, &row.content))
                            (self.select("progress", "acts-field-progress", &progress, values.or("progress", &kebab(&row.progress))))
                            (self.date("reported_on", "acts-field-reported-on", values.or("reported_on", &today)))
                            (self.textarea("note", "acts-field-note", values.or("note", ""), None))
                        },
                    )
                })
                .collect(),
            _ => Vec::new(),
        }
    }

    /// The form of `kind` again, filled with `values` (the person's), for the refusal page.
    fn again(&self, kind: ActionKind, draft: &Draft, values: &Fields) -> Vec<Markup> {
        if CLAUSE_ACTS.contains(&kind) && values.get("clause_id").is_some() {
            let clause_id = values.get("clause_id").unwrap_or_default();
            return draft
                .clauses
                .iter()
                .find(|c| c.clause_id == clause_id)
                .map(|clause| self.clause_forms(kind, draft, clause, values))
                .unwrap_or_default();
        }
        if MATRIX_ACTS.contains(&kind) {
            let matrices = pacta_projections::action_matrices(&self.access.events);
            return self.matrix_forms(kind, &matrices, values);
        }
        self.negotiation_forms(kind, draft, values)
    }

    /// What moved under the person: the wording that stands now, a redline from the one they
    /// saw (found among the clause's past wordings by the hash their form carried), and who
    /// changed it since.
    fn conflict(&self, draft: &Draft, sent: &Fields) -> Markup {
        let seen = ["base_text_hash", "text_hash", "source_text_hash"]
            .iter()
            .find_map(|name| sent.get(name))
            .unwrap_or_default();
        let clause = sent
            .get("clause_id")
            .and_then(|id| draft.clauses.iter().find(|c| c.clause_id == id));
        let history = clause.and_then(|c| {
            pacta_projections::clause_history(&self.access.events, &c.clause_id)
                .map(|h| h.for_reader(Some(self.access.party())))
        });
        let seen_version = history
            .as_ref()
            .and_then(|h| h.versions.iter().rev().find(|v| v.text_hash == seen));
        let since: Vec<&pacta_projections::ClauseVersion> = match (&history, seen_version) {
            (Some(history), Some(seen)) => history
                .versions
                .iter()
                .filter(|v| v.sequence > seen.sequence)
                .collect(),
            (Some(history), None) => history.versions.last().into_iter().collect(),
            _ => Vec::new(),
        };
        html! {
            section.conflict aria-labelledby="acts-conflict" {
                h2 #acts-conflict { (self.t("acts-conflict-title")) }
                p { (self.t("acts-conflict-explained")) }
                @if let Some(clause) = clause {
                    h3 { (self.t("acts-conflict-now")) }
                    div.current { (wording(&clause.language, &clause.heading, &clause.text)) }
                    @if let Some(version) = seen_version {
                        h3 { (self.t("acts-conflict-redline")) }
                        (redlined(&clause.language,
                            &word_diff(&version.heading, &clause.heading),
                            &word_diff(&version.text, &clause.text)))
                    } @else {
                        p.muted { (self.t("acts-conflict-seen-unknown")) }
                    }
                    @if !since.is_empty() {
                        h3 { (self.t("acts-conflict-changed-by")) }
                        ul.changed-by {
                            @for version in &since {
                                li { "#" (version.sequence) " " (words(&kebab(&version.kind))) " — "
                                    (version.actor) " (" (version.party) ") · "
                                    (took_place(self.ui, &version.took_place_on, version.took_place_in.as_deref(), &version.recorded_at)) }
                            }
                        }
                    }
                } @else if sent.get("text_root_hash").is_some() {
                    p { (self.t("acts-text-root")) " " code.hash { (self.text_root_hash()) } " · "
                        a href={ "/negotiations/" (self.negotiation) "/redline" } { (self.t("acts-conflict-see-redline")) } }
                } @else if let (Some(matrix_id), Some(row_id)) = (sent.get("matrix_id"), sent.get("row_id")) {
                    @let matrices = pacta_projections::action_matrices(&self.access.events);
                    @if let Some(row) = matrices.get(matrix_id).and_then(|m| m.rows.get(row_id)) {
                        h3 { (self.t("acts-conflict-now")) }
                        (row_summary(matrix_id, row_id, &row.content))
                    }
                }
            }
        }
    }
}

fn row_summary(matrix_id: &str, row_id: &str, content: &RowContent) -> Markup {
    html! {
        p.row { strong { (matrix_id) " / " (row_id) } ": " (content.objective) " — " (content.action)
            " (" (content.responsible_party) ", " (content.agency) ", " (content.starts_on) "–" (content.ends_on) ") · "
            (content.indicator.name) ": " (content.indicator.baseline) " → " (content.indicator.target) " " (content.indicator.unit) }
    }
}

/// Where a form sends the browser back to: the page it was on, when that is a page of this
/// negotiation (never another site, nor another negotiation's page); else the draft.
fn return_path(negotiation: &str, sent: Option<&str>) -> String {
    let draft = format!("/negotiations/{negotiation}");
    let Some(path) = sent.and_then(crate::security::local_path) else {
        return draft;
    };
    let ours = path == draft
        || path
            .strip_prefix(&draft)
            .is_some_and(|rest| rest.starts_with('/') || rest.starts_with('?'));
    if ours {
        path.to_string()
    } else {
        draft
    }
}

/// Refuses a form from another site, or without this session's CSRF token, before anything is
/// read or recorded.
fn guard(state: &AppState, headers: &HeaderMap, fields: &Fields) -> Result<(), ApiError> {
    check_origin(headers, &state.sessions)?;
    let secret = security::cookie(headers, SESSION_COOKIE).unwrap_or_default();
    check_csrf(&secret, fields.get(CSRF_FIELD).unwrap_or_default())
}

/// `POST /negotiations/{negotiation}/acts`: any act but the minutes, as an urlencoded form.
pub(super) async fn post_act(
    State(state): State<Arc<AppState>>,
    Reader(caller): Reader,
    ui: Ui,
    headers: HeaderMap,
    Path(negotiation): Path<String>,
    form: Result<Form<Vec<(String, String)>>, FormRejection>,
) -> Response {
    let fields = form
        .map(|Form(pairs)| Fields::from_pairs(pairs))
        .unwrap_or_default();
    if let Err(refused) = guard(&state, &headers, &fields) {
        return PageError(refused).into_response();
    }
    let action = fields.kind().and_then(|kind| action_of(kind, &fields));
    perform_and_answer(&state, &ui, &caller, &negotiation, &fields, action).await
}

/// `POST /negotiations/{negotiation}/minutes`: the minutes of a round, uploaded. The server
/// hashes the file it received (SHA-256) and records that hash; the file itself is not kept.
pub(super) async fn post_minutes(
    State(state): State<Arc<AppState>>,
    Reader(caller): Reader,
    ui: Ui,
    headers: HeaderMap,
    Path(negotiation): Path<String>,
    multipart: Result<Multipart, MultipartRejection>,
) -> Response {
    if let Err(refused) = check_origin(&headers, &state.sessions) {
        return PageError(refused).into_response();
    }
    // The CSRF token comes before the file (the form's hidden fields come first): checked as
    // soon as the file begins, so a forged upload is refused before it is read.
    let guard_before_file = |fields: &Fields| guard(&state, &headers, fields);
    let (fields, minutes_hash) = match read_minutes_form(multipart, guard_before_file).await {
        Ok(read) => read,
        Err(error) => {
            // A form that cannot be read has no CSRF token to check: refused as such, unless
            // it is only too large.
            let refused = if error.code.as_str() == ServiceCode::BodyTooLarge.code() {
                error
            } else {
                guard(&state, &headers, &Fields::default())
                    .err()
                    .unwrap_or(error)
            };
            return PageError(refused).into_response();
        }
    };
    if let Err(refused) = guard(&state, &headers, &fields) {
        return PageError(refused).into_response();
    }
    let action = match minutes_hash {
        Some(hash) => record_minutes(&fields, hash),
        None => Err(invalid(
            "the form carries no minutes file; choose the file and send the form again",
        )),
    };
    perform_and_answer(&state, &ui, &caller, &negotiation, &fields, action).await
}

fn too_large() -> ApiError {
    ApiError::new(
        ServiceCode::BodyTooLarge,
        format!(
            "the minutes file is over {} MiB, the limit",
            MAX_MINUTES_FILE_BYTES / (1024 * 1024)
        ),
    )
}

/// The minutes form's fields, and the SHA-256 of its file when one was chosen. The file is
/// hashed as it arrives, never held whole, and only once `before_file` accepts the fields sent
/// before it; every other field is held to `MINUTES_FORM_OVERHEAD_BYTES`.
async fn read_minutes_form(
    multipart: Result<Multipart, MultipartRejection>,
    before_file: impl Fn(&Fields) -> Result<(), ApiError>,
) -> Result<(Fields, Option<String>), ApiError> {
    let unreadable = |error: &dyn Display| invalid(format!("the form cannot be read: {error}"));
    let mut multipart = multipart.map_err(|e| unreadable(&e))?;
    let mut pairs = Vec::new();
    let mut minutes_hash = None;
    let failed = |error: axum::extract::multipart::MultipartError| {
        if error.status() == StatusCode::PAYLOAD_TOO_LARGE {
            too_large()
        } else {
            unreadable(&error.body_text())
        }
    };
    while let Some(mut field) = multipart.next_field().await.map_err(failed)? {
        let name = field.name().unwrap_or_default().to_string();
        if name == MINUTES_FILE_FIELD {
            before_file(&Fields::from_pairs(pairs.clone()))?;
            let mut hasher = Sha256::new();
            let mut size = 0usize;
            while let Some(chunk) = field.chunk().await.map_err(failed)? {
                size += chunk.len();
                if size > MAX_MINUTES_FILE_BYTES {
                    return Err(too_large());
                }
                hasher.update(&chunk);
            }
            // A file input left empty sends an empty part.
            if size > 0 {
                minutes_hash = Some(hex::encode(hasher.finalize()));
            }
        } else if name != "minutes_hash" {
            let mut bytes = Vec::new();
            while let Some(chunk) = field.chunk().await.map_err(failed)? {
                if bytes.len() + chunk.len() > MINUTES_FORM_OVERHEAD_BYTES {
                    return Err(invalid(format!(
                        "the form's field {name} is over {MINUTES_FORM_OVERHEAD_BYTES} bytes"
                    )));
                }
                bytes.extend_from_slice(&chunk);
            }
            let text = String::from_utf8(bytes)
                .map_err(|_| invalid(format!("the form's field {name} is not UTF-8 text")))?;
            pairs.push((name, text));
        }
    }
    Ok((Fields::from_pairs(pairs), minutes_hash))
}

/// Performs the act as the API does (`AppState::perform`), then sends the browser back to its
/// page, at the clause; or, refused, shows why and the form again.
async fn perform_and_answer(
    state: &Arc<AppState>,
    ui: &Ui,
    caller: &Caller,
    negotiation: &str,
    fields: &Fields,
    action: Result<Action, ApiError>,
) -> Response {
    // The clause the act was on, or the one it proposed: only an act on a clause names one
    // (a field sent with another act names nothing, and never reaches the Location header).
    let clause = match action.as_ref().map(Action::kind) {
        Ok(ActionKind::ProposeClause) => fields.get("new_clause_id"),
        Ok(kind) if CLAUSE_ACTS.contains(&kind) => fields.get("clause_id"),
        _ => None,
    };
    let performed = match action {
        Ok(action) => match fields.required(COMMAND_ID_FIELD) {
            Ok(command_id) => {
                state
                    .perform(caller, negotiation, action, None, &command_id)
                    .await
            }
            Err(error) => Err(error),
        },
        Err(error) => Err(error),
    };
    let back = return_path(negotiation, fields.get(RETURN_TO_FIELD));
    match performed {
        Ok(_) => {
            // Recorded, so the domain accepted the clause's id; encoded all the same.
            let anchor = clause
                .map(|clause| format!("#clause-{}", query_value(clause)))
                .unwrap_or_default();
            Redirect::to(&format!("{back}{anchor}")).into_response()
        }
        Err(error) => refusal(state, ui, caller, negotiation, fields, &back, error).await,
    }
}

/// The page of a refused act: why (the domain's message), in the reader's language around it,
/// with the error's status; what moved, when the text moved under the person; and the form
/// again, with what they typed.
async fn refusal(
    state: &Arc<AppState>,
    ui: &Ui,
    caller: &Caller,
    negotiation: &str,
    fields: &Fields,
    back: &str,
    error: ApiError,
) -> Response {
    let access = match state.access(caller, negotiation).await {
        Ok(access) if access.broken.is_none() => access,
        _ => return PageError(error).into_response(),
    };
    let status = error.status();
    let code = error.code.as_str();
    let conflict = CONFLICT_CODES.contains(&code);
    let draft = pacta_projections::draft(negotiation, &access.events);
    let forms = Forms::new(ui, caller, &access, negotiation, back, true);
    let values = if conflict {
        fields.without_seen_hashes()
    } else {
        fields.clone()
    };
    let again = fields
        .kind()
        .map(|kind| forms.again(kind, &draft, &values))
        .unwrap_or_default();
    let title = ui.t("acts-refused-title");
    let body = html! {
        h1 { (title) }
        p.error role="alert" { (error.message) }
        p { (ui.t("acts-refused-code")) " " code { (code) } }
        @if conflict { (forms.conflict(&draft, fields)) }
        @if !again.is_empty() {
            section.again aria-labelledby="acts-again" {
                h2 #acts-again { (ui.t(if conflict { "acts-again-current" } else { "acts-again" })) }
                @for form in &again { (form) }
            }
        }
        p { a href=(back) { (ui.t("acts-back")) } }
    };
    (status, layout(ui, back, &title, Some(caller), body)).into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn act_names_are_the_action_tags() {
        let comment = serde_json::to_value(Action::Comment {
            clause_id: None,
            text: "x".into(),
            internal: false,
        })
        .unwrap();
        assert_eq!(comment["type"], act_name(ActionKind::Comment));
        let confirm = serde_json::to_value(Action::ConfirmClauseAgreement {
            clause_id: "a".into(),
        })
        .unwrap();
        assert_eq!(
            confirm["type"],
            act_name(ActionKind::ConfirmClauseAgreement)
        );
    }

    #[test]
    fn a_form_comes_back_only_to_a_page_of_its_negotiation() {
        let n = "civ-mar";
        assert_eq!(
            return_path(n, Some("/negotiations/civ-mar/clauses/a")),
            "/negotiations/civ-mar/clauses/a"
        );
        assert_eq!(
            return_path(n, Some("/negotiations/civ-mar?at=3")),
            "/negotiations/civ-mar?at=3"
        );
        for foreign in [
            "https://evil.example/",
            "//evil.example",
            "/negotiations/civ-mar-other",
            "/negotiations/other",
            "/negotiations/civ-mar/..//evil",
            "/negotiations/civ-mar/a#b",
        ] {
            assert_eq!(
                return_path(n, Some(foreign)),
                "/negotiations/civ-mar",
                "{foreign}"
            );
        }
        assert_eq!(return_path(n, None), "/negotiations/civ-mar");
    }

    #[test]
    fn a_missing_field_is_an_invalid_form() {
        let fields = Fields::from_pairs([
            ("clause_id".to_string(), "a".to_string()),
            ("base_text_hash".to_string(), "h".to_string()),
            ("language".to_string(), "fr".to_string()),
            ("text".to_string(), "  ".to_string()),
        ]);
        let error = action_of(ActionKind::AmendClause, &fields).unwrap_err();
        assert_eq!(error.code.as_str(), "invalid-form");
        assert_eq!(error.status(), StatusCode::BAD_REQUEST);
    }

    #[test]
    fn every_form_has_its_title_in_every_language() {
        for (code, _) in i18n::INTERFACE_LANGUAGES {
            let ui = Ui::new(code);
            for kind in draft_page_acts().iter().chain(MATRIX_ACTS) {
                let key = format!("act-{}", act_name(*kind));
                assert!(ui.try_t(&key).is_some(), "{code}: {key}");
            }
        }
    }

    /// A renamed refusal would silently stop showing the conflict view: each code named here
    /// must be one the service answers.
    #[test]
    fn conflict_codes_are_refusals_the_service_answers() {
        let codes = crate::error::error_codes();
        for conflict in CONFLICT_CODES {
            assert!(codes.iter().any(|row| row.code == conflict), "{conflict}");
        }
    }

    #[test]
    fn textarea_line_ends_reach_the_domain_as_newlines() {
        let fields = Fields::from_pairs([("text".to_string(), "a\r\n\r\nb".to_string())]);
        assert_eq!(fields.text("text"), "a\n\nb");
    }

    #[test]
    fn every_form_of_the_pages_builds_its_act() {
        for kind in draft_page_acts().iter().chain(MATRIX_ACTS) {
            let error = action_of(*kind, &Fields::default()).unwrap_err();
            let no_form = format!("the pages have no form to {kind}");
            assert!(!error.message.starts_with(&no_form), "{kind}");
        }
    }
}
