//! This vault's identity as others see it (recipient, signing key, fingerprint, card) and its contacts: other
//! vaults added from their cards, marked verified once the fingerprints were compared by voice.

use chrono::{DateTime, Utc};
use rusqlite::{params, OptionalExtension, Transaction};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::card::ContactCard;
use super::keys::{Fingerprint, PublicKey, SigningIdentity};
use crate::model::consent::contact_scope;
use crate::model::ops::Op;
use crate::model::rows::audit;
use crate::model::terminology::NoArgs;
use crate::model::{CaseId, Ctx, ModelError};
use crate::vault::{EditError, UnlockedVault};

/// The display name on a card when none is given.
pub const DEFAULT_CARD_NAME: &str = "Circlebook facilitator";

pub fn ops() -> Vec<Op> {
    crate::ops! {
        vault "get_identity" => get_identity, "This vault's age recipient, signing key, fingerprint and contact card (changes nothing).";
        vault "list_contacts" => list_contacts, "The contacts, with each one's fingerprint and the number to compare with them (changes nothing).";
        vault "add_contact" => add_contact, "Add a contact from their contact card (the name is their claim), optionally already verified.";
        write "verify_contact" => verify_contact, "Mark a contact verified after comparing fingerprints by voice.";
    }
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, TS)]
pub struct IdentityArgs {
    /// The display name the card carries (default "Circlebook facilitator").
    #[ts(optional)]
    pub name: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct Identity {
    /// The age recipient bundles for this vault are encrypted to.
    pub recipient: String,
    /// The Ed25519 public key this vault signs bundles with.
    pub signing_key: String,
    /// This vault's own number: 30 digits in groups of five.
    pub fingerprint: String,
    /// The one-line contact card.
    pub card: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct Contact {
    /// The name the contact's card claims.
    pub name: String,
    pub recipient: String,
    pub signing_key: String,
    /// Their own number (30 digits).
    pub fingerprint: String,
    /// The number both screens show for this pair (60 digits): the one to read aloud (in `list_contacts`).
    pub pair_fingerprint: Option<String>,
    pub verified: bool,
    pub verified_at: Option<DateTime<Utc>>,
    pub added_at: DateTime<Utc>,
    /// The cases whose consent ledger names this contact as a recipient (`information_sharing` entries with
    /// `shared_with` = `contact:KEY`, whatever their decision), by code name (in `list_contacts`; empty elsewhere).
    #[serde(default)]
    pub shared_cases: Vec<SharedCase>,
}

/// A case whose consent ledger names a contact.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct SharedCase {
    pub id: CaseId,
    pub code_name: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
pub struct NewContact {
    /// The contact's card, one line.
    pub card: String,
    /// Already compared by voice.
    #[ts(optional)]
    pub verified: Option<bool>,
}

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
pub struct ContactRef {
    /// The contact's name (when no other contact has it) or signing key.
    pub name_or_key: String,
}

/// The vault's signing identity.
pub fn signing_identity(vault: &UnlockedVault) -> SigningIdentity {
    SigningIdentity::derive(vault.identity())
}

pub fn get_identity(vault: &mut UnlockedVault, _ctx: &Ctx, args: IdentityArgs) -> Result<Identity, ModelError> {
    let me = signing_identity(vault);
    let name = args.name.unwrap_or_else(|| DEFAULT_CARD_NAME.to_owned());
    let card = ContactCard::write(&me, &name).map_err(|e| ModelError::Invalid(e.to_string()))?;
    Ok(Identity {
        recipient: me.recipient().to_owned(),
        signing_key: me.public().to_text(),
        fingerprint: me.fingerprint().to_string(),
        card,
    })
}

type Row = (String, String, String, DateTime<Utc>, Option<DateTime<Utc>>);

fn contact(
    me: &Fingerprint,
    (signing_key, recipient, name, added_at, verified_at): Row,
) -> Result<Contact, ModelError> {
    let key = PublicKey::from_text(&signing_key)
        .ok_or_else(|| ModelError::Invalid(format!("the stored contact key {signing_key} is malformed")))?;
    let theirs = Fingerprint::of(&key, &recipient);
    Ok(Contact {
        name,
        pair_fingerprint: Some(Fingerprint::pair(me, &theirs).to_string()),
        fingerprint: theirs.to_string(),
        recipient,
        signing_key,
        verified: verified_at.is_some(),
        verified_at,
        added_at,
        shared_cases: Vec::new(),
    })
}

const COLUMNS: &str = "signing_key, recipient, name, added_at, verified_at";

fn row(r: &rusqlite::Row<'_>) -> rusqlite::Result<Row> {
    Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?))
}

pub fn list_contacts(vault: &mut UnlockedVault, _ctx: &Ctx, _: NoArgs) -> Result<Vec<Contact>, ModelError> {
    let me = signing_identity(vault).fingerprint();
    let mut stmt = vault.conn().prepare(&format!("SELECT {COLUMNS} FROM contacts ORDER BY name, signing_key"))?;
    let rows = stmt.query_map([], row)?.collect::<rusqlite::Result<Vec<_>>>()?;
    let mut cases = vault.conn().prepare(
        "SELECT DISTINCT c.id, c.code_name FROM consents k
           JOIN participants p ON p.id = k.participant_id JOIN cases c ON c.id = p.case_id
         WHERE k.activity = 'information_sharing' AND k.shared_with = ?1 ORDER BY c.code_name, c.id",
    )?;
    let mut out = Vec::with_capacity(rows.len());
    for r in rows {
        let mut found = contact(&me, r)?;
        found.shared_cases = cases
            .query_map([contact_scope(&found.signing_key)], |r| Ok(SharedCase { id: r.get(0)?, code_name: r.get(1)? }))?
            .collect::<rusqlite::Result<_>>()?;
        out.push(found);
    }
    Ok(out)
}

