//! Word-level redlines: what a reader of two wordings sees struck out and inserted.

use serde::Serialize;
use similar::{ChangeTag, TextDiff};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ChangeKind {
    Unchanged,
    Inserted,
    Deleted,
}

/// A run of words that is unchanged, inserted or deleted, with the whitespace between them.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct WordChange {
    pub kind: ChangeKind,
    pub text: String,
}

/// The changes that turn `old` into `new`, word by word. Adjacent tokens of one kind are merged
/// into one run, so a rendered redline strikes a phrase once rather than word by word.
/// Concatenating the unchanged and deleted runs gives `old`; the unchanged and inserted, `new`.
pub fn word_diff(old: &str, new: &str) -> Vec<WordChange> {
    let diff = TextDiff::from_words(old, new);
    let mut runs: Vec<WordChange> = Vec::new();
    for change in diff.iter_all_changes() {
        let kind = match change.tag() {
            ChangeTag::Equal => ChangeKind::Unchanged,
            ChangeTag::Insert => ChangeKind::Inserted,
            ChangeTag::Delete => ChangeKind::Deleted,
        };
        match runs.last_mut() {
            Some(run) if run.kind == kind => run.text.push_str(change.value()),
            _ => runs.push(WordChange {
                kind,
                text: change.value().to_string(),
            }),
        }
    }
    runs
}

#[cfg(test)]
mod tests {
    use super::*;

    fn side(changes: &[WordChange], skip: ChangeKind) -> String {
        changes
            .iter()
            .filter(|c| c.kind != skip)
            .map(|c| c.text.as_str())
            .collect()
    }

    #[test]
    fn marks_inserted_and_deleted_words() {
        let changes = word_diff(
            "Les étudiants de licence peuvent postuler.",
            "Les étudiants de licence et les doctorants peuvent postuler.",
        );
        let inserted: Vec<&str> = changes
            .iter()
            .filter(|c| c.kind == ChangeKind::Inserted)
            .map(|c| c.text.as_str())
            .collect();
        assert_eq!(inserted.concat().trim(), "et les doctorants");
        assert!(changes.iter().all(|c| c.kind != ChangeKind::Deleted));
    }

    #[test]
    fn both_sides_are_recovered_exactly() {
        let old = "تتعاون الأطراف في مجال الوقاية من الاتجار بالبشر";
        let new = "تتعاون الأطراف تعاونا وثيقا في مجال حماية الضحايا";
        let changes = word_diff(old, new);
        assert_eq!(side(&changes, ChangeKind::Inserted), old);
        assert_eq!(side(&changes, ChangeKind::Deleted), new);
    }

    #[test]
    fn identical_texts_are_one_unchanged_run() {
        let changes = word_diff("Article premier", "Article premier");
        assert_eq!(
            changes,
            vec![WordChange {
                kind: ChangeKind::Unchanged,
                text: "Article premier".into()
            }]
        );
    }
}
