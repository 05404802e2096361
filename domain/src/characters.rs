//! Which characters a text may hold. Treaty text is read, printed, exported to XML and hashed:
//! a character that displays as nothing, or reorders what is around it, would make the text a
//! delegation reads differ from the text whose hash it agrees to, so it is refused, naming the
//! field, the code point and why.

use unicode_properties::{GeneralCategory, UnicodeGeneralCategory};

use crate::errors::NegotiationError;

/// Format characters (general category Cf) a text may hold: the zero-width joiner and non-joiner
/// (Persian, Indic scripts, emoji) and the directional marks (LRM, RLM, the Arabic letter mark),
/// which only strengthen the direction of the text around them and cannot override it.
const ALLOWED_FORMAT_CHARACTERS: [char; 5] =
    ['\u{200C}', '\u{200D}', '\u{200E}', '\u{200F}', '\u{061C}'];

/// Refuses, in `value`, a control character other than a line break or a tab (as
/// `ControlCharacter`, naming `field`), and (naming `described`, such as "the text of clause
/// 'art-1'") a bidirectional embedding, override or isolate, another invisible format
/// character, a noncharacter or an unassigned code point. Positions count characters from 1.
pub(crate) fn check_characters(
    field: &'static str,
    described: &str,
    value: &str,
) -> Result<(), NegotiationError> {
    for (index, c) in value.chars().enumerate() {
        // Printable ASCII is none of what is refused below, and most of most texts: skip the
        // lookups in the Unicode tables for it.
        if c.is_ascii_graphic() || c == ' ' {
            continue;
        }
        if c.is_control() {
            if matches!(c, '\n' | '\r' | '\t') {
                continue;
            }
            return Err(NegotiationError::ControlCharacter {
                field,
                code_point: code_point(c),
            });
        }
        let at = index + 1;
        if let Some(name) = bidi_control_name(c) {
            return Err(NegotiationError::BidiControl {
                field: described.to_string(),
                code_point: code_point(c),
                name: name.to_string(),
                at,
            });
        }
        if is_noncharacter(c) {
            return Err(NegotiationError::Noncharacter {
                field: described.to_string(),
                code_point: code_point(c),
                at,
            });
        }
        match c.general_category() {
            GeneralCategory::Format if !ALLOWED_FORMAT_CHARACTERS.contains(&c) => {
                return Err(NegotiationError::InvisibleCharacter {
                    field: described.to_string(),
                    code_point: code_point(c),
                    name: format_character_name(c).to_string(),
                    at,
                });
            }
            GeneralCategory::Unassigned => {
                return Err(NegotiationError::UnassignedCodePoint {
                    field: described.to_string(),
                    code_point: code_point(c),
                    at,
                });
            }
            _ => {}
        }
    }
    Ok(())
}

/// `U+202E`: at least four hex digits, as Unicode writes code points.
fn code_point(c: char) -> String {
    format!("U+{:04X}", u32::from(c))
}

/// The embeddings, overrides and isolates of the Unicode bidirectional algorithm (UAX #9), by
/// their Unicode names.
fn bidi_control_name(c: char) -> Option<&'static str> {
    Some(match c {
        '\u{202A}' => "LEFT-TO-RIGHT EMBEDDING",
        '\u{202B}' => "RIGHT-TO-LEFT EMBEDDING",
        '\u{202C}' => "POP DIRECTIONAL FORMATTING",
        '\u{202D}' => "LEFT-TO-RIGHT OVERRIDE",
        '\u{202E}' => "RIGHT-TO-LEFT OVERRIDE",
        '\u{2066}' => "LEFT-TO-RIGHT ISOLATE",
        '\u{2067}' => "RIGHT-TO-LEFT ISOLATE",
        '\u{2068}' => "FIRST STRONG ISOLATE",
        '\u{2069}' => "POP DIRECTIONAL ISOLATE",
        _ => return None,
    })
}

/// The Unicode names of the format characters most often met in pasted text.
fn format_character_name(c: char) -> &'static str {
    match c {
        '\u{00AD}' => "SOFT HYPHEN",
        '\u{180E}' => "MONGOLIAN VOWEL SEPARATOR",
        '\u{200B}' => "ZERO WIDTH SPACE",
        '\u{2060}' => "WORD JOINER",
        '\u{2061}' => "FUNCTION APPLICATION",
        '\u{2062}' => "INVISIBLE TIMES",
        '\u{2063}' => "INVISIBLE SEPARATOR",
        '\u{2064}' => "INVISIBLE PLUS",
        '\u{FEFF}' => "ZERO WIDTH NO-BREAK SPACE",
        '\u{FFF9}' => "INTERLINEAR ANNOTATION ANCHOR",
        '\u{FFFA}' => "INTERLINEAR ANNOTATION SEPARATOR",
        '\u{FFFB}' => "INTERLINEAR ANNOTATION TERMINATOR",
        '\u{E0000}'..='\u{E007F}' => "TAG CHARACTER",
        _ => "FORMAT CHARACTER",
    }
}

