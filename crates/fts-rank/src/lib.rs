//! `circlebook_rank()`: FTS5's own BM25 ranking, computed in full only for the rows that can still reach the top.
//!
//! FTS5's `bm25()` does two costly things for every match: it looks up the row's length in the `%_docsize` table
//! (a query of its own) and it counts how often every phrase of the query occurs, filters included. Ranking 35,000
//! matches to show 50 spends most of its time there. This function gives the same order for the best `keep` rows:
//!
//! - It reads where the user's words occur (the phrases `0..words`, which are cheap to walk) and from that alone
//!   computes an upper bound of the row's score: BM25 falls as a row gets longer, and the row is at least as long
//!   as the last matched word's position says.
//! - It keeps the best `keep` exact scores seen so far. A row whose bound cannot beat the worst of them cannot be in
//!   the result, and gets its bound as its value without the length lookup. Every other row gets its exact score.
//! - Filter phrases (those after `words`) are matched by FTS5 as usual but never scored, as `bm25()` scores them
//!   with weight 0.
//!
//! With two or more words, a row's exact value is bit for bit what `bm25(table, weights...)` returns. With one
//! word, the inverse document frequency is left out (it multiplies every row's score by the same positive number,
//! so the order stays the same) and so is the pass over the index that computes it.
//!
//! - It remembers, per connection, each row's length once looked up, for as long as nothing on the connection has
//!   changed (SQLite's count of rows written, `sqlite3_total_changes64()`, and the table's own row and token counts
//!   are the same as when they were looked up). A person typing a word asks for the rows of "me", then of "mee",
//!   "meet"...: each query's rows are mostly those of the one before, whose lengths are then at hand.
//!
//! Use: `ORDER BY circlebook_rank(tbl, words, keep, w0, w1, ...), rowid LIMIT keep`, where `w0...` are the column
//! weights as for `bm25()` (a missing weight is 1.0). `words` larger than the query's number of phrases means all
//! of them (FTS5 drops a quoted string that holds no token). Rows after the first `keep` are not ranked exactly, so the
//! LIMIT must not be larger than `keep`. The remembered lengths belong to one table: a connection that ranks
//! with it in two FTS5 tables must not have two with the same number of columns, rows and tokens (Circlebook has one).
//!
//! This is Circlebook's only crate with `unsafe` code: the FTS5 extension API is C, reached through
//! `rusqlite::ffi`. Each unsafe block says why it is sound; the tests compare the order with `bm25()`'s.
#![allow(unsafe_code)]
#![deny(unsafe_op_in_unsafe_fn, clippy::undocumented_unsafe_blocks)]

use std::cell::RefCell;
use std::collections::BinaryHeap;
use std::ffi::{c_int, c_void, CStr};
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::ptr;

use rusqlite::ffi;
use rusqlite::Connection;

/// The SQL name of the function.
pub const NAME: &str = "circlebook_rank";

const K1: f64 = 1.2;
const B: f64 = 0.75;

/// Makes `circlebook_rank()` available on `conn`. Call it once per connection.
pub fn register(conn: &Connection) -> rusqlite::Result<()> {
    let api = fts5_api(conn)?;
    // SAFETY: only the pointer is taken here; `Lengths` uses it while FTS5 runs a query on this open connection.
    let db = unsafe { conn.handle() };
    let lengths = Box::into_raw(Box::new(RefCell::new(Lengths::new(db))));
    // SAFETY: `api` came from FTS5 itself for this connection and lives as long as it does. The name is a
    // NUL-terminated literal that FTS5 copies; the function pointer has the `fts5_extension_function` signature.
    // The user data is the boxed `Lengths`, which FTS5 hands to every call on this connection and frees with
    // `drop_lengths` when the connection closes. FTS5 keeps it only when it creates the function: otherwise it is
    // freed here.
    let rc = unsafe {
        match (*api).xCreateFunction {
            Some(create) => create(api, c"circlebook_rank".as_ptr(), lengths.cast(), Some(rank), Some(drop_lengths)),
            None => ffi::SQLITE_MISUSE,
        }
    };
    if rc != ffi::SQLITE_OK {
        // SAFETY: FTS5 did not take the box (above), so this is its only owner.
        drop(unsafe { Box::from_raw(lengths) });
        return Err(failure(rc, "FTS5 refused the ranking function"));
    }
    Ok(())
}

