//! Driving the app's own controls: clicking, typing (clearing with Ctrl+A, Backspace, because WebDriver's Clear
//! fires no `input` event), choosing from the kit's select, and checking a screen (axe, CSP, screenshot).

use std::time::Instant;

use fantoccini::key::Key;
use fantoccini::{Client, Locator};

use crate::axe::{assert_accessible, assert_no_csp_violations};
use crate::{find_within_step, testid, wait_for, Error, Screenshots, STEP};

/// Waits until the element with this `data-testid` carries `data-ready="true"` (the app sets it when loaded).
pub async fn wait_ready(client: &Client, id: &str) -> Result<(), Error> {
    let css = format!("{}[data-ready=\"true\"]", testid(id));
    find_within_step(client, &css).await.map_err(|e| format!("{id} was not ready within {STEP:?}: {e}"))?;
    Ok(())
}

pub async fn click(client: &Client, id: &str) -> Result<(), Error> {
    // A dialog that has just closed may still cover the page for a frame: try again until the step's time is up.
    let start = Instant::now();
    loop {
        let element = wait_for(client, id).await?;
        // Into view first, inside any scrolled list or dialog, as a person scrolls to what they click.
        let script = "arguments[0].scrollIntoView({ block: 'center' }); return true;";
        // A list that re-renders between the finding and the scrolling (its new answer came) leaves the element
        // found stale: find it again.
        if let Err(e) = client.execute(script, vec![serde_json::to_value(&element)?]).await {
            if start.elapsed() > STEP {
                return Err(format!("scrolling to {id}: {e:?}").into());
            }
            tokio::time::sleep(std::time::Duration::from_millis(200)).await;
            continue;
        }
        match element.click().await {
            Ok(()) => return Ok(()),
            Err(e) if start.elapsed() > STEP => return Err(format!("clicking {id}: {e}").into()),
            Err(_) => tokio::time::sleep(std::time::Duration::from_millis(200)).await,
        }
    }
}

/// Replaces a field's text, firing the input events a person's typing would.
pub async fn type_into(client: &Client, id: &str, text: &str) -> Result<(), Error> {
    // Clicked as a person would, scrolled into view and again if a closing dialog still covers it for a frame.
    click(client, id).await?;
    let field = wait_for(client, id).await?;
    let typing = async {
        // Control held for "a", then Null releases it.
        field.send_keys(&format!("{}a{}", &*Key::Control, &*Key::Null)).await?;
        field.send_keys(&Key::Backspace).await?;
        if !text.is_empty() {
            field.send_keys(text).await?;
        }
        Ok::<(), fantoccini::error::CmdError>(())
    };
    typing.await.map_err(|e| format!("typing into {id}: {e:?}").into())
}

