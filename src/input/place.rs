//! A value's place in the data: which file and which key path it came
//! from. Diagnostics carry places; [`crate::input::locate`] turns them into spans.

use std::fmt;

/// One step of a key path: a table key or an array index.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Seg {
    /// A key of a table.
    Key(&'static str),
    /// A position in an array (0-based).
    Index(usize),
}

/// Which data file a value lives in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum FileRef {
    /// `document.toml`.
    Document,
    /// The n-th project file (0-based, in table order).
    Project(usize),
}

/// A value's place: its file and the key path inside it.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Place {
    /// The file.
    pub file: FileRef,
    /// The key path from the file's root table.
    pub path: Vec<Seg>,
}

impl Place {
    /// A place in `document.toml`.
    pub fn doc(path: &[Seg]) -> Self {
        Self {
            file: FileRef::Document,
            path: path.to_vec(),
        }
    }

    /// A place in the n-th project file.
    pub fn project(n: usize, path: &[Seg]) -> Self {
        Self {
            file: FileRef::Project(n),
            path: path.to_vec(),
        }
    }

    /// This place extended by more steps.
    pub fn join(&self, more: &[Seg]) -> Self {
        let mut path = self.path.clone();
        path.extend_from_slice(more);
        Self {
            file: self.file,
            path,
        }
    }
}

impl fmt::Display for Place {
    /// Shows the key path the way TOML users write it: `indicators[3].value`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, seg) in self.path.iter().enumerate() {
            match seg {
                Seg::Key(k) if i == 0 => write!(f, "{k}")?,
                Seg::Key(k) => write!(f, ".{k}")?,
                Seg::Index(n) => write!(f, "[{}]", n + 1)?,
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn place_displays_as_toml_path() {
        let p = Place::project(
            0,
            &[Seg::Key("indicators"), Seg::Index(2), Seg::Key("value")],
        );
        assert_eq!(p.to_string(), "indicators[3].value");
    }
}