fn failure(code: c_int, message: &str) -> rusqlite::Error {
    rusqlite::Error::SqliteFailure(ffi::Error::new(code), Some(message.to_owned()))
}

/// The connection's `fts5_api`, obtained the documented way: `SELECT fts5(?1)` with a pointer bound as
/// "fts5_api_ptr".
fn fts5_api(conn: &Connection) -> rusqlite::Result<*mut ffi::fts5_api> {
    let mut api: *mut ffi::fts5_api = ptr::null_mut();
    // SAFETY: `conn.handle()` is the open connection, used on this thread only while `conn` is borrowed. The
    // statement is prepared, stepped once and finalized here. The bound pointer refers to `api`, which outlives the
    // statement, and FTS5 writes one `fts5_api*` through it.
    let rc = unsafe {
        let db = conn.handle();
        let mut stmt: *mut ffi::sqlite3_stmt = ptr::null_mut();
        let rc = ffi::sqlite3_prepare_v2(db, c"SELECT fts5(?1)".as_ptr(), -1, &mut stmt, ptr::null_mut());
        if rc != ffi::SQLITE_OK {
            return Err(failure(rc, "this SQLite has no FTS5"));
        }
        let api_out: *mut *mut ffi::fts5_api = &mut api;
        ffi::sqlite3_bind_pointer(stmt, 1, api_out.cast(), c"fts5_api_ptr".as_ptr(), None);
        let step = ffi::sqlite3_step(stmt);
        ffi::sqlite3_finalize(stmt);
        step
    };
    if rc != ffi::SQLITE_ROW || api.is_null() {
        return Err(failure(ffi::SQLITE_ERROR, "this SQLite has no FTS5"));
    }
    Ok(api)
}

/// A score that orders by `f64::total_cmp` (values here are never NaN).
#[derive(Debug, PartialEq)]
struct Value(f64);

impl Eq for Value {}

impl PartialOrd for Value {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Value {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.0.total_cmp(&other.0)
    }
}

/// What one query computes once: its arguments, the table's statistics and the best values seen so far.
#[derive(Debug)]
struct Query {
    words: usize,
    keep: usize,
    /// Per column.
    weights: Vec<f64>,
    /// Per word: its inverse document frequency (1.0 for a single word).
    idf: Vec<f64>,
    /// Per word: its number of tokens.
    sizes: Vec<c_int>,
    avgdl: f64,
    /// The best `keep` exact values so far (the worst on top; lower is better).
    kept: BinaryHeap<Value>,
    /// Scratch space for one row: weighted frequency per word, last matched token per column.
    freq: Vec<f64>,
    end: Vec<c_int>,
}

/// The rows' lengths looked up so far on one connection, and what they are valid for.
#[derive(Debug)]
struct Lengths {
    db: *mut ffi::sqlite3,
    /// The connection's count of rows written, and the table's columns, rows and tokens, when the lengths were read.
    valid_for: (i64, c_int, i64, i64),
    /// Per rowid: 0 when not looked up, else the row's number of tokens plus one.
    by_rowid: Vec<u32>,
}

/// Rows with a rowid at or above this are not remembered (the list would take over 64 MiB).
const REMEMBERED_ROWIDS: i64 = 1 << 24;

impl Lengths {
    fn new(db: *mut ffi::sqlite3) -> Self {
        Lengths { db, valid_for: (-1, 0, 0, 0), by_rowid: Vec::new() }
    }

    /// Forgets every length unless nothing has changed since they were looked up.
    fn check(&mut self, columns: c_int, rows: i64, tokens: i64) {
        // SAFETY: `db` is the connection this was registered on, which is open while FTS5 runs its queries.
        let changes = unsafe { ffi::sqlite3_total_changes64(self.db) };
        let now = (changes, columns, rows, tokens);
        if now != self.valid_for {
            self.by_rowid.clear();
            self.valid_for = now;
        }
    }

