//! Read-only commands: `stats`, `verify`, `backups`. They never write to the vault (the vault is dropped,
//! not locked, so a journal is left for the next unlock rather than folded).

use circlebook_core::ErrorKind;
use serde_json::json;

use super::Context;
use crate::failure::Failure;
use crate::out;

/// `stats`: sizes and counts, no case content.
pub fn stats(ctx: &mut Context) -> Result<(), Failure> {
    let vault = ctx.unlock()?;
    let stats = vault.stats()?;
    if ctx.json {
        let tables: serde_json::Map<String, serde_json::Value> =
            stats.tables.iter().map(|(name, rows)| (name.clone(), json!(rows))).collect();
        let mut value = serde_json::to_value(&stats).map_err(|e| Failure::new(ErrorKind::Io, e))?;
        value["tables"] = serde_json::Value::Object(tables);
        out::json(&value);
        return Ok(());
    }
    let rows = [
        ("schema version", stats.schema_version.to_string()),
        ("generation", format!("{} ({} kept)", stats.generation, stats.generations_kept)),
        ("snapshot", out::bytes(stats.snapshot_bytes)),
        ("journal", format!("{} records, {}", stats.journal_records, out::bytes(stats.journal_bytes))),
        ("database", format!("{} in memory", out::bytes(stats.database_bytes))),
        ("unsaved changes", if stats.unsaved_changes { "yes" } else { "no" }.to_owned()),
    ];
    for (label, value) in
        rows.iter().cloned().chain(stats.tables.iter().map(|(t, n)| (t.as_str(), format!("{n} rows"))))
    {
        out::line(format_args!("{label:<16} {value}"));
    }
    Ok(())
}

/// `verify`: decrypts every generation and the journal and checks the databases. Fails when anything is wrong.
pub fn verify(ctx: &mut Context) -> Result<(), Failure> {
    let vault = ctx.unlock()?;
    let report = vault.verify()?;
    let problems: Vec<String> = report
        .generations
        .iter()
        .filter_map(|(g, r)| r.as_ref().err().map(|e| format!("generation {g}: {e}")))
        .chain((report.integrity != "ok").then(|| format!("database: {}", report.integrity)))
        .collect();
    if ctx.json {
        let generations: Vec<_> = report
            .generations
            .iter()
            .map(|(g, r)| json!({ "number": g, "ok": r.is_ok(), "problem": r.as_ref().err() }))
            .collect();
        out::json(&json!({
            "ok": report.ok(),
            "generations": generations,
            "journal_records": report.journal_records,
            "integrity": report.integrity,
        }));
    } else {
        for (g, r) in &report.generations {
            out::line(format_args!("generation {g}: {}", r.as_ref().err().map_or("ok", String::as_str)));
        }
        out::line(format_args!("journal: {} records replayed", report.journal_records));
        out::line(format_args!("database: {}", report.integrity));
    }
    if report.ok() {
        Ok(())
    } else {
        Err(Failure::new(ErrorKind::Damaged, format_args!("the vault did not verify: {}", problems.join("; "))))
    }
}

/// `backups`: the kept generations, oldest first.
pub fn backups(ctx: &mut Context) -> Result<(), Failure> {
    let vault = ctx.unlock()?;
    let generations = vault.generations();
    if ctx.json {
        out::json(&generations);
        return Ok(());
    }
    out::line(format_args!("{:>10}  {:<20}  {:>9}", "generation", "written (UTC)", "size"));
    for g in generations {
        let written = g.written_at.map_or_else(|| "unknown".to_owned(), |t| t.format("%Y-%m-%d %H:%M:%S").to_string());
        let current = if g.current { "  current" } else { "" };
        out::line(format_args!("{:>10}  {:<20}  {:>9}{current}", g.number, written, out::bytes(g.bytes)));
    }
    Ok(())
}