/// Adds a contact; this vault's own card is refused (a bundle "to yourself" would only ever reach this vault).
pub fn add_contact(vault: &mut UnlockedVault, ctx: &Ctx, args: NewContact) -> Result<Contact, ModelError> {
    let card = ContactCard::parse(&args.card).map_err(|e| ModelError::Invalid(e.to_string()))?;
    let me = signing_identity(vault);
    if card.signing_key.to_text() == me.public().to_text() || card.recipient == me.recipient() {
        return Err(ModelError::NotAllowed(
            "this is this vault's own contact card; add the card of the person you exchange cases with".into(),
        ));
    }
    match vault.edit(|tx| add_contact_in(tx, ctx, card, args.verified)) {
        Ok(contact) => Ok(contact),
        Err(EditError::Rejected(e)) => Err(e),
        Err(EditError::Unsaved(e)) => Err(ModelError::Unsaved(e)),
    }
}

fn add_contact_in(
    tx: &Transaction<'_>,
    ctx: &Ctx,
    card: ContactCard,
    verified: Option<bool>,
) -> Result<Contact, ModelError> {
    let key = card.signing_key.to_text();
    let exists: Option<String> = tx
        .query_row(
            "SELECT name FROM contacts WHERE signing_key = ?1 OR recipient = ?2",
            params![key, card.recipient],
            |r| r.get(0),
        )
        .optional()?;
    if let Some(name) = exists {
        return Err(ModelError::NotAllowed(format!("this card's keys are already a contact, under the name {name}")));
    }
    let verified_at = verified.unwrap_or(false).then(|| ctx.now());
    tx.execute(
        "INSERT INTO contacts(signing_key, recipient, name, added_at, verified_at) VALUES(?1, ?2, ?3, ?4, ?5)",
        params![key, card.recipient, card.name, ctx.now(), verified_at],
    )?;
    audit(tx, ctx, "add", "contact", &key)?;
    if verified_at.is_some() {
        audit(tx, ctx, "verify", "contact", &key)?;
    }
    let theirs = card.fingerprint();
    Ok(Contact {
        name: card.name,
        pair_fingerprint: None,
        fingerprint: theirs.to_string(),
        recipient: card.recipient,
        signing_key: key,
        verified: verified_at.is_some(),
        verified_at,
        added_at: ctx.now(),
        shared_cases: Vec::new(),
    })
}

/// Finds one contact by signing key, or by a name no other contact has.
fn find(tx: &Transaction<'_>, name_or_key: &str) -> Result<Row, ModelError> {
    let by_key = tx
        .query_row(&format!("SELECT {COLUMNS} FROM contacts WHERE signing_key = ?1"), [name_or_key], row)
        .optional()?;
    if let Some(found) = by_key {
        return Ok(found);
    }
    let mut stmt = tx.prepare(&format!("SELECT {COLUMNS} FROM contacts WHERE name = ?1"))?;
    let mut named = stmt.query_map([name_or_key], row)?.collect::<rusqlite::Result<Vec<_>>>()?;
    match named.len() {
        0 => Err(ModelError::not_found("contact", name_or_key)),
        1 => Ok(named.remove(0)),
        n => Err(ModelError::Invalid(format!("{n} contacts are called {name_or_key}; name one by its signing key"))),
    }
}

pub fn verify_contact(tx: &Transaction<'_>, ctx: &Ctx, args: ContactRef) -> Result<Contact, ModelError> {
    let (key, recipient, name, added_at, verified_at) = find(tx, &args.name_or_key)?;
    let verified_at = match verified_at {
        Some(at) => at,
        None => {
            tx.execute("UPDATE contacts SET verified_at = ?1 WHERE signing_key = ?2", params![ctx.now(), key])?;
            audit(tx, ctx, "verify", "contact", &key)?;
            ctx.now()
        }
    };
    let parsed = PublicKey::from_text(&key)
        .ok_or_else(|| ModelError::Invalid(format!("the stored contact key {key} is malformed")))?;
    Ok(Contact {
        name,
        pair_fingerprint: None,
        fingerprint: Fingerprint::of(&parsed, &recipient).to_string(),
        recipient,
        signing_key: key,
        verified: true,
        verified_at: Some(verified_at),
        added_at,
        shared_cases: Vec::new(),
    })
}

/// A stored contact's name and whether it is verified, by signing key (bundle verification uses it).
pub fn known_signer(conn: &rusqlite::Connection, key: &PublicKey) -> rusqlite::Result<Option<(String, bool)>> {
    conn.query_row("SELECT name, verified_at IS NOT NULL FROM contacts WHERE signing_key = ?1", [key.to_text()], |r| {
        Ok((r.get(0)?, r.get(1)?))
    })
    .optional()
}
