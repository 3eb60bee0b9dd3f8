//! Byte offsets to 1-based line and column numbers (columns count bytes).

/// A resolved position range in a blob.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct Span {
    pub line: usize,
    pub column: usize,
    pub end_line: usize,
    /// Column of the secret's last byte plus one (exclusive), 1-based.
    pub end_column: usize,
}

/// Converts increasing byte offsets to line/column without rescanning from the start.
pub struct LineIndex<'a> {
    bytes: &'a [u8],
    /// Offset up to which newlines were counted, and the line there.
    pos: usize,
    line: usize,
    line_start: usize,
}

impl<'a> LineIndex<'a> {
    pub fn new(bytes: &'a [u8]) -> Self {
        LineIndex {
            bytes,
            pos: 0,
            line: 1,
            line_start: 0,
        }
    }

    /// `(line, column, line_start)` of `offset`; offsets must not decrease between calls
    /// by more than the current line (it restarts from the beginning if they do).
    pub fn locate(&mut self, offset: usize) -> (usize, usize, usize) {
        if offset < self.line_start {
            *self = LineIndex::new(self.bytes);
        }
        let from = self.pos.max(self.line_start);
        if offset > from {
            for i in memchr::memchr_iter(b'\n', &self.bytes[from..offset]) {
                self.line += 1;
                self.line_start = from + i + 1;
            }
            self.pos = offset;
        }
        (self.line, offset - self.line_start + 1, self.line_start)
    }

    /// The span of `start..end`.
    pub fn span(&mut self, start: usize, end: usize) -> Span {
        let (line, column, _) = self.locate(start);
        let last = end.saturating_sub(1).max(start);
        let mut probe = LineIndex {
            bytes: self.bytes,
            pos: self.pos,
            line: self.line,
            line_start: self.line_start,
        };
        let (end_line, end_col, _) = probe.locate(last);
        Span {
            line,
            column,
            end_line,
            end_column: end_col + usize::from(end > start),
        }
    }
}

/// The line containing `offset`, as a byte range without its newline.
pub fn line_bounds(bytes: &[u8], offset: usize) -> std::ops::Range<usize> {
    let start = memchr::memrchr(b'\n', &bytes[..offset]).map_or(0, |i| i + 1);
    let end = memchr::memchr(b'\n', &bytes[offset..]).map_or(bytes.len(), |i| offset + i);
    let end = if end > start && bytes[end - 1] == b'\r' {
        end - 1
    } else {
        end
    };
    start..end
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_and_columns() {
        let text = b"ab\ncd\r\nxyz";
        let mut idx = LineIndex::new(text);
        assert_eq!(
            idx.span(0, 2),
            Span {
                line: 1,
                column: 1,
                end_line: 1,
                end_column: 3
            }
        );
        assert_eq!(
            idx.span(4, 5),
            Span {
                line: 2,
                column: 2,
                end_line: 2,
                end_column: 3
            }
        );
        assert_eq!(
            idx.span(7, 10),
            Span {
                line: 3,
                column: 1,
                end_line: 3,
                end_column: 4
            }
        );
        assert_eq!(
            idx.span(1, 8),
            Span {
                line: 1,
                column: 2,
                end_line: 3,
                end_column: 2
            }
        );
        assert_eq!(line_bounds(text, 4), 3..5);
    }
}
