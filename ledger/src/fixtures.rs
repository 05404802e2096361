//! Events the crate's unit tests build negotiations from.

use pacta_domain::{clause_text_hash, ClauseKind, InstrumentKind, NegotiationEvent, Party};

/// The opening of a French MoU between CIV and MAR, then for each `n` of `articles` an article
/// `art-{n}` proposed by CIV.
pub fn mou_with_articles(
    id: &str,
    articles: impl IntoIterator<Item = usize>,
) -> Vec<NegotiationEvent> {
    let party = |code: &str| Party::new(code, code, &code.to_lowercase(), code);
    let opened: NegotiationEvent = serde_json::from_value(serde_json::json!({
        "NegotiationOpened": {
            "negotiation_id": id,
            "title": "Mémorandum",
            "instrument_kind": InstrumentKind::Mou,
            "parties": [party("CIV"), party("MAR")],
            "languages": ["fr"],
        }
    }))
    .expect("an opening");
    let articles = articles.into_iter().map(|n| {
        let text = format!("Les Parties coopèrent ({n}).");
        NegotiationEvent::ClauseProposed {
            clause_id: format!("art-{n}"),
            kind: ClauseKind::Article,
            heading: String::new(),
            language: "fr".into(),
            text_hash: clause_text_hash("", "fr", &text),
            text,
            proposed_by: "CIV".into(),
        }
    });
    std::iter::once(opened).chain(articles).collect()
}