/// The 66 noncharacters: U+FDD0..U+FDEF and the last two code points of every plane (U+FFFE,
/// U+FFFF, U+1FFFE, …), which XML 1.0 cannot carry in the basic plane.
fn is_noncharacter(c: char) -> bool {
    let c = u32::from(c);
    (0xFDD0..=0xFDEF).contains(&c) || c & 0xFFFE == 0xFFFE
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The checks in full, with no shortcut: what `check_characters` must decide for every
    /// character, the shortcut for printable ASCII included.
    fn refused_in_full(c: char) -> bool {
        (c.is_control() && !matches!(c, '\n' | '\r' | '\t'))
            || bidi_control_name(c).is_some()
            || is_noncharacter(c)
            || matches!(c.general_category(), GeneralCategory::Format if !ALLOWED_FORMAT_CHARACTERS.contains(&c))
            || c.general_category() == GeneralCategory::Unassigned
    }

    #[test]
    fn every_ascii_character_is_decided_as_the_full_checks_decide_it() {
        for c in (0u8..=0x7F).map(char::from) {
            let refused = check_characters("clause text", "the text", &c.to_string()).is_err();
            assert_eq!(refused, refused_in_full(c), "{:?}", c);
        }
    }

    fn refusal(value: &str) -> Option<(&'static str, String)> {
        check_characters("clause text", "the text of clause 'art-1'", value)
            .err()
            .map(|e| (e.code(), e.to_string()))
    }

    #[test]
    fn each_class_of_dangerous_character_is_refused_naming_the_field_the_code_point_and_why() {
        let (code, message) = refusal("Les Parties\u{202E}conviennent").unwrap();
        assert_eq!(code, "bidi-control");
        assert!(
            message.starts_with(
                "the text of clause 'art-1' holds U+202E RIGHT-TO-LEFT OVERRIDE at character 12: bidirectional controls"
            ),
            "{message}"
        );
        for c in [
            '\u{202A}', '\u{202B}', '\u{202C}', '\u{202D}', '\u{2066}', '\u{2067}', '\u{2068}',
            '\u{2069}',
        ] {
            assert_eq!(refusal(&format!("a{c}b")).unwrap().0, "bidi-control");
        }
        let (code, message) = refusal("a\u{200B}b").unwrap();
        assert_eq!(code, "invisible-character");
        assert!(
            message.contains("U+200B ZERO WIDTH SPACE at character 2"),
            "{message}"
        );
        for c in ['\u{00AD}', '\u{2060}', '\u{FEFF}', '\u{E0041}', '\u{0600}'] {
            assert_eq!(refusal(&format!("a{c}b")).unwrap().0, "invisible-character");
        }
        for c in [
            '\u{FDD0}',
            '\u{FDEF}',
            '\u{FFFE}',
            '\u{FFFF}',
            '\u{1FFFE}',
            '\u{10FFFF}',
        ] {
            let (code, message) = refusal(&format!("a{c}")).unwrap();
            assert_eq!(code, "noncharacter", "{message}");
        }
        let (code, message) = refusal("a\u{0378}").unwrap();
        assert_eq!(code, "unassigned-code-point");
        assert!(message.contains("U+0378 at character 2"), "{message}");
        for c in [
            '\u{0000}', '\u{0007}', '\u{001B}', '\u{007F}', '\u{0085}', '\u{009F}',
        ] {
            let (code, message) = refusal(&format!("a{c}")).unwrap();
            assert_eq!(code, "control-character", "{message}");
        }
    }

    #[test]
    fn line_breaks_tabs_joiners_and_directional_marks_are_accepted() {
        for text in [
            "Article premier\n\tLes Parties\r\nconviennent.",
            // Arabic with the Arabic letter mark and a right-to-left mark before a number.
            "\u{061C}تتفق الأطراف على ما يلي\u{200F} 2025",
            // Persian with zero-width non-joiners (می‌شود، کشورها‌ی).
            "این موافقت‌نامه از تاریخ امضا اجرا می‌شود",
            // A left-to-right mark, and an emoji sequence with a zero-width joiner.
            "Pacta\u{200E} sunt servanda \u{1F469}\u{200D}\u{2696}\u{FE0F}",
            "中华人民共和国 — Ελληνική Δημοκρατία — Россия",
        ] {
            assert_eq!(refusal(text), None, "{text}");
        }
    }
}
