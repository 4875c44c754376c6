//! Reading stored vocabulary from rows: an unknown value fails loudly, never defaults.

/// Reads a stored enum value, failing loudly (never defaulting) if the vault holds a value
/// this binary does not know.
pub(crate) fn column<T: std::str::FromStr>(r: &rusqlite::Row<'_>, idx: usize) -> rusqlite::Result<T> {
    let text: String = r.get(idx)?;
    text.parse().map_err(|_| {
        rusqlite::Error::FromSqlConversionFailure(
            idx,
            rusqlite::types::Type::Text,
            format!("unknown value {text:?}").into(),
        )
    })
}

/// Like [`column`] for a nullable column.
pub(crate) fn opt_column<T: std::str::FromStr>(r: &rusqlite::Row<'_>, idx: usize) -> rusqlite::Result<Option<T>> {
    let text: Option<String> = r.get(idx)?;
    text.map(|t| {
        t.parse().map_err(|_| {
            rusqlite::Error::FromSqlConversionFailure(
                idx,
                rusqlite::types::Type::Text,
                format!("unknown value {t:?}").into(),
            )
        })
    })
    .transpose()
}