/// Chooses `value` in the kit's closed-vocabulary select (bits-ui): opens it, then clicks the option.
pub async fn choose(client: &Client, id: &str, value: &str) -> Result<(), Error> {
    click(client, id).await?;
    let option = format!("{id}-{value}");
    click(client, &option).await?;
    // The list closes once chosen.
    let start = Instant::now();
    while client.find(Locator::Css(&testid(&option))).await.is_ok() {
        if start.elapsed() > STEP {
            return Err(format!("the {id} list did not close").into());
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    Ok(())
}

/// Presses keys on the keyboard, wherever the focus is (WebDriver key actions, not an element's send-keys):
/// Control, Shift and Alt stay held until Null (`Key::Null`) or the end, so `"\u{E009}k\u{E000}"` is Ctrl+K.
pub async fn keys(client: &Client, text: &str) -> Result<(), Error> {
    use fantoccini::actions::{InputSource, KeyAction, KeyActions};
    const MODIFIERS: [char; 3] = ['\u{E008}', '\u{E009}', '\u{E00A}'];
    let mut actions = KeyActions::new("keyboard".into());
    let mut held = Vec::new();
    for key in text.chars() {
        if MODIFIERS.contains(&key) {
            actions = actions.then(KeyAction::Down { value: key });
            held.push(key);
        } else if key == '\u{E000}' {
            for modifier in held.drain(..).rev() {
                actions = actions.then(KeyAction::Up { value: modifier });
            }
        } else {
            actions = actions.then(KeyAction::Down { value: key }).then(KeyAction::Up { value: key });
        }
    }
    for modifier in held.drain(..).rev() {
        actions = actions.then(KeyAction::Up { value: modifier });
    }
    client.perform_actions(actions).await?;
    Ok(())
}

/// The `data-testid` of the focused element, or its tag name when it has none.
pub async fn focused(client: &Client) -> Result<String, Error> {
    let value = client
        .execute(
            "const e = document.activeElement; return e ? (e.getAttribute('data-testid') || e.tagName.toLowerCase()) : '';",
            Vec::new(),
        )
        .await?;
    Ok(value.as_str().unwrap_or_default().to_owned())
}

/// Waits until the element with this `data-testid` has focus (a dialog moves focus a frame after it opens).
pub async fn wait_focus(client: &Client, id: &str) -> Result<(), Error> {
    let start = Instant::now();
    loop {
        let now = focused(client).await?;
        if now == id {
            return Ok(());
        }
        if start.elapsed() > STEP {
            return Err(format!("{id} did not get focus within {STEP:?}; focus is on {now}").into());
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
}

/// Tabs forward until the element with this `data-testid` has focus (at most `limit` presses).
pub async fn tab_to(client: &Client, id: &str, limit: usize) -> Result<(), Error> {
    for _ in 0..limit {
        if focused(client).await? == id {
            return Ok(());
        }
        keys(client, &Key::Tab).await?;
    }
    Err(format!("{id} was not reached with {limit} presses of Tab; focus is on {}", focused(client).await?).into())
}

/// Tabs backwards (Shift+Tab) until the element with this `data-testid` has focus (at most `limit` presses).
pub async fn tab_back_to(client: &Client, id: &str, limit: usize) -> Result<(), Error> {
    for _ in 0..limit {
        if focused(client).await? == id {
            return Ok(());
        }
        keys(client, &format!("{}{}{}", &*Key::Shift, &*Key::Tab, &*Key::Null)).await?;
    }
    Err(format!("{id} was not reached with {limit} presses of Shift+Tab; focus is on {}", focused(client).await?)
        .into())
}

/// A finished screen: no serious or critical axe violation, no CSP violation, and a screenshot named `name`.
pub async fn check_screen(client: &Client, shots: &mut Screenshots, name: &str) -> Result<(), Error> {
    assert_accessible(client, name).await?;
    assert_no_csp_violations(client, name).await?;
    shots.take(client, name).await?;
    Ok(())
}

/// Calls a registry operation from the page, as the UI's generated bindings do; returns `{ok}` or `{error}`.
pub async fn invoke(client: &Client, name: &str, args: serde_json::Value) -> Result<serde_json::Value, Error> {
    let script = "const [name, args, done] = arguments; \
        window.__TAURI_INTERNALS__.invoke('call', { name, args }) \
          .then((ok) => done({ ok }), (error) => done({ error }));";
    Ok(client.execute_async(script, vec![serde_json::json!(name), args]).await?)
}

/// Keyboard only: Tab to the field with this `data-testid` (at most `limit` presses), select what it holds with
/// Ctrl+A, delete it, and type `text`.
pub async fn key_fill(client: &Client, id: &str, text: &str, limit: usize) -> Result<(), Error> {
    tab_to(client, id, limit).await?;
    keys(client, &format!("{}a{}", &*Key::Control, &*Key::Null)).await?;
    keys(client, &Key::Backspace).await?;
    keys(client, text).await
}

/// Keyboard only: Tab to the control with this `data-testid` (at most `limit` presses) and press Enter.
pub async fn key_press(client: &Client, id: &str, limit: usize) -> Result<(), Error> {
    tab_to(client, id, limit).await?;
    keys(client, &Key::Enter).await
}

/// Keyboard only: Tab to the kit's select `id`, open it with Enter, move with the arrow keys until `value` is
/// highlighted, and choose it with Enter; the list closes and the focus is back on the select.
pub async fn key_choose(client: &Client, id: &str, value: &str, limit: usize) -> Result<(), Error> {
    tab_to(client, id, limit).await?;
    keys(client, &Key::Enter).await?;
    let option = format!("{id}-{value}");
    wait_for(client, &option).await?;
    let mut reached = false;
    for _ in 0..60 {
        let highlighted = match client.find(Locator::Css("[data-highlighted]")).await {
            Ok(element) => element.attr("data-testid").await?.unwrap_or_default(),
            Err(_) => String::new(),
        };
        if highlighted == option {
            reached = true;
            break;
        }
        keys(client, &Key::Down).await?;
    }
    if !reached {
        return Err(format!("{option} was not reached with the arrow keys").into());
    }
    keys(client, &Key::Enter).await?;
    let start = Instant::now();
    while client.find(Locator::Css(&testid(&option))).await.is_ok() {
        if start.elapsed() > STEP {
            return Err(format!("the {id} list did not close").into());
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    wait_focus(client, id).await
}

/// Keyboard only: a section of a case. Tab to the selected tab, then arrow keys to `tab-{section}`, then Enter.
pub async fn key_section(client: &Client, section: &str, limit: usize) -> Result<(), Error> {
    let selected = client
        .execute(
            "const t = document.querySelector('[role=tab][aria-selected=true]'); \
             return t ? t.getAttribute('data-testid') : '';",
            Vec::new(),
        )
        .await?;
    let selected = selected.as_str().unwrap_or_default().to_owned();
    tab_to(client, &selected, limit).await?;
    let target = format!("tab-{section}");
    for _ in 0..20 {
        if focused(client).await? == target {
            keys(client, &Key::Enter).await?;
            return Ok(());
        }
        keys(client, &Key::Right).await?;
    }
    Err(format!("{target} was not reached with the arrow keys from {selected}").into())
}
