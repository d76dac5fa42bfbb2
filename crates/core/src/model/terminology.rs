//! Terminology: the words a program uses for each role ("survivor" or "person harmed"…), stored as overrides of
//! the defaults in the `settings` table under the key `terminology`.

use std::collections::BTreeMap;

use rusqlite::{params, Connection, OptionalExtension, Transaction};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::context::Ctx;
use super::errors::ModelError;
use super::op::Op;
use super::rows::audit;
use super::vocab::Role;

/// The settings key that holds the overrides, a JSON object from role word to label.
pub const SETTING_KEY: &str = "terminology";

pub(crate) fn ops() -> Vec<Op> {
    crate::ops! {
        read "get_terminology" => get_terminology, "The label shown for every role: the program's own words, else the defaults.";
        write "set_terminology" => set_terminology, "Choose the labels shown for roles; roles left out use the default label.";
    }
}

/// The label shown for a role.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct RoleLabel {
    pub role: Role,
    pub label: String,
    /// The label used when the program chose none.
    pub default_label: String,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, TS)]
pub struct NoArgs {}

#[derive(Debug, Clone, Default, Serialize, Deserialize, TS)]
#[serde(default)]
pub struct SetTerminology {
    /// Role word (`person_harmed`, `supporter`…) to the label the program uses. Replaces earlier choices.
    pub labels: BTreeMap<String, String>,
}

/// The default label of a role.
pub(crate) fn default_label(role: Role) -> &'static str {
    match role {
        Role::PersonHarmed => "Person harmed",
        Role::PersonResponsible => "Person responsible",
        Role::Supporter => "Supporter",
        Role::CommunityMember => "Community member",
        Role::Partner => "Partner",
        Role::CoFacilitator => "Co-facilitator",
        Role::Specialist => "Specialist",
        Role::Supervisor => "Supervisor",
        Role::Other => "Other",
    }
}

/// The stored overrides; words that are no longer roles are ignored.
fn overrides(conn: &Connection) -> Result<BTreeMap<Role, String>, ModelError> {
    let stored: Option<String> =
        conn.query_row("SELECT value FROM settings WHERE key = ?1", [SETTING_KEY], |r| r.get(0)).optional()?;
    let Some(stored) = stored else { return Ok(BTreeMap::new()) };
    let map: BTreeMap<String, String> = serde_json::from_str(&stored)
        .map_err(|_| ModelError::Invalid("the stored terminology could not be read; set it again".into()))?;
    Ok(map.into_iter().filter_map(|(role, label)| Some((role.parse().ok()?, label))).collect())
}

/// Every role with its label, in the vocabulary's order.
pub(crate) fn labels(conn: &Connection) -> Result<Vec<RoleLabel>, ModelError> {
    let mut chosen = overrides(conn)?;
    Ok(Role::ALL
        .iter()
        .map(|&role| RoleLabel {
            role,
            label: chosen.remove(&role).unwrap_or_else(|| default_label(role).to_owned()),
            default_label: default_label(role).to_owned(),
        })
        .collect())
}

pub(crate) fn get_terminology(conn: &Connection, _ctx: &Ctx, _args: NoArgs) -> Result<Vec<RoleLabel>, ModelError> {
    labels(conn)
}

pub(crate) fn set_terminology(
    tx: &Transaction<'_>,
    ctx: &Ctx,
    args: SetTerminology,
) -> Result<Vec<RoleLabel>, ModelError> {
    let mut chosen = BTreeMap::new();
    for (word, label) in &args.labels {
        let role: Role = word.trim().parse().map_err(|_| ModelError::Invalid(format!("`{word}` is not a role")))?;
        let label = label.trim();
        if label.is_empty() {
            return Err(ModelError::Invalid(format!("the label for {role} cannot be empty")));
        }
        if chosen.insert(role, label.to_owned()).is_some() {
            return Err(ModelError::Invalid(format!("{role} is given twice")));
        }
    }
    let mut seen = BTreeMap::new();
    for &role in Role::ALL {
        let label = chosen.get(&role).map(String::as_str).unwrap_or(default_label(role));
        if let Some(other) = seen.insert(label.to_lowercase(), role) {
            return Err(ModelError::Invalid(format!(
                "{other} and {role} would both be shown as \"{label}\"; choose distinct labels"
            )));
        }
    }
    let stored: BTreeMap<&str, &String> = chosen.iter().map(|(role, label)| (role.as_str(), label)).collect();
    let json = serde_json::to_string(&stored)
        .map_err(|e| ModelError::Invalid(format!("the terminology could not be encoded: {e}")))?;
    tx.execute(
        "INSERT INTO settings(key, value) VALUES(?1, ?2) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
        params![SETTING_KEY, json],
    )?;
    audit(tx, ctx, "update", "setting", &SETTING_KEY)?;
    labels(tx)
}