    fn get(&self, rowid: i64) -> Option<c_int> {
        let slot = *self.by_rowid.get(usize::try_from(rowid).ok()?)?;
        (slot > 0).then(|| (slot - 1) as c_int)
    }

    fn remember(&mut self, rowid: i64, tokens: c_int) {
        let (Ok(at), Ok(tokens)) = (usize::try_from(rowid), u32::try_from(tokens)) else { return };
        if rowid >= REMEMBERED_ROWIDS || tokens == u32::MAX {
            return;
        }
        if at >= self.by_rowid.len() {
            self.by_rowid.resize(at + 1, 0);
        }
        self.by_rowid[at] = tokens + 1;
    }
}

/// Why a value could not be computed.
enum Fault {
    /// An FTS5 call failed with this code.
    Code(c_int),
    /// The function was called wrongly.
    Usage(&'static CStr),
}

/// Calls an entry of the FTS5 API table, which FTS5 fills in for every version this crate can be built with.
macro_rules! call {
    ($api:expr, $f:ident, $($arg:expr),*) => {
        match $api.$f {
            Some(f) => f($($arg),*),
            None => return Err(Fault::Usage(c"this FTS5 is too old for circlebook_rank()")),
        }
    };
}

/// The SQL function. FTS5 calls it once per matching row, with the query's cursor in `fts`.
unsafe extern "C" fn rank(
    api: *const ffi::Fts5ExtensionApi,
    fts: *mut ffi::Fts5Context,
    ctx: *mut ffi::sqlite3_context,
    n_args: c_int,
    args: *mut *mut ffi::sqlite3_value,
) {
    let outcome = catch_unwind(AssertUnwindSafe(|| {
        let count = usize::try_from(n_args).unwrap_or(0);
        let args: &[*mut ffi::sqlite3_value] = if count == 0 || args.is_null() {
            &[]
        } else {
            // SAFETY: FTS5 passes `n_args` valid value pointers (the arguments after the table), alive for this call.
            unsafe { std::slice::from_raw_parts(args, count) }
        };
        // SAFETY: FTS5 passes its API table and the current cursor, both valid for the duration of this call.
        unsafe { score(&*api, fts, args) }
    }));
    // SAFETY: `ctx` is this call's result context.
    unsafe {
        match outcome {
            Ok(Ok(value)) => ffi::sqlite3_result_double(ctx, value),
            Ok(Err(Fault::Code(code))) => ffi::sqlite3_result_error_code(ctx, code),
            Ok(Err(Fault::Usage(message))) => ffi::sqlite3_result_error(ctx, message.as_ptr(), -1),
            Err(_) => ffi::sqlite3_result_error(ctx, c"circlebook_rank() failed".as_ptr(), -1),
        }
    }
}

/// # Safety
/// `api` and `fts` are what FTS5 passed to this call; `args` are its argument values.
unsafe fn score(
    api: &ffi::Fts5ExtensionApi,
    fts: *mut ffi::Fts5Context,
    args: &[*mut ffi::sqlite3_value],
) -> Result<f64, Fault> {
    // SAFETY: the auxiliary data slot belongs to this query's cursor; it holds null or a `Query` we boxed below.
    let mut query = unsafe { call!(api, xGetAuxdata, fts, 0) }.cast::<Query>();
    if query.is_null() {
        // SAFETY: as for `score`.
        let fresh = Box::new(unsafe { start(api, fts, args) }?);
        query = Box::into_raw(fresh);
        // SAFETY: FTS5 keeps the pointer for this cursor and frees it with `drop_query`, even when this call fails.
        let rc = unsafe { call!(api, xSetAuxdata, fts, query.cast(), Some(drop_query)) };
        if rc != ffi::SQLITE_OK {
            return Err(Fault::Code(rc));
        }
    }
    // SAFETY: the box is valid until FTS5 drops it at the end of the query, and only this call uses it now.
    let query = unsafe { &mut *query };

    query.freq.iter_mut().for_each(|f| *f = 0.0);
    query.end.iter_mut().for_each(|e| *e = 0);
    for word in 0..query.words {
        let mut iter = ffi::Fts5PhraseIter { a: ptr::null(), b: ptr::null() };
        let (mut column, mut offset): (c_int, c_int) = (0, 0);
        let phrase = word as c_int;
        // SAFETY: `iter`, `column` and `offset` are out-parameters for this row's instances of the phrase.
        let rc = unsafe { call!(api, xPhraseFirst, fts, phrase, &mut iter, &mut column, &mut offset) };
        if rc != ffi::SQLITE_OK {
            return Err(Fault::Code(rc));
        }
        while let Ok(c) = usize::try_from(column) {
            query.freq[word] += query.weights.get(c).copied().unwrap_or(1.0);
            if let Some(end) = query.end.get_mut(c) {
                *end = (*end).max(offset + query.sizes[word]);
            }
            // SAFETY: continues the iteration started by `xPhraseFirst` on this row.
            unsafe { call!(api, xPhraseNext, fts, &mut iter, &mut column, &mut offset) };
        }
    }

    let full = query.kept.len() >= query.keep;
    if full {
        // The row has at least as many tokens as its matched words reach into each column.
        let shortest: f64 = query.end.iter().map(|&e| f64::from(e)).sum();
        let bound = -query.bm25(shortest);
        if query.kept.peek().is_some_and(|worst| bound > worst.0) {
            return Ok(bound);
        }
    }
    let tokens = {
        // SAFETY: the user data is the `RefCell<Lengths>` that `register` gave FTS5, alive while the connection is.
        let lengths = unsafe { &*call!(api, xUserData, fts).cast::<RefCell<Lengths>>() };
        let mut lengths = lengths.try_borrow_mut().map_err(|_| Fault::Usage(c"circlebook_rank() ran inside itself"))?;
        // SAFETY: the current row's rowid.
        let rowid = unsafe { call!(api, xRowid, fts) };
        match lengths.get(rowid) {
            Some(tokens) => tokens,
            None => {
                let mut tokens: c_int = 0;
                // SAFETY: reads this row's total number of tokens into `tokens`.
                let rc = unsafe { call!(api, xColumnSize, fts, -1, &mut tokens) };
                if rc != ffi::SQLITE_OK {
                    return Err(Fault::Code(rc));
                }
                lengths.remember(rowid, tokens);
                tokens
            }
        }
    };
    let value = -query.bm25(f64::from(tokens));
    if !full {
        query.kept.push(Value(value));
    } else if query.kept.peek().is_some_and(|worst| value < worst.0) {
        query.kept.pop();
        query.kept.push(Value(value));
    }
    Ok(value)
}

impl Query {
    /// BM25 of the current row for a row length of `tokens`, as FTS5's `bm25()` computes it.
    fn bm25(&self, tokens: f64) -> f64 {
        let mut score = 0.0;
        for (freq, idf) in self.freq.iter().zip(&self.idf) {
            score += idf * ((freq * (K1 + 1.0)) / (freq + K1 * (1.0 - B + B * tokens / self.avgdl)));
        }
        score
    }
}

/// Reads the arguments and the table's statistics at a query's first row.
///
/// # Safety
/// As for [`score`].
unsafe fn start(
    api: &ffi::Fts5ExtensionApi,
    fts: *mut ffi::Fts5Context,
    args: &[*mut ffi::sqlite3_value],
) -> Result<Query, Fault> {
    let usage = c"use circlebook_rank(table, words, keep, weight, ...): words is how many phrases of the query to score (0 or more), keep how many rows the query keeps (at least 1)";
    if args.len() < 2 {
        return Err(Fault::Usage(usage));
    }
    // SAFETY: the argument values are valid for this call.
    let (words, keep) = unsafe { (ffi::sqlite3_value_int64(args[0]), ffi::sqlite3_value_int64(args[1])) };
    // SAFETY: plain reads of the cursor's query.
    let (phrases, columns) = unsafe { (call!(api, xPhraseCount, fts), call!(api, xColumnCount, fts)) };
    let (Ok(words), Ok(keep)) = (usize::try_from(words), usize::try_from(keep)) else {
        return Err(Fault::Usage(usage));
    };
    if keep == 0 {
        return Err(Fault::Usage(usage));
    }
    // A typed word that holds no token (an emoji, say) is no phrase of FTS5's: score what is there.
    let words = words.min(usize::try_from(phrases).unwrap_or(0));
    let columns = usize::try_from(columns).unwrap_or(0);
    // SAFETY: the argument values are valid for this call.
    let weights =
        (0..columns).map(|c| args.get(2 + c).map_or(1.0, |&v| unsafe { ffi::sqlite3_value_double(v) })).collect();

    let (mut rows, mut tokens): (i64, i64) = (0, 0);
    // SAFETY: out-parameters for the table's row count and total number of tokens.
    let rc = unsafe { call!(api, xRowCount, fts, &mut rows) };
    if rc != ffi::SQLITE_OK {
        return Err(Fault::Code(rc));
    }
    // SAFETY: as above.
    let rc = unsafe { call!(api, xColumnTotalSize, fts, -1, &mut tokens) };
    if rc != ffi::SQLITE_OK {
        return Err(Fault::Code(rc));
    }
    // SAFETY: as in `score`.
    let lengths = unsafe { &*call!(api, xUserData, fts).cast::<RefCell<Lengths>>() };
    lengths.try_borrow_mut().map_err(|_| Fault::Usage(c"circlebook_rank() ran inside itself"))?.check(
        columns as c_int,
        rows,
        tokens,
    );
    let mut idf = vec![1.0; words];
    if words > 1 {
        for (phrase, idf) in idf.iter_mut().enumerate() {
            let mut hits: i64 = 0;
            let hits_out: *mut i64 = &mut hits;
            // SAFETY: FTS5 runs the phrase as a query of its own and calls `count_row` with `hits_out`, which
            // stays valid until this call returns.
            let rc = unsafe { call!(api, xQueryPhrase, fts, phrase as c_int, hits_out.cast(), Some(count_row)) };
            if rc != ffi::SQLITE_OK {
                return Err(Fault::Code(rc));
            }
            // As FTS5's bm25(): never below a tiny positive weight.
            let value = (((rows - hits) as f64 + 0.5) / (hits as f64 + 0.5)).ln();
            *idf = if value <= 0.0 { 1e-6 } else { value };
        }
    }
    // SAFETY: plain reads of the query's phrase sizes.
    let sizes = (0..words).map(|p| unsafe { api.xPhraseSize.map_or(1, |f| f(fts, p as c_int)) }).collect();
    Ok(Query {
        words,
        keep,
        weights,
        idf,
        sizes,
        avgdl: tokens as f64 / rows as f64,
        kept: BinaryHeap::with_capacity(keep.min(10_000) + 1),
        freq: vec![0.0; words],
        end: vec![0; columns],
    })
}

/// Counts the rows of `xQueryPhrase`.
unsafe extern "C" fn count_row(_: *const ffi::Fts5ExtensionApi, _: *mut ffi::Fts5Context, hits: *mut c_void) -> c_int {
    // SAFETY: `hits` is the `i64` that `start` passed to `xQueryPhrase`.
    unsafe { *hits.cast::<i64>() += 1 };
    ffi::SQLITE_OK
}

/// Frees a connection's remembered lengths when FTS5 lets go of the function.
unsafe extern "C" fn drop_lengths(lengths: *mut c_void) {
    // SAFETY: FTS5 calls this once, with the pointer `register` made by `Box::into_raw`.
    drop(unsafe { Box::from_raw(lengths.cast::<RefCell<Lengths>>()) });
}

/// Frees a query's state when FTS5 ends the query.
unsafe extern "C" fn drop_query(query: *mut c_void) {
    // SAFETY: FTS5 calls this once, with the pointer `score` made by `Box::into_raw`.
    drop(unsafe { Box::from_raw(query.cast::<Query>()) });
}

#[cfg(test)]
mod tests;
