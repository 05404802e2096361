//! Typst's view of the outside world, reduced to what one document needs: the layout source,
//! its data file, and the system's Noto fonts. No other file, no package, no clock.

use std::path::{Path, PathBuf};
use std::sync::{LazyLock, OnceLock};

use typst::diag::{FileError, FileResult};
use typst::foundations::{Bytes, Datetime};
use typst::syntax::{FileId, Source, VirtualPath};
use typst::text::{Font, FontBook};
use typst::utils::LazyHash;
use typst::{Library, LibraryExt, World};

use crate::PdfError;

/// Where distributions install the Noto fonts: Debian and Ubuntu's `fonts-noto-core` first
/// (what scripts/test installs), then Fedora's and Arch's directories.
pub const FONT_DIRECTORIES: [&str; 4] = [
    "/usr/share/fonts/truetype/noto",
    "/usr/share/fonts/google-noto",
    "/usr/share/fonts/noto",
    "/usr/share/fonts/TTF",
];

/// The Debian package that holds every font in [`FONT_FILES`].
pub const FONT_PACKAGE: &str = "fonts-noto-core";

/// The faces the layout uses: Noto Serif for Latin script (regular, bold, italic for notes),
/// Noto Naskh Arabic for Arabic script, the style of printed Arabic legal texts.
pub const FONT_FILES: [&str; 5] = [
    "NotoSerif-Regular.ttf",
    "NotoSerif-Bold.ttf",
    "NotoSerif-Italic.ttf",
    "NotoNaskhArabic-Regular.ttf",
    "NotoNaskhArabic-Bold.ttf",
];

/// The fonts, read once per process: a few megabytes that every document shares.
pub struct Fonts {
    book: LazyHash<FontBook>,
    fonts: Vec<Font>,
}

static FONTS: OnceLock<Fonts> = OnceLock::new();

/// The standard library with its default styles: built once, as it never changes.
static LIBRARY: LazyLock<LazyHash<Library>> = LazyLock::new(|| LazyHash::new(Library::default()));

/// The fonts, loaded on first use. A failure is not kept: once the package is installed, the
/// next document finds the fonts without a restart.
pub fn fonts() -> Result<&'static Fonts, PdfError> {
    if let Some(fonts) = FONTS.get() {
        return Ok(fonts);
    }
    let loaded = load_fonts(&FONT_DIRECTORIES)?;
    Ok(FONTS.get_or_init(|| loaded))
}

/// Every file of [`FONT_FILES`], each from the first of `directories` that has it.
fn load_fonts(directories: &[&str]) -> Result<Fonts, PdfError> {
    let mut fonts = Vec::new();
    for file in FONT_FILES {
        let path = directories
            .iter()
            .map(|directory| Path::new(directory).join(file))
            .find(|path| path.is_file())
            .ok_or_else(|| PdfError::FontMissing {
                file,
                package: FONT_PACKAGE,
                searched: directories.join(", "),
            })?;
        fonts.extend(read_font(&path)?);
    }
    Ok(Fonts {
        book: LazyHash::new(FontBook::from_fonts(&fonts)),
        fonts,
    })
}

fn read_font(path: &PathBuf) -> Result<Vec<Font>, PdfError> {
    let data = std::fs::read(path).map_err(|source| PdfError::FontUnreadable {
        path: path.display().to_string(),
        source,
    })?;
    let faces: Vec<Font> = Font::iter(Bytes::new(data)).collect();
    if faces.is_empty() {
        return Err(PdfError::FontInvalid {
            path: path.display().to_string(),
        });
    }
    Ok(faces)
}

/// One document: the layout (`document.typ`, compiled into the crate) and its data.
pub struct DocumentWorld {
    fonts: &'static Fonts,
    main: Source,
    data_id: FileId,
    data: Bytes,
}

/// The layout, the one Typst source a document has.
const LAYOUT: &str = include_str!("document.typ");

impl DocumentWorld {
    /// A world whose `document.json` is `data`.
    pub fn new(fonts: &'static Fonts, data: Vec<u8>) -> DocumentWorld {
        let main_id = FileId::new(None, VirtualPath::new("document.typ"));
        DocumentWorld {
            fonts,
            main: Source::new(main_id, LAYOUT.to_string()),
            data_id: FileId::new(None, VirtualPath::new("document.json")),
            data: Bytes::new(data),
        }
    }
}

impl World for DocumentWorld {
    fn library(&self) -> &LazyHash<Library> {
        &LIBRARY
    }

    fn book(&self) -> &LazyHash<FontBook> {
        &self.fonts.book
    }

    fn main(&self) -> FileId {
        self.main.id()
    }

    fn source(&self, id: FileId) -> FileResult<Source> {
        if id == self.main.id() {
            Ok(self.main.clone())
        } else {
            Err(FileError::NotFound(id.vpath().as_rooted_path().into()))
        }
    }

    fn file(&self, id: FileId) -> FileResult<Bytes> {
        if id == self.data_id {
            Ok(self.data.clone())
        } else {
            Err(FileError::NotFound(id.vpath().as_rooted_path().into()))
        }
    }

    fn font(&self, index: usize) -> Option<Font> {
        self.fonts.fonts.get(index).cloned()
    }

    /// No clock: a document says the day it was exported only through the PDF's metadata,
    /// which the caller sets.
    fn today(&self, _offset: Option<i64>) -> Option<Datetime> {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_missing_font_names_the_package_to_install() {
        let missing = load_fonts(&["/nonexistent/pacta-fonts"])
            .err()
            .expect("no font there");
        let message = missing.to_string();
        assert!(matches!(missing, PdfError::FontMissing { .. }), "{message}");
        assert!(
            message.contains("apt-get install fonts-noto-core"),
            "{message}"
        );
        assert!(message.contains("NotoSerif-Regular.ttf"), "{message}");
    }
}
